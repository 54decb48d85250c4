package org.outmail.smtp;

import org.jspecify.annotations.Nullable;

/**
 * One open connection as senders use it: the SMTP connection and, when the server offers
 * PIPELINING and the mailbox allows it, the pipelined engine that drives it for every sender
 * sharing it (with CHUNKING when offered and allowed). A transaction goes out pipelined when its
 * mail has wire bytes and the connection pipelines, else command by command ({@link
 * CommandByCommand}: streamed mails as BDAT chunks when the server offers CHUNKING). This is the
 * one place that chooses the way a transaction goes out.
 */
final class SendLane {
  private final SmtpConnection connection;
  /** Null when the connection does not pipeline. */
  private final @Nullable Pipelining pipeline;
  private final boolean chunking;
  private final boolean pipelines;

  private SendLane(SmtpConnection connection, @Nullable Pipelining pipeline, boolean chunking, boolean pipelines) {
    this.connection = connection;
    this.pipeline = pipeline;
    this.chunking = chunking;
    this.pipelines = pipelines;
  }

  /** The lane of a connection just opened: pipelined when the server and the mailbox's settings allow. */
  static SendLane of(SmtpConnection c, SmtpOptions options) {
    boolean pipelines = options.pipelining() && c.supports("PIPELINING");
    boolean chunking = options.pipelining() && options.chunking() && c.supports("CHUNKING");
    Pipelining pipeline = pipelines ? new Pipelining(c, chunking, options.maxInFlight()) : null;
    return new SendLane(c, pipeline, chunking, pipelines);
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
    return p.wire() != null && PipelinedTx.applicable(p);
  }

  /**
   * Sends one transaction of a prepared message: pipelined when it has wire bytes and the
   * connection pipelines (other senders may share the connection then), else command by command
   * (the caller then has the connection to itself).
   */
  TxOutcome send(PreparedMail p) {
    if (pipeline != null && pipelinable(p)) {
      return pipeline.send(p);
    }
    return CommandByCommand.send(connection, p, pipeline != null && pipeline.takeDirty(), chunking, pipelines);
  }
}
