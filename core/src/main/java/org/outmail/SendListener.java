package org.outmail;

import java.time.Duration;

/**
 * Hears a send's life: each attempt as it starts, each wait before a retry, and how the send ended
 * (sent, with its deferred recipients; blocked; failed). One listener type for every use: pass one
 * to {@link OutgoingMailer#send(Email, SendListener)} to hear that send (a command line or a console
 * showing progress), or give one to {@link MailboxRegistry.Builder#listener(SendListener)} to hear
 * every send of every mailbox (metrics, tracing, an audit trail; the {@code outmail-micrometer}
 * module's {@code OutmailMetrics} is one). Mail an outbox delivers goes through the same mailer, so
 * a registry's listeners hear it too.
 *
 * <p>The methods are called on the sending thread and should return quickly. What they throw is
 * logged and never changes a send: a mail that went out is still reported as sent, and the
 * exception a failed send throws is still the one thrown. Every method does nothing by default.
 */
public interface SendListener {
  /** Hears nothing: what {@link OutgoingMailer#send(Email)} uses. */
  SendListener NONE = new SendListener() {};

  /**
   * An attempt is about to hand the message to the mailbox's transport.
   *
   * @param mailbox the mailbox sending
   * @param messageId the Message-ID of the message, with angle brackets; the same in every attempt
   * @param attempt this attempt, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   */
  default void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {}

  /**
   * An attempt failed transiently (or left recipients deferred) and will be retried: attempt {@code
   * attempt + 1} starts after {@code wait}. Not called for the last failure, which {@code send}
   * throws.
   *
   * @param mailbox the mailbox sending
   * @param attempt the attempt that failed, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   * @param failure why it failed (a {@link TransportException}, or an {@link
   *     org.outmail.oauth.OAuthException} when no token could be had)
   * @param wait how long outmail waits before the next attempt (the backoff, or the server's {@code
   *     Retry-After})
   */
  default void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {}

  /**
   * A send ended: {@link OutgoingMailer#send} is about to return its result or throw. Called once
   * for every send, also for one refused before any attempt (a disabled mailbox, every recipient
   * blocked, a closed registry).
   *
   * @param event the mailbox, the outcome, how long it took, the recipients blocked, the attempts
   *     made, and the result with its deferred recipients when sent
   */
  default void sendFinished(SendEvent event) {}

  /**
   * The mailbox's transport could not use one of the mailbox's servers and moved on to the next
   * (a mailbox whose {@code host} lists several, such as {@code smtp1.example.com:587,
   * smtp2.example.com:587}): it refused or dropped the connection, timed out, failed TLS or
   * answered {@code 4xx} before any mail was handed to it. Only the registry's listeners hear it (a
   * connection serves many sends), on the thread that opened the connection.
   *
   * @param mailbox the mailbox
   * @param from the server given up, as {@code host:port}
   * @param to the server tried next, as {@code host:port}
   * @param reason why {@code from} was given up, for a person (never a credential)
   */
  default void serverSwitched(Mailbox mailbox, String from, String to, String reason) {}
}
