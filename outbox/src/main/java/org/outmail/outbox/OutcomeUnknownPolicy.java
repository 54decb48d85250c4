package org.outmail.outbox;

/**
 * What the outbox does when it cannot tell whether the server took a mail: the connection was lost
 * after the message was handed over, or the node sending it died (its lease ended).
 */
public enum OutcomeUnknownPolicy {
  /**
   * Send it again, with the same Message-ID (at-least-once delivery: a recipient may get it twice,
   * and can recognise the second copy). The default, like Postfix.
   */
  RESEND,
  /** Stop: the mail is {@link OutboxState#UNKNOWN}; {@link Outbox#retryNow(long)} sends it again. */
  MARK_UNKNOWN
}
