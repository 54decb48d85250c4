package org.outmail.outbox;

import org.outmail.MailException;

/** The outbox's store could not be opened, read or written, or the outbox is closed. */
public class OutboxException extends MailException {
  private static final long serialVersionUID = 1L;

  /**
   * An outbox failure that concerns no mailbox.
   *
   * @param message what failed
   */
  public OutboxException(String message) {
    super(null, message, null);
  }

  /**
   * An outbox failure that concerns no mailbox.
   *
   * @param message what failed
   * @param cause the store's exception
   */
  public OutboxException(String message, Throwable cause) {
    super(null, message, cause);
  }

  /**
   * An outbox failure while handling a mail of a mailbox.
   *
   * @param mailboxId the mailbox
   * @param message what failed, naming the mailbox
   * @param cause the store's exception
   */
  public OutboxException(String mailboxId, String message, Throwable cause) {
    super(mailboxId, message, cause);
  }
}
