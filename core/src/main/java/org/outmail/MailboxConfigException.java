package org.outmail;

import org.jspecify.annotations.Nullable;

/**
 * A mailbox, OAuth client or configuration file is wrong. The message names the mailbox (or the
 * configuration key), the field and what is wrong with it.
 */
public class MailboxConfigException extends MailException {
  private static final long serialVersionUID = 1L;

  /** The field or configuration key that is wrong, or {@code null}. */
  private final @Nullable String field;

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
  public MailboxConfigException(@Nullable String mailboxId, @Nullable String field, String message) {
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
  public MailboxConfigException(@Nullable String mailboxId, @Nullable String field, String message,
      @Nullable Throwable cause) {
    super(mailboxId, message, cause);
    this.field = field;
  }

  /**
   * {@return the field (or configuration key) that is wrong, or {@code null} when the error spans
   * several}
   */
  public @Nullable String field() {
    return field;
  }

  /**
   * What is wrong, without the mailbox and the field in front: {@code must be between 1 and 65535,
   * was 0} for the message {@code mailbox 'support': port must be between 1 and 65535, was 0}. What
   * a form shows beside the field.
   *
   * @return the message without the leading mailbox label and field name, where it has them
   */
  public String problem() {
    String m = getMessage() == null ? "" : getMessage();
    String owner = mailboxPrefix(mailboxId());
    if (!owner.isEmpty() && m.startsWith(owner)) {
      m = m.substring(owner.length());
    } else if (m.startsWith("oauth client '") && m.indexOf("': ") > 0) {
      m = m.substring(m.indexOf("': ") + 3);
    }
    if (field != null && m.startsWith(field + " ")) {
      m = m.substring(field.length() + 1);
    }
    return m;
  }

  static MailboxConfigException of(@Nullable String mailboxId, String field, String problem) {
    return new MailboxConfigException(mailboxId, field, mailboxPrefix(mailboxId) + field + " " + problem);
  }
}
