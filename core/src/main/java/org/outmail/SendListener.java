package org.outmail;

import java.time.Duration;

/**
 * Hears the life of mail: each attempt as it starts, each wait before a retry, each switch to
 * another server, how each send ended (sent, with its server and deferred recipients; blocked;
 * failed; outcome unknown), and for mail an outbox delivers, its queueing and each delivery. One
 * listener type for every use, with one method per kind of {@link MailEvent}, each doing nothing
 * by default: pass one to {@link OutgoingMailer#send(Email, SendListener)} to hear that send (a
 * command line or a console showing progress), give one to {@link
 * MailboxRegistry.Builder#listener(SendListener)} to hear every send of every mailbox (metrics,
 * tracing, an audit trail; the {@code outmail-micrometer} module's {@code OutmailMetrics} is one),
 * and to an outbox's builder to hear its queue. Each delivery of an outbox is a send of the
 * mailbox's mailer, so the registry's listeners hear its attempts and how it ended.
 *
 * <p>For one send the events come in this order: {@link #attemptStarting(MailEvent.AttemptStarting)}
 * for attempt 1, then for each retry {@link #retrying(MailEvent.Retrying)} and the next {@code
 * attemptStarting}, and last {@link #sendFinished(SendEvent)}, once. For an outbox's mail: {@link
 * #queued(MailEvent.Queued)}, then for each delivery the events of its send and {@link
 * #deliveryRecorded(MailEvent.Delivery)}.
 *
 * <p>The methods are called on the thread doing the work (the sending thread; an outbox's worker
 * or the thread that enqueued) and should return quickly. What they throw is logged and never
 * changes a send: a mail that went out is still reported as sent, and the exception a failed send
 * throws is still the one thrown.
 */
public interface SendListener {
  /** Hears nothing: what {@link OutgoingMailer#send(Email)} uses. */
  SendListener NONE = new SendListener() {};

  /**
   * An attempt is about to hand the message to the mailbox's transport. By default calls the
   * deprecated {@link #attemptStarting(Mailbox, String, int, int)}, so a listener written for it
   * still hears attempts.
   *
   * @param event the mailbox, the Message-ID, the attempt's number and the most attempts allowed
   */
  default void attemptStarting(MailEvent.AttemptStarting event) {
    attemptStarting(event.mailbox(), event.messageId(), event.attempt(), event.maxAttempts());
  }

  /**
   * An attempt failed transiently (or left recipients deferred) and will be retried. Not called for
   * the last failure, which {@code send} throws. By default calls the deprecated {@link
   * #retrying(Mailbox, int, int, MailException, Duration)}.
   *
   * @param event the mailbox, the Message-ID, the attempt that failed, the failure and its stage,
   *     the wait before the next attempt, and the recipients that attempt goes to alone
   */
  default void retrying(MailEvent.Retrying event) {
    retrying(event.mailbox(), event.attempt(), event.maxAttempts(), event.failure(), event.delay());
  }

  /**
   * A send ended: {@link OutgoingMailer#send} is about to return its result or throw. Called once
   * for every send, also for one refused before any attempt (a disabled mailbox, every recipient
   * blocked, a closed registry).
   *
   * @param event the mailbox, the Message-ID, the outcome, the failed stage, the server, how long it
   *     took, the recipients blocked and deferred, the attempts made, and the result when sent
   */
  default void sendFinished(SendEvent event) {}

  /**
   * The mailbox's transport could not use one of the mailbox's servers and moved on to the next (a
   * mailbox whose {@code host} lists several). Only the registry's listeners hear it (a connection
   * serves many sends), on the thread that opened the connection. By default calls the deprecated
   * {@link #serverSwitched(Mailbox, String, String, String)}.
   *
   * @param event the mailbox, the server given up, the one tried next, and why
   */
  default void serverSwitched(MailEvent.ServerSwitched event) {
    serverSwitched(event.mailbox(), event.from(), event.to(), event.reason());
  }

  /**
   * An outbox stored a mail durably (told after the commit, on the thread that enqueued; not for a
   * mail enqueued in the host's own transaction, whose commit the outbox does not see).
   *
   * @param event the mailbox, the Message-ID and the outbox's id of the mail
   */
  default void queued(MailEvent.Queued event) {}

  /**
   * An outbox recorded how one delivery of a queued mail ended: sent, deferred, or given up ({@link
   * MailEvent.Delivery#dead()}). Told after the outcome is stored, on a worker thread of the node
   * that recorded it.
   *
   * @param event the mail, the delivery's number, its state, error and next due time, and the
   *     recipients accepted, rejected and still deferred
   */
  default void deliveryRecorded(MailEvent.Delivery event) {}

  /**
   * As {@link #attemptStarting(MailEvent.AttemptStarting)}, with the event's values one by one.
   *
   * @param mailbox the mailbox sending
   * @param messageId the Message-ID of the message
   * @param attempt this attempt, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   * @deprecated override {@link #attemptStarting(MailEvent.AttemptStarting)}; this one is called
   *     only by its default, and goes in a later release
   */
  @Deprecated
  default void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {}

  /**
   * As {@link #retrying(MailEvent.Retrying)}, with the event's values one by one.
   *
   * @param mailbox the mailbox sending
   * @param attempt the attempt that failed, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   * @param failure why it failed
   * @param wait how long outmail waits before the next attempt
   * @deprecated override {@link #retrying(MailEvent.Retrying)}, which also names the Message-ID,
   *     the stage and the deferred recipients; this one goes in a later release
   */
  @Deprecated
  default void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {}

  /**
   * As {@link #serverSwitched(MailEvent.ServerSwitched)}, with the event's values one by one.
   *
   * @param mailbox the mailbox
   * @param from the server given up, as {@code host:port}
   * @param to the server tried next, as {@code host:port}
   * @param reason why {@code from} was given up
   * @deprecated override {@link #serverSwitched(MailEvent.ServerSwitched)}; this one goes in a
   *     later release
   */
  @Deprecated
  default void serverSwitched(Mailbox mailbox, String from, String to, String reason) {}
}
