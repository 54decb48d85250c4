package org.outmail.spi;

import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;

/**
 * Makes transports for one protocol. Found by {@link java.util.ServiceLoader}; must have a public
 * no-argument constructor.
 */
public interface TransportProvider {
  /** The protocol name mailboxes use, lower case: {@code smtp}, {@code owa}. */
  String protocol();

  /**
   * Checks that the mailbox carries what this transport needs (a host, an OAuth client, ...).
   * Called when the registry is built, so configuration errors show at start-up.
   *
   * @throws MailboxConfigException naming the mailbox and the field
   */
  default void validate(Mailbox mailbox) {}

  /**
   * Opens a transport for the mailbox. Must not connect yet: connections are made when a message
   * is sent or the mailbox is checked.
   */
  MailTransport open(Mailbox mailbox, TransportContext context);
}
