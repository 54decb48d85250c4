package org.outmail;

/**
 * A mailbox, OAuth client or configuration file is wrong. The message names the mailbox (or the
 * configuration key), the field and what is wrong with it.
 */
public class MailboxConfigException extends MailException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public MailboxConfigException(String message) {
    this(null, null, message, null);
  }

  public MailboxConfigException(String mailboxId, String field, String message) {
    this(mailboxId, field, message, null);
  }

  public MailboxConfigException(String mailboxId, String field, String message, Throwable cause) {
    super(mailboxId, message, cause);
    this.field = field;
  }

  /** The field (or configuration key) that is wrong, or {@code null} when the error spans several. */
  public String field() {
    return field;
  }

  static MailboxConfigException of(String mailboxId, String field, String problem) {
    return new MailboxConfigException(mailboxId, field, mailboxPrefix(mailboxId) + field + " " + problem);
  }
}
