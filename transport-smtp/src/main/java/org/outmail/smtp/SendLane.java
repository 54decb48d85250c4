package org.outmail.smtp;

import jakarta.mail.MessagingException;

/**
 * One open connection as senders use it: the SMTP connection and, when the server offers
 * PIPELINING and the mailbox allows it, the pipelined engine that drives it for every sender
 * sharing it (with CHUNKING when offered and allowed). A transaction goes out pipelined when its
 * mail has wire bytes and the connection pipelines, else command by command through Angus Mail.
 * This is the one place that chooses the way a transaction goes out.
 */
final class SendLane {
  private final SmtpConnection connection;
  /** Null when the connection does not pipeline. */
  private final Pipelining pipeline;

  private SendLane(SmtpConnection connection, Pipelining pipeline) {
    this.connection = connection;
    this.pipeline = pipeline;
  }

  /** The lane of a connection just opened: pipelined when the server and the mailbox's settings allow. */
  static SendLane of(SmtpConnection c, SmtpOptions options) {
    Pipelining pipeline = null;
    if (options.pipelining() && c.supportsExtension("PIPELINING")) {
      pipeline = new Pipelining(c, options.chunking() && c.supportsExtension("CHUNKING"), options.maxInFlight());
    }
    return new SendLane(c, pipeline);
  }

  SmtpConnection connection() {
    return connection;
  }

  /** Whether senders may share this lane: it pipelines and takes several mails in flight. */
  boolean shareable(int window) {
    return pipeline != null && window > 1 && !pipeline.broken();
  }

  /** Whether the connection failed and takes nothing more. */
  boolean broken() {
    return pipeline != null && pipeline.broken();
  }

  /** Whether a message can go pipelined (it has wire bytes and commands it can write as they are). */
  static boolean pipelinable(PreparedMail p) {
    return p.wire() != null && Pipelining.applicable(p);
  }

  /**
   * Sends one transaction of a prepared message: pipelined when it has wire bytes and the
   * connection pipelines (other senders may share the connection then), else through Angus's
   * {@code sendMessage} (the caller then has the connection to itself). Throws as {@code
   * sendMessage} does; {@code progress} tells how far the transaction got.
   */
  void send(PreparedMail p, Progress progress) throws MessagingException {
    if (pipeline != null && pipelinable(p)) {
      progress.pipelined(true);
      pipeline.send(p, progress);
      return;
    }
    connection.sendCommandByCommand(p, progress, pipeline != null && pipeline.takeDirty());
  }
}
