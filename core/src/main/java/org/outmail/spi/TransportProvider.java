package org.outmail.spi;

import java.util.List;
import java.util.Optional;
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
   * Why this transport refuses a setting that is not its own, when there is more to say than
   * "unknown": a setting that belongs to another transport and has no meaning here (the {@code owa}
   * transport refuses {@code smtp.dkim.*} and {@code owa.dkim.*}: Microsoft 365 signs itself). The
   * registry, forms and the loader give this text instead of their own.
   *
   * @param key the setting's key as given, {@code PROTOCOL.NAME}
   * @return the problem, worded to follow the key ({@code "is not a setting of protocol owa: ..."});
   *     empty by default
   */
  default Optional<String> settingRefusal(String key) {
    return Optional.empty();
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
