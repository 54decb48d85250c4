package org.outmail.smtp;

import org.jspecify.annotations.Nullable;

/**
 * Why a connection could not be opened, as a value {@link ConnectFailures} places: the step that
 * failed, the server's reply when it gave one, and the I/O failure when there was one. Never carries
 * a credential.
 */
final class OpenFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** The steps of opening a connection. */
  enum Step {
    /** The TCP connection (name lookup, connect timeout, refused). */
    CONNECT,
    /** The TLS handshake of implicit TLS ({@code SSL_TLS}). */
    TLS,
    /** The server's greeting. */
    GREETING,
    /** EHLO (or HELO). */
    EHLO,
    /** STARTTLS and the handshake after it. */
    STARTTLS,
    /** The server does not offer STARTTLS, which the mailbox requires. */
    NO_STARTTLS,
    /** AUTH, or credentials the server gives no chance to use. */
    AUTH
  }

  private final Step step;
  private final transient @Nullable Reply reply;
  private transient org.outmail.@Nullable ServerAddress server;

  /**
   * @param reply the server's reply that ended the step, or null
   * @param detail what happened, for a person (no credential)
   * @param cause the I/O failure, or null
   */
  OpenFailure(Step step, @Nullable Reply reply, String detail, @Nullable Throwable cause) {
    super(detail, cause);
    this.step = step;
    this.reply = reply;
  }

  Step step() {
    return step;
  }

  /** Names the server the connection was opened to; returns this. */
  OpenFailure at(org.outmail.ServerAddress server) {
    this.server = server;
    return this;
  }

  /** The server the connection was opened to, or null when not named. */
  org.outmail.@Nullable ServerAddress server() {
    return server;
  }

  /** The server's reply that ended the step, or null when there was none. */
  @Nullable
  Reply reply() {
    return reply;
  }
}
