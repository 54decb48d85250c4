package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Sends a message prepared as wire bytes with PIPELINING (RFC 2920), on a server that offers it:
 * {@code MAIL FROM}, every {@code RCPT TO} and {@code DATA} in one write, then their replies in
 * order; then, only if the server accepted the sender and at least one recipient and answered
 * {@code DATA} with 354, the content and the final dot in one write, then its reply. Two round
 * trips per message instead of Angus's four or more.
 *
 * <p>Every reply of the batch is read and checked. No accepted recipient (or a refused sender):
 * the server refuses DATA (503/554) and nothing is sent; a server that answers 354 all the same
 * gets a lone {@code .} (RFC 2920 section 3.1), so no content ever reaches it; the transaction is
 * then reset with {@code RSET}. Failures are thrown as Angus's {@code sendMessage} throws them
 * (with {@code mail.smtp.sendpartial}), so {@link SmtpFailures} classifies them as before: a refused
 * sender as an {@link SMTPSendFailedException} of MAIL FROM, every recipient refused as a {@link
 * SendFailedException} with the per-recipient replies, some refused as an {@link
 * SMTPSendFailedException} of {@code .} with code 250 (the partial receipt).
 */
final class Pipelining {
  private static final byte[] LONE_DOT = {'.', '\r', '\n'};

  private Pipelining() {}

  /** Whether every envelope address can go in a command as it is (no control character). */
  static boolean applicable(MimeBuilder.Prepared p) {
    for (Address a : p.envelope()) {
      String s = ((InternetAddress) a).getAddress();
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < 0x20 || s.charAt(i) >= 0x7f) {
          return false; // Angus refuses such a command, or encodes it its way; let it
        }
      }
    }
    return true;
  }

  /** Sends the message; the caller holds the connection's lock. Throws as Angus's {@code sendMessage}. */
  static void send(SmtpConnection c, MimeBuilder.Prepared p) throws MessagingException {
    WireMessage.Carrier carrier = (WireMessage.Carrier) p.mime();
    Address[] envelope = p.envelope();
    String mailCommand = "MAIL FROM:<" + carrier.getEnvelopeFrom() + ">";
    StringBuilder batch = new StringBuilder(mailCommand.length() + 8 + 40 * envelope.length);
    batch.append(mailCommand).append("\r\n");
    String[] rcptCommands = new String[envelope.length];
    for (int i = 0; i < envelope.length; i++) {
      rcptCommands[i] = "RCPT TO:<" + ((InternetAddress) envelope[i]).getAddress() + ">";
      batch.append(rcptCommands[i]).append("\r\n");
    }
    batch.append("DATA\r\n");

    c.command("MAIL FROM");
    write(c, batch.toString().getBytes(StandardCharsets.UTF_8), "Can't send command to SMTP host");
    int mail = c.reply();
    String mailReply = c.getLastServerResponse();

    c.command("RCPT TO");
    List<Address> valid = new ArrayList<>();
    List<Address> validUnsent = new ArrayList<>();
    List<Address> invalid = new ArrayList<>();
    MessagingException chain = null;
    SMTPAddressFailedException broken = null;
    for (int i = 0; i < envelope.length; i++) {
      int code = c.reply();
      if (code / 100 == 2) {
        valid.add(envelope[i]);
        continue;
      }
      SMTPAddressFailedException f = new SMTPAddressFailedException((InternetAddress) envelope[i], rcptCommands[i],
          code, c.getLastServerResponse());
      if (code >= 400 && code < 500) {
        validUnsent.add(envelope[i]);
      } else if (code >= 500 && code < 600) {
        invalid.add(envelope[i]);
      } else if (broken == null) {
        broken = f; // no reply, or one that is no answer to RCPT
      }
      if (chain == null) {
        chain = f;
      } else {
        chain.setNextException(f);
      }
    }

    c.command("DATA");
    int data = c.reply();
    String dataReply = c.getLastServerResponse();
    int dataCode = c.getLastReturnCode();
    if (mail != 250 || valid.isEmpty() || broken != null || data != 354) {
      if (data == 354) {
        // the server waits for content it must not get: end it empty (RFC 2920 3.1)
        write(c, LONE_DOT, "Can't send command to SMTP host");
        c.reply();
      }
      reset(c, mail, data);
      if (mail != 250) {
        c.command("MAIL FROM");
        SMTPSendFailedException e = new SMTPSendFailedException(mailCommand, mail, mailReply, null, null, envelope, null);
        if (mail == 550 || mail == 553 || mail == 503 || mail == 551 || mail == 501) {
          try {
            e.setNextException(new SMTPSenderFailedException(new InternetAddress(carrier.getEnvelopeFrom()),
                mailCommand, mail, mailReply));
          } catch (MessagingException ignored) {
            // the sender's address is in the message already
          }
        }
        throw e;
      }
      if (broken != null) {
        c.command("RCPT TO");
        throw broken;
      }
      if (valid.isEmpty()) {
        c.command("RCPT TO");
        throw new SendFailedException("Invalid Addresses", chain, null, concat(valid, validUnsent), array(invalid));
      }
      throw new SMTPSendFailedException("DATA", dataCode, dataReply, chain, null, concat(valid, validUnsent), array(invalid));
    }

    c.command(".");
    try {
      c.writeRaw(p.wire(), 0, p.wire().length);
    } catch (IOException e) {
      throw new MessagingException("IOException while sending message", e);
    }
    c.endOfDataSent(true);
    int end = c.reply();
    String endReply = c.getLastServerResponse();
    if (end != 250) {
      reset(c, end);
      throw new SMTPSendFailedException(".", end, endReply, chain, null, concat(valid, validUnsent), array(invalid));
    }
    if (!invalid.isEmpty() || !validUnsent.isEmpty()) {
      throw new SMTPSendFailedException(".", end, endReply, chain, array(valid), array(validUnsent), array(invalid));
    }
  }

  private static void write(SmtpConnection c, byte[] bytes, String what) throws MessagingException {
    try {
      c.writeRaw(bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new MessagingException(what, e);
    }
  }

  /** RSET after a refused transaction, as Angus does; not on a connection that is gone. */
  private static void reset(SmtpConnection c, int... codes) {
    for (int code : codes) {
      if (code <= 0) {
        return;
      }
    }
    try {
      c.issueCommand("RSET", -1);
    } catch (MessagingException | RuntimeException ignored) {
      // the connection is discarded after a failure anyway
    }
  }

  private static Address[] array(List<Address> list) {
    return list.toArray(new Address[0]);
  }

  private static Address[] concat(List<Address> a, List<Address> b) {
    List<Address> all = new ArrayList<>(a);
    all.addAll(b);
    return array(all);
  }
}
