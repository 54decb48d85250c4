package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

/**
 * The message as sent: its wire bytes ({@link WireMessage}), or null when Angus writes its MIME
 * (then {@code mime}, else null); its envelope sender and recipients (To, Cc and Bcc).
 */
record PreparedMail(@Nullable MimeMessage mime, String envelopeFrom, Address[] envelope, byte @Nullable [] wire) {
  /** The same message for some of its recipients: one transaction's worth. */
  PreparedMail to(Address[] recipients) {
    return new PreparedMail(mime, envelopeFrom, recipients, wire);
  }
}
