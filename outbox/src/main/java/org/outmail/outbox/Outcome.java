package org.outmail.outbox;

import org.jspecify.annotations.Nullable;

/**
 * What an attempt at a claimed mail came to, as the store records it. Made by the named
 * constructors, one for each way an attempt ends.
 *
 * @param id the mail
 * @param attempt the attempt's number
 * @param state the mail's new state
 * @param dueAt when the next attempt is due; null for a final state
 * @param error the mail's last error; null when sent
 * @param now when the attempt ended
 * @param recipients where the recipients stand now
 * @param attemptDetail what the attempt row says
 * @param hasContent whether the mail has stored attachment content (deleted once sent)
 * @param mailboxId the mailbox the mail is sent through, for the listeners
 * @param messageId the mail's Message-ID, for the listeners
 * @param attempted whether an attempt was made (not for a mail given back untried)
 */
record Outcome(long id, int attempt, OutboxState state, @Nullable Long dueAt, @Nullable String error, long now,
    Recipients recipients, @Nullable String attemptDetail, boolean hasContent, String mailboxId, String messageId,
    boolean attempted) {

  /** The server took the mail (for every recipient still pending, or refused some for good). */
  static Outcome sent(JdbcStore.Claimed m, long now, Recipients recipients, String detail, boolean hasContent) {
    return new Outcome(m.id(), m.attempt(), OutboxState.SENT, null, null, now, recipients, detail, hasContent,
        m.mailboxId(), m.messageId(), true);
  }

  /** A transient failure: tried again at {@code dueAt}. */
  static Outcome deferred(JdbcStore.Claimed m, long now, long dueAt, @Nullable String error, Recipients recipients) {
    return new Outcome(m.id(), m.attempt(), OutboxState.DEFERRED, dueAt, error, now, recipients, error, false,
        m.mailboxId(), m.messageId(), true);
  }

  /** A final state other than sent: {@code FAILED}, {@code EXPIRED} or {@code UNKNOWN}; never tried again. */
  static Outcome finished(JdbcStore.Claimed m, long now, OutboxState state, @Nullable String error,
      Recipients recipients) {
    if (!state.isFinished() || state == OutboxState.SENT) {
      throw new IllegalArgumentException(state + " is not a final failure");
    }
    return new Outcome(m.id(), m.attempt(), state, null, error, now, recipients, error, false, m.mailboxId(),
        m.messageId(), true);
  }

  /** A claimed mail no attempt was made at (the outbox is closing): due again at once, as it was. */
  static Outcome givenBack(JdbcStore.Claimed m, long now) {
    OutboxState state = m.previous() == OutboxState.DEFERRED ? OutboxState.DEFERRED : OutboxState.QUEUED;
    return new Outcome(m.id(), m.attempt(), state, now, null, now, m.recipients(),
        "given back untried: the outbox of this node was closed", false, m.mailboxId(), m.messageId(), false);
  }
}
