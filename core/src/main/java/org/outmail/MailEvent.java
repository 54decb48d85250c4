package org.outmail;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened in the life of one mail: an attempt starting, a wait before a retry, a
 * switch to another server, how a send ended ({@link SendEvent}), and for mail an outbox delivers,
 * its queueing and each delivery it recorded. Every event is a small immutable value; a {@link
 * SendListener} hears each kind by its own method, in the order they happen for that mail.
 *
 * <p>Each event names its mailbox, and where they apply its Message-ID (the same in every attempt
 * and every delivery of one mail), the attempt's number, the {@link TransportException.Stage
 * stage} that failed, the server, how it ended, and the recipients the server deferred. Kinds of
 * event may be added in later versions: a {@code switch} over them needs a {@code default}.
 */
public interface MailEvent {
  /** {@return the id of the mailbox the mail is sent through} */
  String mailboxId();

  /**
   * An attempt is about to hand the message to the mailbox's transport.
   *
   * @param mailbox the mailbox sending
   * @param messageId the Message-ID of the message, with angle brackets; the same in every attempt
   * @param attempt this attempt, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   */
  record AttemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) implements MailEvent {
    /**
     * Checks the values.
     *
     * @param mailbox the mailbox sending
     * @param messageId the Message-ID of the message, with angle brackets; the same in every attempt
     * @param attempt this attempt, from 1
     * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
     */
    public AttemptStarting {
      Objects.requireNonNull(mailbox, "mailbox == null");
      Objects.requireNonNull(messageId, "messageId == null");
    }

    @Override
    public String mailboxId() {
      return mailbox.id();
    }

    @Override
    public String toString() {
      return "AttemptStarting{mailbox=" + mailbox.id() + ", messageId=" + messageId + ", attempt=" + attempt + "/"
          + maxAttempts + "}";
    }
  }

  /**
   * An attempt failed transiently, or the server deferred some recipients, and the send will try
   * again: attempt {@code attempt + 1} starts after {@code delay}. Not told for the last failure,
   * which the send throws (and {@link SendEvent} reports).
   *
   * @param mailbox the mailbox sending
   * @param messageId the Message-ID of the message
   * @param attempt the attempt that failed, from 1
   * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
   * @param failure why (a {@link TransportException}, or an {@link org.outmail.oauth.OAuthException}
   *     when no token could be had)
   * @param delay how long outmail waits before the next attempt (the backoff, or the server's {@code
   *     Retry-After})
   * @param deferredRecipients the recipients the server deferred, with its reply for each, which the
   *     next attempt goes to alone; empty when the next attempt sends to every recipient again
   */
  record Retrying(Mailbox mailbox, String messageId, int attempt, int maxAttempts, MailException failure,
      Duration delay, Map<String, String> deferredRecipients) implements MailEvent {
    /**
     * Checks and copies the values.
     *
     * @param mailbox the mailbox sending
     * @param messageId the Message-ID of the message
     * @param attempt the attempt that failed, from 1
     * @param maxAttempts the most attempts the mailbox's {@link RetryPolicy} allows
     * @param failure why (a {@link TransportException}, or an {@link org.outmail.oauth.OAuthException}
     *     when no token could be had)
     * @param delay how long outmail waits before the next attempt (the backoff, or the server's {@code
     *     Retry-After})
     * @param deferredRecipients the recipients the server deferred, with its reply for each, which the
     *     next attempt goes to alone; empty when the next attempt sends to every recipient again
     */
    public Retrying {
      Objects.requireNonNull(mailbox, "mailbox == null");
      Objects.requireNonNull(messageId, "messageId == null");
      Objects.requireNonNull(failure, "failure == null");
      Objects.requireNonNull(delay, "delay == null");
      deferredRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(deferredRecipients));
    }

    @Override
    public String mailboxId() {
      return mailbox.id();
    }

    /**
     * {@return where the attempt failed: the failure's {@link TransportException#stage()}, {@link
     * TransportException.Stage#RECIPIENTS} when recipients were deferred, {@link
     * TransportException.Stage#TOKEN} when no token could be had}
     */
    public TransportException.Stage stage() {
      return failure instanceof TransportException t ? t.stage() : TransportException.Stage.TOKEN;
    }

    @Override
    public String toString() {
      return "Retrying{mailbox=" + mailbox.id() + ", messageId=" + messageId + ", attempt=" + attempt + "/"
          + maxAttempts + ", stage=" + stage() + ", delay=" + delay.toMillis() + "ms"
          + (deferredRecipients.isEmpty() ? "" : ", deferred=" + deferredRecipients.keySet()) + "}";
    }
  }

  /**
   * The mailbox's transport could not use one of the mailbox's servers and moved on to the next (it
   * refused or dropped the connection, timed out, failed TLS or answered {@code 4xx} before any mail
   * was handed to it). Only a registry's listeners hear it: a connection serves many sends.
   *
   * @param mailbox the mailbox
   * @param from the server given up, as {@code host:port}
   * @param to the server tried next, as {@code host:port}
   * @param reason why {@code from} was given up, for a person (never a credential)
   */
  record ServerSwitched(Mailbox mailbox, String from, String to, String reason) implements MailEvent {
    /**
     * Checks the values.
     *
     * @param mailbox the mailbox
     * @param from the server given up, as {@code host:port}
     * @param to the server tried next, as {@code host:port}
     * @param reason why {@code from} was given up, for a person (never a credential)
     */
    public ServerSwitched {
      Objects.requireNonNull(mailbox, "mailbox == null");
      Objects.requireNonNull(from, "from == null");
      Objects.requireNonNull(to, "to == null");
      Objects.requireNonNull(reason, "reason == null");
    }

    @Override
    public String mailboxId() {
      return mailbox.id();
    }

    @Override
    public String toString() {
      return "ServerSwitched{mailbox=" + mailbox.id() + ", from=" + from + ", to=" + to + "}";
    }
  }

  /**
   * An outbox stored a mail durably; its workers deliver it later, each delivery a send of the
   * mailbox's mailer (heard as such by the registry's listeners).
   *
   * @param mailboxId the mailbox it will be sent through
   * @param messageId the Message-ID every delivery sends
   * @param queueId the id the outbox gave it
   */
  record Queued(String mailboxId, String messageId, long queueId) implements MailEvent {
    /**
     * Checks the values.
     *
     * @param mailboxId the mailbox it will be sent through
     * @param messageId the Message-ID every delivery sends
     * @param queueId the id the outbox gave it
     */
    public Queued {
      Objects.requireNonNull(mailboxId, "mailboxId == null");
      Objects.requireNonNull(messageId, "messageId == null");
    }
  }

  /**
   * An outbox recorded the end of one delivery of a queued mail: sent, deferred to a later delivery,
   * or given up for good ({@link #dead()}). Which recipients took it or refused it is in the
   * events of the delivery's send and in the outbox's record of the mail.
   *
   * @param mailboxId the mailbox it is sent through
   * @param messageId the Message-ID every delivery sends
   * @param queueId the id the outbox gave it
   * @param attempt this delivery, from 1
   * @param state how the delivery ended
   * @param error why it did not send, when it did not
   * @param nextAttemptAt when the next delivery is due, when {@link State#DEFERRED}
   * @param deferredRecipients the recipients the next delivery goes to alone, when the server took
   *     the mail for others; empty when it goes to every recipient, or there is none
   */
  record Delivery(String mailboxId, String messageId, long queueId, int attempt, State state, Optional<String> error,
      Optional<Instant> nextAttemptAt, List<String> deferredRecipients) implements MailEvent {
    /** How a delivery of a queued mail ended. */
    public enum State {
      /** The server took the mail (possibly not for every recipient: see the rejected ones). */
      SENT,
      /** It failed transiently, or the server deferred recipients: a later delivery tries again. */
      DEFERRED,
      /** It failed for good (a permanent failure, a mailbox that can no longer send). */
      FAILED,
      /** It was still failing transiently when it reached the outbox's maximum age. */
      EXPIRED,
      /** Its outcome is unknown (the mail may have been sent) and it is not sent again. */
      UNKNOWN
    }

    /**
     * Checks and copies the values.
     *
     * @param mailboxId the mailbox it is sent through
     * @param messageId the Message-ID every delivery sends
     * @param queueId the id the outbox gave it
     * @param attempt this delivery, from 1
     * @param state how the delivery ended
     * @param error why it did not send, when it did not
     * @param nextAttemptAt when the next delivery is due, when {@link State#DEFERRED}
     * @param deferredRecipients the recipients the next delivery goes to alone, when the server took
     *     the mail for others; empty when it goes to every recipient, or there is none
     */
    public Delivery {
      Objects.requireNonNull(mailboxId, "mailboxId == null");
      Objects.requireNonNull(messageId, "messageId == null");
      Objects.requireNonNull(state, "state == null");
      Objects.requireNonNull(error, "error == null");
      Objects.requireNonNull(nextAttemptAt, "nextAttemptAt == null");
      deferredRecipients = List.copyOf(deferredRecipients);
    }

    /** {@return whether the outbox gave the mail up: failed, expired or with an unknown outcome} */
    public boolean dead() {
      return state == State.FAILED || state == State.EXPIRED || state == State.UNKNOWN;
    }
  }
}
