package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/** One transaction: the mail's envelope and content, and what the server said to it. */
final class PipelinedTx {
  final PreparedMail p;
  final Progress progress;
  final String mailCommand;
  final String[] rcptCommands;
  boolean chunked;
  boolean resetFirst;
  boolean contentWritten;
  long contentEnd;
  /** The reply to MAIL FROM, once read. */
  Reply mail;
  final List<Address> valid = new ArrayList<>();
  final List<Address> validUnsent = new ArrayList<>();
  final List<Address> invalid = new ArrayList<>();
  MessagingException chain;
  SMTPAddressFailedException brokenRcpt;
  /** The reply to DATA (354 expected) or to the BDAT chunk, once read. */
  Reply data;
  /** Guarded by the lock: the outcome is known and the sender may go. */
  boolean done;
  MessagingException failure;
  boolean written;

  PipelinedTx(PreparedMail p, Progress progress) {
    this.p = p;
    this.progress = progress;
    this.mailCommand = "MAIL FROM:<" + p.envelopeFrom() + ">";
    Address[] envelope = p.envelope();
    this.rcptCommands = new String[envelope.length];
    for (int i = 0; i < envelope.length; i++) {
      rcptCommands[i] = "RCPT TO:<" + ((InternetAddress) envelope[i]).getAddress() + ">";
    }
  }

  /** Records the server's reply to the {@code i}th RCPT TO: accepted, refused for now or for good, or no answer to RCPT. */
  void recipient(int i, Reply r) {
    Address a = p.envelope()[i];
    int code = r.code();
    String reply = r.text();
    if (r.positive()) {
      valid.add(a);
      return;
    }
    SMTPAddressFailedException f = new SMTPAddressFailedException((InternetAddress) a, rcptCommands[i], code, reply);
    if (code >= 400 && code < 500) {
      validUnsent.add(a);
    } else if (code >= 500 && code < 600) {
      invalid.add(a);
    } else if (brokenRcpt == null) {
      brokenRcpt = f; // a reply that is no answer to RCPT
    }
    if (chain == null) {
      chain = f;
    } else {
      chain.setNextException(f);
    }
  }

  /** Whether the content may follow: sender and a recipient accepted, DATA answered 354. */
  boolean go() {
    return mail.code() == 250 && !valid.isEmpty() && brokenRcpt == null && data.code() == 354;
  }

  /** The failure of a transaction the server refused before its content: as Angus throws it. */
  MessagingException refusal() {
    if (mail.code() != 250) {
      progress.command("MAIL FROM");
      SMTPSendFailedException e = new SMTPSendFailedException(mailCommand, mail.code(), mail.text(), null, null, p.envelope(), null);
      int code = mail.code();
      if (code == 550 || code == 553 || code == 503 || code == 551 || code == 501) {
        try {
          e.setNextException(new SMTPSenderFailedException(new InternetAddress(p.envelopeFrom()),
              mailCommand, code, mail.text()));
        } catch (MessagingException ignored) {
          // the sender's address is in the message already
        }
      }
      return e;
    }
    if (brokenRcpt != null) {
      progress.command("RCPT TO");
      return brokenRcpt;
    }
    if (valid.isEmpty()) {
      progress.command("RCPT TO");
      return new SendFailedException("Invalid Addresses", chain, null, concat(valid, validUnsent), array(invalid));
    }
    progress.command("DATA");
    return new SMTPSendFailedException("DATA", data.code(), data.text(), chain, null, concat(valid, validUnsent), array(invalid));
  }

  /** The outcome once the content was answered with {@code end}: null when every recipient took it. */
  MessagingException outcome(Reply end) {
    int code = end.code();
    String reply = end.text();
    if (code != 250) {
      return new SMTPSendFailedException(".", code, reply, chain, null, concat(valid, validUnsent), array(invalid));
    }
    if (!invalid.isEmpty() || !validUnsent.isEmpty()) {
      return new SMTPSendFailedException(".", code, reply, chain, array(valid), array(validUnsent), array(invalid));
    }
    return null;
  }

  private static Address[] array(List<Address> list) {
    return list.toArray(new Address[0]);
  }

  private static Address[] concat(List<Address> a, List<Address> b) {
    List<Address> all = new ArrayList<>(a);
    all.addAll(b);
    return array(all);
  }

  /** The end of stream where a reply was awaited, placed at its transaction. */
  static final class ConnectionLost extends MessagingException {
    private static final long serialVersionUID = 1L;
    private final transient PipelinedTx tx;
    final int code;
    private final String reply;

    ConnectionLost(PipelinedTx tx, int code, String reply) {
      super("connection closed by the server");
      this.tx = tx;
      this.code = code;
      this.reply = reply;
    }

    /** As Angus reports a command that got no reply. */
    MessagingException asAngus() {
      String command = tx.progress.command();
      String cmd = command.equals("MAIL FROM") ? tx.mailCommand : command;
      return new SMTPSendFailedException(cmd, code, reply, null, null, tx.p.envelope(), null);
    }
  }
}
