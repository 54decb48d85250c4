package org.outmail;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one send ended, as a {@link SendListener} hears it: the mailbox, the {@link Outcome}, how
 * long the send took, the recipients outmail's rules blocked, and the transport attempts made.
 * Immutable.
 */
public final class SendEvent {
  /** How a send ended. */
  public enum Outcome {
    /** The transport took the message; some recipients may have been blocked or refused. */
    SENT,
    /** Every recipient was blocked by the mailbox's rules: nothing was sent ({@link RecipientsBlockedException}). */
    BLOCKED,
    /** The send threw: a disabled mailbox, a bad email, a transport failure, a closed registry. */
    FAILED
  }

  private final Mailbox mailbox;
  private final Outcome outcome;
  private final Duration duration;
  private final Map<String, BlockReason> blockedRecipients;
  private final int attempts;
  private final @Nullable SendResult result;
  private final @Nullable RuntimeException failure;

  SendEvent(Mailbox mailbox, Outcome outcome, Duration duration, Map<String, BlockReason> blockedRecipients,
      int attempts, @Nullable SendResult result, @Nullable RuntimeException failure) {
    this.mailbox = Objects.requireNonNull(mailbox, "mailbox == null");
    this.outcome = Objects.requireNonNull(outcome, "outcome == null");
    this.duration = Objects.requireNonNull(duration, "duration == null");
    this.blockedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(blockedRecipients));
    this.attempts = attempts;
    this.result = result;
    this.failure = failure;
  }

  /** {@return the mailbox that sent, or was asked to} */
  public Mailbox mailbox() {
    return mailbox;
  }

  /** {@return the id of the mailbox} */
  public String mailboxId() {
    return mailbox.id();
  }

  /** {@return the protocol of the mailbox's transport: {@code smtp}, {@code owa}, ...} */
  public String protocol() {
    return mailbox.protocol();
  }

  /** {@return whether the mail was sent, every recipient blocked, or the send failed} */
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

  /** {@return what the send returned, when the outcome is {@link Outcome#SENT}} */
  public Optional<SendResult> result() {
    return Optional.ofNullable(result);
  }

  /**
   * {@return what the send threw, when the outcome is {@link Outcome#BLOCKED} or {@link
   * Outcome#FAILED}: a {@link MailException}, unless a transport or hook broke its contract}
   */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public String toString() {
    return "SendEvent{mailbox=" + mailbox.id() + ", protocol=" + mailbox.protocol() + ", outcome=" + outcome
        + ", duration=" + duration.toMillis() + "ms, attempts=" + attempts
        + (blockedRecipients.isEmpty() ? "" : ", blocked=" + blockedRecipients)
        + (failure == null ? "" : ", failure=" + failure.getClass().getSimpleName()) + "}";
  }
}
