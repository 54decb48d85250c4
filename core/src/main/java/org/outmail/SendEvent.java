package org.outmail;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one send ended, as a {@link SendListener} hears it: the mailbox, the Message-ID, the {@link
 * Outcome}, the {@link TransportException.Stage stage} that failed, the server that took the mail,
 * how long the send took, the recipients outmail's rules blocked and the server still defers, and
 * the transport attempts made. The last {@link MailEvent} of a send. Immutable.
 */
public final class SendEvent implements MailEvent {
  /** How a send ended. */
  public enum Outcome {
    /** The transport took the message; some recipients may have been blocked or refused. */
    SENT,
    /** Every recipient was blocked by the mailbox's rules: nothing was sent ({@link RecipientsBlockedException}). */
    BLOCKED,
    /** The send threw: a disabled mailbox, a bad email, a transport failure, a closed registry. */
    FAILED,
    /**
     * The send threw a {@link TransportException} whose outcome is unknown: the connection was lost
     * after the message was handed over, so the mail may have been sent; it was not retried.
     */
    UNKNOWN
  }

  private final Mailbox mailbox;
  private final Optional<String> messageId;
  private final Outcome outcome;
  private final Duration duration;
  private final Map<String, BlockReason> blockedRecipients;
  private final int attempts;
  private final @Nullable SendResult result;
  private final @Nullable RuntimeException failure;
  private final TransportException.@Nullable Stage stage;

  SendEvent(Mailbox mailbox, Optional<String> messageId, Outcome outcome, Duration duration,
      Map<String, BlockReason> blockedRecipients, int attempts, @Nullable SendResult result,
      @Nullable RuntimeException failure, TransportException.@Nullable Stage stage) {
    this.mailbox = Objects.requireNonNull(mailbox, "mailbox == null");
    this.messageId = Objects.requireNonNull(messageId, "messageId == null");
    this.outcome = Objects.requireNonNull(outcome, "outcome == null");
    this.duration = Objects.requireNonNull(duration, "duration == null");
    this.blockedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(blockedRecipients));
    this.attempts = attempts;
    this.result = result;
    this.failure = failure;
    this.stage = stage;
  }

  /** {@return the mailbox that sent, or was asked to} */
  public Mailbox mailbox() {
    return mailbox;
  }

  /** {@return the id of the mailbox} */
  @Override
  public String mailboxId() {
    return mailbox.id();
  }

  /**
   * {@return the Message-ID the send gave the message, with angle brackets; empty when the send
   * ended before the message was made (a disabled mailbox, every recipient blocked, a bad email)}
   */
  public Optional<String> messageId() {
    return messageId;
  }

  /** {@return the protocol of the mailbox's transport: {@code smtp}, {@code owa}, ...} */
  public String protocol() {
    return mailbox.protocol();
  }

  /** {@return whether the mail was sent, every recipient blocked, the send failed, or its outcome is unknown} */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * {@return how long the send took, from the call of {@code send} until it returned or threw:
   * filters, every attempt, the waits between them and the post-send hooks}
   */
  public Duration duration() {
    return duration;
  }

  /**
   * {@return the recipients outmail's rules blocked, with the reason for each: some of them when
   * the mail was {@link Outcome#SENT sent}, all of them when it was {@link Outcome#BLOCKED}, none
   * when the send failed before the filters ran}
   */
  public Map<String, BlockReason> blockedRecipients() {
    return blockedRecipients;
  }

  /** {@return how many times the transport was called: 0 when the send ended before it was} */
  public int attempts() {
    return attempts;
  }

  /** {@return the retries: the attempts after the first} */
  public int retries() {
    return Math.max(0, attempts - 1);
  }

  /**
   * {@return the stage that failed: a {@link TransportException}'s {@link TransportException#stage()};
   * {@link TransportException.Stage#TOKEN} when, once attempts had started, no OAuth access token
   * could be had (an {@link org.outmail.oauth.OAuthException} or a failing token store); {@link
   * TransportException.Stage#OTHER} for any other exception thrown during an attempt; empty when
   * the mail was sent, or the send failed before any attempt}
   */
  public Optional<TransportException.Stage> stage() {
    return Optional.ofNullable(stage);
  }

  /** {@return the server that took the mail, as {@code host:port}, when it was sent and the transport says} */
  public Optional<String> server() {
    return result == null ? Optional.empty() : result.server();
  }

  /**
   * {@return the recipients the server still deferred when the send ended, with its reply for each
   * (the send's {@link SendResult#deferredRecipients()}); empty unless the mail was sent}
   */
  public Map<String, String> deferredRecipients() {
    return result == null ? Map.of() : result.deferredRecipients();
  }

  /** {@return what the send returned, when the outcome is {@link Outcome#SENT}} */
  public Optional<SendResult> result() {
    return Optional.ofNullable(result);
  }

  /**
   * {@return what the send threw, when the outcome is {@link Outcome#BLOCKED}, {@link
   * Outcome#FAILED} or {@link Outcome#UNKNOWN}: a {@link MailException}, unless a transport or hook
   * broke its contract}
   */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public String toString() {
    return "SendEvent{mailbox=" + mailbox.id() + ", protocol=" + mailbox.protocol()
        + messageId.map(id -> ", messageId=" + id).orElse("") + ", outcome=" + outcome
        + ", duration=" + duration.toMillis() + "ms, attempts=" + attempts
        + (blockedRecipients.isEmpty() ? "" : ", blocked=" + blockedRecipients)
        + (failure == null ? "" : ", failure=" + failure.getClass().getSimpleName()) + "}";
  }
}
