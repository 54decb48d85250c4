package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import org.jspecify.annotations.Nullable;

/**
 * One transaction in the pipelined engine: the mail's envelope and content, and what the server
 * said to it so far. Its commands and content are written by the engine's writer (marked {@link
 * #flushed} under the engine's lock once that write ended), then its replies read by the engine's
 * reader; handed to its sender as a {@link TxOutcome} once done.
 */
final class PipelinedTx {
  final PreparedMail p;
  /** {@code MAIL FROM:<...>} with its CRLF. */
  final byte[] mailCommand;
  /** Each {@code RCPT TO:<...>} with its CRLF. */
  final byte[][] rcptCommands;
  boolean chunked;
  boolean resetFirst;
  boolean contentWritten;
  long contentEnd;
  boolean written;
  boolean unconfirmed;
  /** The command whose reply is awaited. */
  String awaited = "MAIL FROM";
  /** Whether the content went out whole to a server that may take it. */
  boolean taken;
  @Nullable Reply mail;
  final @Nullable Reply[] rcpt;
  /** The reply to DATA (354 expected). */
  @Nullable Reply data;
  /** The reply to the content. */
  @Nullable Reply end;
  /** Guarded by the engine's lock: the write that carried it ended (the marks above are set). */
  boolean flushed;
  /** Guarded by the engine's lock: the outcome is known and the sender may go. */
  boolean done;
  @Nullable TxOutcome outcome;
  /** Of the engine's lock: its sender waits on it, for its outcome or for a role to take. */
  final Condition wake;

  PipelinedTx(PreparedMail p, Condition wake) {
    this.p = p;
    this.wake = wake;
    this.mailCommand = ascii("MAIL FROM:<" + p.envelopeFrom() + ">\r\n");
    Address[] envelope = p.envelope();
    this.rcptCommands = new byte[envelope.length][];
    this.rcpt = new Reply[envelope.length];
    for (int i = 0; i < envelope.length; i++) {
      rcptCommands[i] = ascii("RCPT TO:<" + ((InternetAddress) envelope[i]).getAddress() + ">\r\n");
    }
  }

  /** Whether every envelope address can go in a command as it is (no control or non-ASCII character): else the mail goes command by command, which refuses it. */
  static boolean applicable(PreparedMail p) {
    for (Address a : p.envelope()) {
      String s = ((InternetAddress) a).getAddress();
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < 0x20 || s.charAt(i) >= 0x7f) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether the server refused the transaction before its content: sender refused, no recipient accepted, or a reply that is no answer to RCPT. */
  boolean refusedEnvelope() {
    if (Objects.requireNonNull(mail, "MAIL FROM answered").code() != 250) {
      return true;
    }
    boolean any = false;
    for (Reply r : rcpt) {
      if (r.positive()) {
        any = true;
      } else if (r.code() < 400 || r.code() >= 600) {
        return true;
      }
    }
    return !any;
  }

  /** Whether the content may follow: the envelope taken and DATA answered 354. */
  boolean go() {
    return !refusedEnvelope() && Objects.requireNonNull(data, "DATA answered").code() == 354;
  }

  /** Where the transaction was refused before its content: the command whose reply said no. */
  String refusedAt() {
    if (Objects.requireNonNull(mail, "MAIL FROM answered").code() != 250) {
      return "MAIL FROM";
    }
    for (Reply r : rcpt) {
      if (!r.positive() && (r.code() < 400 || r.code() >= 600)) {
        return "RCPT TO";
      }
    }
    return refusedEnvelope() ? "RCPT TO" : "DATA";
  }

  /** The outcome of a transaction that ended with the server's replies (no failure of the connection). */
  TxOutcome outcome() {
    return outcome(null, null, false, false);
  }

  /**
   * The outcome, as its sender gets it.
   *
   * @param lost the reply that ended the connection (421, or -1 at end of stream), or null
   * @param failure the I/O failure that ended it, or null
   * @param behind whether the connection failed while another transaction's reply was awaited
   * @param notWritten whether nothing of it was written
   */
  TxOutcome outcome(@Nullable Reply lost, @Nullable Throwable failure, boolean behind, boolean notWritten) {
    TxOutcome.Content content = taken ? TxOutcome.Content.WHOLE
        : contentWritten ? TxOutcome.Content.PARTLY : TxOutcome.Content.NOT_SENT;
    return new TxOutcome(p.envelope(), mail, rcpt, chunked ? null : data, end, content, awaited, lost, failure,
        behind, notWritten, unconfirmed, true);
  }

  /**
   * The outcome of a transaction on a connection that failed: the one whose reply was awaited
   * ({@code here}) gets the reply or failure that ended it; the others, written or not, that the
   * connection failed behind them.
   *
   * @param e what ended the connection: a {@link ConnectionLost} for the server's 421 or end of
   *     stream, else the I/O failure
   * @param closing whether the server answered 421 (it took nothing after that reply)
   */
  TxOutcome failed(boolean here, Throwable e, boolean closing) {
    ConnectionLost lostBy = e instanceof ConnectionLost l ? l : null;
    if (!written) {
      return outcome(null, e, true, true);
    }
    if (chunked) {
      // its chunk went out whole: the server may have taken it, unless it said it takes nothing more
      boolean refused = here && lostBy != null && lostBy.reply.code() == 421 && !awaited.equals(".");
      taken = contentWritten && !(closing && !here) && !refused;
      if (taken && !here) {
        awaited = ".";
      }
    } else if (closing && !here) {
      taken = false; // after a 421 the server took nothing more
    } else {
      taken = contentWritten; // its final dot went out
    }
    Throwable cause = lostBy != null ? null : e;
    return outcome(here && lostBy != null ? lostBy.reply : null, here ? cause : e, !here, false);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
