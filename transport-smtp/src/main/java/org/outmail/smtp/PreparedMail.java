package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;

/**
 * The message as sent: its wire bytes ({@link WireMessage}), or null when Angus writes its MIME
 * (then {@code mime}, else null); its envelope sender and recipients (To, Cc and Bcc).
 */
record PreparedMail(MimeMessage mime, String envelopeFrom, Address[] envelope, byte[] wire) {
  /** The same message for some of its recipients: one transaction's worth. */
  PreparedMail to(Address[] recipients) {
    return new PreparedMail(mime, envelopeFrom, recipients, wire);
  }
}
