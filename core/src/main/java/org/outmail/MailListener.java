package org.outmail;

import java.time.Duration;

/**
 * Hears every send of a registry, on every mailbox: for metrics, tracing or an audit trail. Give
 * one to {@link MailboxRegistry.Builder#listener(MailListener)}; the {@code outmail-micrometer}
 * module's {@code OutmailMetrics} is one.
 *
 * <p>The first two methods are {@link SendListener}'s, with the mailbox added: they hear each
 * attempt and each wait before a retry, as a send's own {@code SendListener} does. {@link
 * #sendFinished} hears how the send ended: sent, blocked or failed.
 *
 * <p>The methods are called on the sending thread and should return quickly. What they throw is
 * logged and never changes a send: a mail that went out is still reported as sent, and the
 * exception a failed send throws is still the one thrown. Every method does nothing by default.
 */
public interface MailListener {
  /**
   * An attempt is about to hand the message to the mailbox's transport; as {@link
   * SendListener#attemptStarting}.
   *
   * @param mailbox the mailbox sending
   * @param messageId the Message-ID of the message, with angle brackets; the same in every attempt
   * @param attempt this attempt, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   */
  default void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {}

  /**
   * An attempt failed transiently and will be retried after {@code wait}; as {@link
   * SendListener#retrying}. Not called for the last failure.
   *
   * @param mailbox the mailbox sending
   * @param attempt the attempt that failed, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   * @param failure why it failed
   * @param wait how long outmail waits before the next attempt
   */
  default void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {}

  /**
   * A send ended: {@link OutgoingMailer#send} is about to return its result or throw. Called once
   * for every send, also for one refused before any attempt (a disabled mailbox, every recipient
   * blocked, a closed registry).
   *
   * @param event the mailbox, the outcome, how long it took, the recipients blocked and the
   *     attempts made
   */
  default void sendFinished(SendEvent event) {}
}
