package org.outmail;

import java.time.Duration;

/**
 * Hears how one send is going, for a command line or a console that shows progress: each attempt
 * as it starts, and each wait before a retry. Pass one to {@link OutgoingMailer#send(Email,
 * SendListener)}.
 *
 * <p>The methods are called on the sending thread, before the transport is called and before the
 * wait; they should return quickly. An exception they throw is logged and does not change the send.
 * Both methods do nothing by default.
 */
public interface SendListener {
  /** Hears nothing: what {@link OutgoingMailer#send(Email)} uses. */
  SendListener NONE = new SendListener() {};

  /**
   * An attempt is about to hand the message to the transport.
   *
   * @param messageId the Message-ID of the message, with angle brackets; the same in every attempt
   * @param attempt this attempt, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   */
  default void attemptStarting(String messageId, int attempt, int maxAttempts) {}

  /**
   * An attempt failed transiently and will be retried: attempt {@code attempt + 1} starts after
   * {@code wait}. Not called for the last failure, which {@code send} throws.
   *
   * @param attempt the attempt that failed, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   * @param failure why it failed (a {@link TransportException}, or an {@link
   *     org.outmail.oauth.OAuthException} when no token could be had)
   * @param wait how long outmail waits before the next attempt (the backoff, or the server's {@code
   *     Retry-After})
   */
  default void retrying(int attempt, int maxAttempts, MailException failure, Duration wait) {}
}
