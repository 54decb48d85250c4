package org.outmail;

import org.jspecify.annotations.Nullable;

/**
 * A {@link MailboxStore} could not be read or written: unreachable, read-only, a secret that does
 * not decrypt with the key given, or (when {@link #isConflict()}) a change that another change
 * overtook. Nothing was changed.
 */
public class MailboxStoreException extends MailException {
  private static final long serialVersionUID = 1L;

  /** Whether another change came first. */
  private final boolean conflict;

  /**
   * Creates an exception.
   *
   * @param mailboxId the mailbox concerned, or {@code null}
   * @param message what went wrong, without a secret
   * @param cause the cause, or {@code null}
   */
  public MailboxStoreException(@Nullable String mailboxId, String message, @Nullable Throwable cause) {
    this(mailboxId, message, cause, false);
  }

  private MailboxStoreException(@Nullable String mailboxId, String message, @Nullable Throwable cause,
      boolean conflict) {
    super(mailboxId, message, cause);
    this.conflict = conflict;
  }

  /**
   * A change refused because the store's version moved since the change was checked.
   *
   * @param mailboxId the mailbox the change was about, or {@code null}
   * @param expected the version the change was checked against
   * @param actual the store's version now
   * @return the exception, with {@link #isConflict()} true
   */
  public static MailboxStoreException conflict(@Nullable String mailboxId, long expected, long actual) {
    return new MailboxStoreException(mailboxId, mailboxPrefix(mailboxId)
        + "not saved: the mailboxes changed meanwhile (version " + expected + " expected, the store is at "
        + actual + "); read them again and retry", null, true);
  }

  /** {@return whether another change came first: reading the store again and retrying may succeed} */
  public boolean isConflict() {
    return conflict;
  }
}
