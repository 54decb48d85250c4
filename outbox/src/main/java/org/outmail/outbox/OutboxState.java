package org.outmail.outbox;

/** Where a mail is in the outbox. */
public enum OutboxState {
  /** Accepted, waiting for its first attempt. */
  QUEUED(false),
  /** Claimed by a worker of some node, being sent (until its lease ends). */
  SENDING(false),
  /** An attempt failed transiently; waiting for the next attempt (see {@link OutboxEntry#nextAttemptAt()}). */
  DEFERRED(false),
  /** The server accepted it (possibly not every recipient: see {@link OutboxEntry#rejectedRecipients()}). */
  SENT(true),
  /** Failed permanently (5xx, refused configuration, every recipient blocked, mailbox removed); never retried. */
  FAILED(true),
  /** Still failing transiently when it reached the outbox's maximum age. */
  EXPIRED(true),
  /** An attempt's outcome is unknown and the policy is {@link OutcomeUnknownPolicy#MARK_UNKNOWN}. */
  UNKNOWN(true),
  /** Cancelled by {@link Outbox#cancel(long)} before it was sent. */
  CANCELLED(true);

  private final boolean finished;

  OutboxState(boolean finished) {
    this.finished = finished;
  }

  /** {@return whether no worker will touch the mail again (unless {@link Outbox#retryNow(long)} is called)} */
  public boolean isFinished() {
    return finished;
  }
}
