package org.outmail.spi;

import java.util.List;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Setting;

/**
 * Makes transports for one protocol. Found by {@link java.util.ServiceLoader}; must have a public
 * no-argument constructor.
 */
public interface TransportProvider {
  /** {@return the protocol name mailboxes use, lower case: {@code smtp}, {@code owa}} */
  String protocol();

  /**
   * The settings this transport owns besides the mailbox's own fields, described once: a mailbox
   * gives them as {@code PROTOCOL.NAME} ({@code outmail.mailbox.ID.smtp.max-connections} in a
   * properties file). The registry refuses a mailbox whose settings are unknown or invalid here
   * before it calls {@link #validate}; forms, the command-line tool and the Spring metadata list
   * them.
   *
   * @return the descriptions of this transport's settings; empty by default
   */
  default List<Setting> settings() {
    return List.of();
  }

  /**
   * Checks that the mailbox carries what this transport needs (a host, an OAuth client, ...).
   * Called when the registry is built, so configuration errors show at start-up.
   *
   * @param mailbox a mailbox of this protocol
   * @throws MailboxConfigException naming the mailbox and the field
   */
  default void validate(Mailbox mailbox) {}

  /**
   * Opens a transport for the mailbox. Must not connect yet: connections are made when a message
   * is sent or the mailbox is checked.
   *
   * @param mailbox a mailbox of this protocol, validated
   * @param context what the registry shares with its transports
   * @return the transport, not yet connected
   */
  MailTransport open(Mailbox mailbox, TransportContext context);
}
