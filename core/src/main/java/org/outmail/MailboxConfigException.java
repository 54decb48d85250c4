package org.outmail;

/**
 * A mailbox, OAuth client or configuration file is wrong. The message names the mailbox (or the
 * configuration key), the field and what is wrong with it.
 */
public class MailboxConfigException extends MailException {
  private static final long serialVersionUID = 1L;

  /** The field or configuration key that is wrong, or {@code null}. */
  private final String field;

  /**
   * Creates an exception that names no mailbox and no field.
   *
   * @param message what is wrong, without a secret
   */
  public MailboxConfigException(String message) {
    this(null, null, message, null);
  }

  /**
   * Creates an exception about a field of a mailbox.
   *
   * @param mailboxId the mailbox's id, or {@code null} for configuration outside a mailbox
   * @param field the field or configuration key that is wrong, or {@code null} when the error spans
   *     several
   * @param message what is wrong, without a secret
   */
  public MailboxConfigException(String mailboxId, String field, String message) {
    this(mailboxId, field, message, null);
  }

  /**
   * Creates an exception about a field of a mailbox, with its cause.
   *
   * @param mailboxId the mailbox's id, or {@code null} for configuration outside a mailbox
   * @param field the field or configuration key that is wrong, or {@code null} when the error spans
   *     several
   * @param message what is wrong, without a secret
   * @param cause the exception that caused this one, or {@code null}
   */
  public MailboxConfigException(String mailboxId, String field, String message, Throwable cause) {
    super(mailboxId, message, cause);
    this.field = field;
  }

  /**
   * {@return the field (or configuration key) that is wrong, or {@code null} when the error spans
   * several}
   */
  public String field() {
    return field;
  }

  static MailboxConfigException of(String mailboxId, String field, String problem) {
    return new MailboxConfigException(mailboxId, field, mailboxPrefix(mailboxId) + field + " " + problem);
  }
}
