package org.outmail;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception outmail throws. All are unchecked.
 *
 * <p>A message names what was wrong and, where there is one, the mailbox; it never carries a
 * password, client secret or access token.
 */
public class MailException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The id of the mailbox concerned, or {@code null}. */
  private final @Nullable String mailboxId;

  /**
   * Creates an exception that belongs to no mailbox.
   *
   * @param message what was wrong, without a secret
   */
  public MailException(String message) {
    this(null, message, null);
  }

  /**
   * Creates an exception about a mailbox.
   *
   * @param mailboxId the mailbox's id, or {@code null} when the error belongs to no mailbox
   * @param message what was wrong, without a secret
   */
  public MailException(@Nullable String mailboxId, String message) {
    this(mailboxId, message, null);
  }

  /**
   * Creates an exception about a mailbox, with its cause.
   *
   * @param mailboxId the mailbox's id, or {@code null} when the error belongs to no mailbox
   * @param message what was wrong, without a secret
   * @param cause the exception that caused this one, or {@code null}
   */
  public MailException(@Nullable String mailboxId, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.mailboxId = mailboxId;
  }

  /**
   * {@return the id of the mailbox concerned, or {@code null} when the error belongs to no mailbox}
   */
  public @Nullable String mailboxId() {
    return mailboxId;
  }

  /**
   * Names a mailbox the way every message does: {@code mailbox 'support'}. The one place that
   * spelling is made; transports use it too.
   *
   * @param mailboxId the mailbox's id
   * @return the mailbox's name for a message
   */
  static String mailboxLabel(String mailboxId) {
    return "mailbox '" + mailboxId + "'";
  }

  /**
   * {@return the start of a message about a mailbox: {@code mailbox 'support': }, or the empty
   * string when {@code mailboxId} is {@code null}}
   *
   * @param mailboxId the mailbox's id, or {@code null}
   */
  public static String mailboxPrefix(@Nullable String mailboxId) {
    return mailboxId == null ? "" : mailboxLabel(mailboxId) + ": ";
  }
}
