package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What became of one SMTP transaction, as the protocol layer saw it: the server's reply to
 * {@code MAIL FROM}, to each {@code RCPT TO} and to the content (each null when not read), how much
 * of the content went out, and, when the transaction ended early, the command whose reply was
 * awaited and why. {@link SmtpFailures} turns a failed one into a {@code TransportException}, once;
 * {@link Transactions} reads the recipients' replies from it.
 *
 * @param envelope the transaction's recipients, in the order of their {@code RCPT TO}
 * @param mail the reply to {@code MAIL FROM}
 * @param recipients the reply to each {@code RCPT TO}, by index in {@code envelope}
 * @param data the reply to {@code DATA} (354 expected); null with {@code BDAT}
 * @param end the reply to the content (its final dot, or its last chunk)
 * @param content how much of the content went out to a server that may have taken it
 * @param awaited the command whose reply was awaited when the transaction ended: {@code MAIL
 *     FROM}, {@code RCPT TO}, {@code DATA} or {@code .} (the content)
 * @param lost the reply with which the server ended the connection ({@code 421}), or with code -1
 *     the end of its stream; null when neither ended the transaction
 * @param failure the I/O failure that ended the transaction (the connection failed, a read timed
 *     out, an attachment could not be read), or null
 * @param behind whether the connection failed while another transaction's reply was awaited
 * @param notWritten whether nothing of the transaction was written (the connection failed while it
 *     waited its turn)
 * @param unconfirmed whether it went out on a pooled connection that had answered nothing since it
 *     was taken from the pool
 * @param pipelined whether it went pipelined, on a connection other senders may share
 */
record TxOutcome(Address[] envelope, @Nullable Reply mail, @Nullable Reply[] recipients, @Nullable Reply data,
    @Nullable Reply end, Content content, String awaited, @Nullable Reply lost, @Nullable Throwable failure,
    boolean behind,
    boolean notWritten, boolean unconfirmed, boolean pipelined) {

  /** How much of a transaction's content went out. */
  enum Content {
    /** None of it. */
    NOT_SENT,
    /** Some or all of it, but the server cannot have taken the mail (written part way, or discarded after a refusal). */
    PARTLY,
    /** All of it, with its end: from then on the server may have taken the mail. */
    WHOLE
  }

  /** Whether the server took the content (for the recipients it accepted). */
  boolean tookContent() {
    return end != null && end.positive() && lost == null && failure == null;
  }

  /** Whether every recipient was accepted and the server took the content. */
  boolean delivered() {
    return tookContent() && refused().isEmpty();
  }

  /** The recipients the server accepted at {@code RCPT TO}. */
  List<Address> accepted() {
    List<Address> out = new ArrayList<>(envelope.length);
    for (int i = 0; i < envelope.length; i++) {
      if (recipients[i] != null && recipients[i].positive()) {
        out.add(envelope[i]);
      }
    }
    return out;
  }

  /** The recipients the server refused at {@code RCPT TO} (for now or for good): address → its reply on one line. */
  Map<String, String> refused() {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < envelope.length; i++) {
      Reply r = recipients[i];
      if (r != null && !r.positive()) {
        out.put(((InternetAddress) envelope[i]).getAddress(), SmtpText.oneLine(r.text()));
      }
    }
    return out;
  }

  /**
   * Whether the server took the sender and refused every recipient (each with a {@code 4xx} or
   * {@code 5xx}): nothing was sent, and the connection can carry another transaction.
   */
  boolean everyRecipientRefused() {
    if (mail == null || !mail.positive() || lost != null) {
      return false;
    }
    for (Reply r : recipients) {
      if (r == null || r.positive() || r.code() < 400 || r.code() >= 600) {
        return false;
      }
    }
    return recipients.length > 0;
  }

  /** The reply that ended the transaction: the connection's end, a refused sender, a reply that is no answer to RCPT, DATA or the content refused; else null. */
  @Nullable
  Reply failedReply() {
    if (lost != null) {
      return lost;
    }
    if (mail != null && !mail.positive()) {
      return mail;
    }
    for (Reply r : recipients) {
      if (r != null && !r.positive() && (r.code() < 400 || r.code() >= 600)) {
        return r;
      }
    }
    if (data != null && data.code() != 354) {
      return data;
    }
    return end != null && !end.positive() ? end : null;
  }
}
