package org.outmail.smtp;

/**
 * How far one SMTP transaction got before it failed, so that {@link SmtpFailures} can place the
 * failure: which command's reply was awaited, whether the content (its final {@code .}, or its
 * {@code BDAT ... LAST} chunk) had gone out, and whether the mail never reached the wire at all.
 * Filled by the connection that carried the transaction; one per transaction.
 */
final class Progress {
  private String command = "MAIL FROM";
  private boolean endOfDataSent;
  private boolean unconfirmed;
  private boolean notWritten;
  private boolean pipelined;
  private String reply;

  /** The command whose reply was awaited (its verb: {@code MAIL FROM}, {@code RCPT TO}, {@code DATA}, {@code .}). */
  String command() {
    return command;
  }

  void command(String verb) {
    this.command = verb;
  }

  /** Whether the content went out whole: from then on, the server may have taken the mail. */
  boolean endOfDataSent() {
    return endOfDataSent;
  }

  void endOfDataSent(boolean sent) {
    this.endOfDataSent = sent;
  }

  /**
   * Whether the transaction went out on a pooled connection that had not answered anything since
   * it was taken from the pool: if it then failed before any reply, the connection was dead already.
   */
  boolean unconfirmed() {
    return unconfirmed;
  }

  void unconfirmed(boolean unconfirmed) {
    this.unconfirmed = unconfirmed;
  }

  /** Whether nothing of the transaction was written: the connection failed while it waited its turn. */
  boolean notWritten() {
    return notWritten;
  }

  void notWritten(boolean notWritten) {
    this.notWritten = notWritten;
  }

  /**
   * Whether the transaction went pipelined, on a connection other senders may share: a refusal
   * then leaves the connection usable; only a failed connection is given up.
   */
  boolean pipelined() {
    return pipelined;
  }

  /** The server's reply to the content, once it took the mail. */
  String reply() {
    return reply;
  }

  void reply(String reply) {
    this.reply = reply;
  }

  void pipelined(boolean pipelined) {
    this.pipelined = pipelined;
  }
}
