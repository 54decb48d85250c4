package org.outmail.outbox;

import org.outmail.MailException;

/** The outbox's store could not be opened, read or written, or the outbox is closed. */
public class OutboxException extends MailException {
  private static final long serialVersionUID = 1L;

  public OutboxException(String message) {
    super(null, message, null);
  }

  public OutboxException(String message, Throwable cause) {
    super(null, message, cause);
  }

  public OutboxException(String mailboxId, String message, Throwable cause) {
    super(mailboxId, message, cause);
  }
}
