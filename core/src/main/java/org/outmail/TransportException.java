package org.outmail;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A transport could not hand a message over, or could not tell whether it did.
 *
 * <ul>
 *   <li>{@link #isTransient()}: the failure may go away (a 4xx reply, a refused connection, a
 *       throttling answer); outmail has already retried it as often as the mailbox allows.
 *   <li>{@link #isOutcomeUnknown()}: the connection was lost after the message was handed over
 *       and before the server answered; the mail may or may not have been accepted, and outmail
 *       does not retry it (that could deliver it twice).
 * </ul>
 */
public class TransportException extends MailException {
  private static final long serialVersionUID = 1L;

  /** Where in a send or check the failure happened. */
  public enum Stage {
    /** The mailbox's configuration was refused by the transport. */
    CONFIG,
    /** Opening the connection (DNS, TCP, a refused or timed-out connection). */
    CONNECT,
    /** The TLS handshake or certificate check. */
    TLS,
    /** Authenticating with the server (password or XOAUTH2). */
    AUTHENTICATE,
    /** Getting an OAuth access token. */
    TOKEN,
    /**
     * Authenticated, but the account lacks a permission the transport needs (a Graph application
     * permission such as {@code Mail.Send}).
     */
    PERMISSION,
    /** The envelope sender (SMTP {@code MAIL FROM}). */
    SENDER,
    /** The recipients (SMTP {@code RCPT TO}). */
    RECIPIENTS,
    /** The message content (SMTP {@code DATA}, a Graph request), or reading an attachment. */
    CONTENT,
    /** The transport or its registry was closed. */
    CLOSED,
    /** None of the above. */
    OTHER
  }

  /** What a caller may do about the failure. */
  public enum Kind {
    /** Trying again later may succeed. */
    TRANSIENT,
    /** Trying again will fail the same way until something is changed. */
    PERMANENT,
    /** The server may have accepted the message; trying again may deliver it twice. */
    OUTCOME_UNKNOWN
  }

  /** Where the failure happened. */
  private final Stage stage;
  /** Whether trying again later may succeed. */
  private final boolean transientFailure;
  /** Whether the server may have accepted the message. */
  private final boolean outcomeUnknown;
  /** The server's numeric reply, or -1. */
  private final int replyCode;
  /** A service's symbolic error code, or {@code null}. */
  private final @Nullable String errorCode;
  /** The server's reply text, or {@code null}. */
  private final @Nullable String serverReply;
  /** How long the server asked the client to wait, or {@code null}. */
  private final @Nullable Duration retryAfter;
  /** Recipients the server refused, with its reply for each. */
  private final Map<String, String> rejectedRecipients;

  private TransportException(Builder b) {
    super(b.mailboxId, b.message, b.cause);
    this.stage = b.stage;
    this.transientFailure = b.transientFailure;
    this.outcomeUnknown = b.outcomeUnknown;
    this.replyCode = b.replyCode;
    this.errorCode = b.errorCode;
    this.serverReply = b.serverReply;
    this.retryAfter = b.retryAfter;
    this.rejectedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(b.rejectedRecipients));
  }

  /**
   * Starts an exception for the mailbox with a message that says what failed. The message must
   * not contain a secret.
   *
   * @param mailboxId the mailbox's id, or {@code null} when the failure belongs to no mailbox
   * @param message what failed
   * @return a builder for a permanent failure at stage {@link Stage#OTHER}, until its setters say
   *     otherwise
   */
  public static Builder builder(@Nullable String mailboxId, String message) {
    return new Builder(mailboxId, message);
  }

  /** {@return where the failure happened} */
  public Stage stage() {
    return stage;
  }

  /** {@return whether the failure is transient, permanent, or of unknown outcome} */
  public Kind kind() {
    return outcomeUnknown ? Kind.OUTCOME_UNKNOWN : transientFailure ? Kind.TRANSIENT : Kind.PERMANENT;
  }

  /** {@return whether trying again later may succeed} */
  public boolean isTransient() {
    return transientFailure;
  }

  /** {@return whether the server may have accepted the message although the send failed} */
  public boolean isOutcomeUnknown() {
    return outcomeUnknown;
  }

  /** {@return the server's numeric reply (an SMTP code such as 451, an HTTP status), or -1} */
  public int replyCode() {
    return replyCode;
  }

  /** {@return a service's symbolic error code (e.g. Graph's {@code ErrorAccessDenied}), if any} */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** {@return the server's reply text, if any} */
  public Optional<String> serverReply() {
    return Optional.ofNullable(serverReply);
  }

  /** {@return how long the server asked the client to wait before trying again, if it said} */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** {@return the recipients the server refused, with its reply for each} */
  public Map<String, String> rejectedRecipients() {
    return rejectedRecipients;
  }

  /** Builds a {@link TransportException}. */
  public static final class Builder {
    private final @Nullable String mailboxId;
    private final String message;
    private @Nullable Throwable cause;
    private Stage stage = Stage.OTHER;
    private boolean transientFailure;
    private boolean outcomeUnknown;
    private int replyCode = -1;
    private @Nullable String errorCode;
    private @Nullable String serverReply;
    private @Nullable Duration retryAfter;
    private final Map<String, String> rejectedRecipients = new LinkedHashMap<>();

    private Builder(@Nullable String mailboxId, String message) {
      this.mailboxId = mailboxId;
      this.message = Objects.requireNonNull(message, "message == null");
    }

    /**
     * Sets the exception that caused the failure.
     *
     * @param cause the cause, or {@code null} for none
     * @return this builder
     */
    public Builder cause(@Nullable Throwable cause) {
      this.cause = cause;
      return this;
    }

    /**
     * Where the failure happened; {@link Stage#OTHER} unless set.
     *
     * @param stage the stage
     * @return this builder
     */
    public Builder stage(Stage stage) {
      this.stage = Objects.requireNonNull(stage, "stage == null");
      return this;
    }

    /**
     * Marks the failure as one that may go away when tried again.
     *
     * @param value {@code true} for a transient failure
     * @return this builder
     */
    public Builder transientFailure(boolean value) {
      this.transientFailure = value;
      return this;
    }

    /**
     * Marks the outcome as unknown: the message may have been accepted. Never retried.
     *
     * @param value {@code true} when the outcome is unknown
     * @return this builder
     */
    public Builder outcomeUnknown(boolean value) {
      this.outcomeUnknown = value;
      return this;
    }

    /**
     * Sets the server's numeric reply (an SMTP code, an HTTP status); -1 unless set.
     *
     * @param code the reply code, or -1 for none
     * @return this builder
     */
    public Builder replyCode(int code) {
      this.replyCode = code;
      return this;
    }

    /**
     * Sets a service's symbolic error code, such as Graph's {@code ErrorAccessDenied}.
     *
     * @param code the error code, or {@code null} for none
     * @return this builder
     */
    public Builder errorCode(@Nullable String code) {
      this.errorCode = code;
      return this;
    }

    /**
     * Sets the server's reply text.
     *
     * @param reply the reply, or {@code null} for none
     * @return this builder
     */
    public Builder serverReply(@Nullable String reply) {
      this.serverReply = reply;
      return this;
    }

    /**
     * Sets how long the server asked the client to wait before trying again.
     *
     * @param delay the delay, or {@code null} when the server did not say
     * @return this builder
     * @throws IllegalArgumentException if the delay is negative
     */
    public Builder retryAfter(@Nullable Duration delay) {
      if (delay != null && delay.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative");
      }
      this.retryAfter = delay;
      return this;
    }

    /**
     * Adds recipients the server refused, with its reply for each.
     *
     * @param rejected reply by address
     * @return this builder
     */
    public Builder rejectedRecipients(Map<String, String> rejected) {
      this.rejectedRecipients.putAll(rejected);
      return this;
    }

    /** {@return the exception} */
    public TransportException build() {
      return new TransportException(this);
    }
  }
}
