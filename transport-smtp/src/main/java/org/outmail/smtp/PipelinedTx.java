package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;

/**
 * One transaction in the pipelined engine: the mail's envelope and content, and what the server
 * said to it so far. Written by the engine's driver only; handed to its sender as a {@link
 * TxOutcome} once done.
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
  Reply mail;
  final Reply[] rcpt;
  /** The reply to DATA (354 expected). */
  Reply data;
  /** The reply to the content. */
  Reply end;
  /** Guarded by the engine's lock: the outcome is known and the sender may go. */
  boolean done;
  TxOutcome outcome;

  PipelinedTx(PreparedMail p) {
    this.p = p;
    this.mailCommand = ascii("MAIL FROM:<" + p.envelopeFrom() + ">\r\n");
    Address[] envelope = p.envelope();
    this.rcptCommands = new byte[envelope.length][];
    this.rcpt = new Reply[envelope.length];
    for (int i = 0; i < envelope.length; i++) {
      rcptCommands[i] = ascii("RCPT TO:<" + ((InternetAddress) envelope[i]).getAddress() + ">\r\n");
    }
  }

  /** Whether the server refused the transaction before its content: sender refused, no recipient accepted, or a reply that is no answer to RCPT. */
  boolean refusedEnvelope() {
    if (mail.code() != 250) {
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
    return !refusedEnvelope() && data.code() == 354;
  }

  /** Where the transaction was refused before its content: the command whose reply said no. */
  String refusedAt() {
    if (mail.code() != 250) {
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
  TxOutcome outcome(Reply lost, Throwable failure, boolean behind, boolean notWritten) {
    TxOutcome.Content content = taken ? TxOutcome.Content.WHOLE
        : contentWritten ? TxOutcome.Content.PARTLY : TxOutcome.Content.NOT_SENT;
    return new TxOutcome(p.envelope(), mail, rcpt, chunked ? null : data, end, content, awaited, lost, failure,
        behind, notWritten, unconfirmed, true);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
