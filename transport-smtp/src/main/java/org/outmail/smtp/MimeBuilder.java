package org.outmail.smtp;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.spi.OutgoingMessage;

/**
 * Turns an {@link OutgoingMessage} into MIME, once: text, HTML, both as {@code
 * multipart/alternative}, attachments in {@code multipart/mixed}. Every non-ASCII header text is
 * RFC 2047-encoded; Bcc goes in the envelope only.
 *
 * <p>A message without file attachments and not too large is encoded into its wire bytes ({@link
 * WireMessage}); the others are a {@link MimeMessage} that Angus writes when sent, attachments
 * streamed from their file.
 */
final class MimeBuilder {
  private static final String UTF_8 = "UTF-8";
  /** {@code MailDateFormat} is a {@code SimpleDateFormat}: costly to make, not thread-safe. */
  private static final ThreadLocal<MailDateFormat> DATES = ThreadLocal.withInitial(MailDateFormat::new);

  /** The From header of the last message built, kept: every message of a mailbox has the same one. */
  private record From(String address, @Nullable String name, String header) {}

  /** The Date header of the last message built, kept: it changes once a second. */
  private record Dated(long epochSecond, java.time.ZoneId zone, String header) {}

  private final Session session;
  /** Signs every message with DKIM; null when the mailbox has no {@code smtp.dkim.*} settings. */
  private final @Nullable DkimSigner dkim;
  private volatile @Nullable From from;
  private volatile @Nullable Dated dated;

  MimeBuilder(Session session) {
    this(session, null);
  }

  MimeBuilder(Session session, @Nullable DkimSigner dkim) {
    this.session = session;
    this.dkim = dkim;
  }

  /**
   * The message in the form it is sent, signed with DKIM when the mailbox signs: the signature
   * covers these bytes, so nothing may change the message after this.
   *
   * @throws MessagingException if the message cannot be put into MIME or signed
   */
  PreparedMail build(OutgoingMessage m) throws MessagingException {
    PreparedMail p = unsigned(m);
    if (dkim == null) {
      return p;
    }
    if (p.wire() != null) {
      return dkim.sign(p);
    }
    FixedIdMimeMessage mime = (FixedIdMimeMessage) Objects.requireNonNull(p.mime(),
        "a mail without wire bytes has its MIME");
    mime.firstLines(dkim.field(mime));
    return p;
  }

  private PreparedMail unsigned(OutgoingMessage m) throws MessagingException {
    Address[] envelope = addresses(m.recipients());
    HeaderBlock headers = headers(m);
    if (WireMessage.eligible(m)) {
      byte[] wire = WireMessage.encode(headers, m);
      if (wire != null) {
        return new PreparedMail(null, m.fromAddress(), envelope, wire);
      }
    }
    MimeMessage mime = new FixedIdMimeMessage(session, m.messageId());
    headers.copyTo(mime);
    if (m.attachments().isEmpty()) {
      setBody(mime, m);
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      MimeBodyPart body = new MimeBodyPart();
      setBody(body, m);
      mixed.addBodyPart(body);
      for (Attachment a : m.attachments()) {
        mixed.addBodyPart(AttachmentParts.attachmentPart(a));
      }
      mime.setContent(mixed);
    }
    mime.saveChanges();
    return new PreparedMail(mime, m.fromAddress(), envelope, null);
  }

  /**
   * From, To, Cc, Reply-To, Subject, Date and the custom headers, each made as Angus's {@code
   * MimeMessage} setters make it (its address lists, RFC 2047 encoding and folding), without one.
   */
  private HeaderBlock headers(OutgoingMessage m) throws MessagingException {
    HeaderBlock h = new HeaderBlock();
    h.set(HeaderBlock.DATE, "Date", date(m));
    h.set(HeaderBlock.FROM, "From", from(m));
    setAddresses(h, HeaderBlock.TO, "To", m.to());
    setAddresses(h, HeaderBlock.CC, "Cc", m.cc());
    setAddresses(h, HeaderBlock.REPLY_TO, "Reply-To", m.replyTo());
    h.set(HeaderBlock.SUBJECT, "Subject", MimeUtility.fold(9, encodeText(m.subject())));
    for (Map.Entry<String, String> e : m.headers().entrySet()) {
      h.add(e.getKey(), encodeHeader(e.getKey(), e.getValue()));
    }
    HeaderLines.fit(h, m);
    return h;
  }

  /** The Date header, as {@code MailDateFormat} writes it; formatted once a second, not once a message. */
  @SuppressWarnings("JavaUtilDate") // Jakarta Mail's date format takes a Date
  private String date(OutgoingMessage m) {
    long second = m.date().toEpochSecond();
    java.time.ZoneId zone = m.date().getZone();
    Dated d = dated;
    if (d == null || d.epochSecond() != second || !d.zone().equals(zone)) {
      MailDateFormat format = DATES.get();
      format.setTimeZone(TimeZone.getTimeZone(zone));
      d = new Dated(second, zone, format.format(new Date(second * 1000)));
      dated = d;
    }
    return d.header();
  }

  /** The From header with its display name encoded once per mailbox, not once per message. */
  private String from(OutgoingMessage m) throws MessagingException {
    String name = m.fromName().orElse(null);
    From f = from;
    if (f == null || !f.address().equals(m.fromAddress()) || !java.util.Objects.equals(f.name(), name)) {
      try {
        InternetAddress encoded = name != null
            ? new InternetAddress(m.fromAddress(), name, UTF_8)
            : new InternetAddress(m.fromAddress());
        f = new From(m.fromAddress(), name, InternetAddress.toString(new Address[] {encoded}, "From".length() + 2));
      } catch (UnsupportedEncodingException e) {
        throw new MessagingException("UTF-8 is not supported", e);
      }
      from = f;
    }
    return f.header();
  }

  private static void setBody(Part part, OutgoingMessage m) throws MessagingException {
    String text = m.text().orElse(null);
    String html = m.html().orElse(null);
    if (text != null && html != null) {
      MimeMultipart alternative = new MimeMultipart("alternative");
      MimeBodyPart plain = new MimeBodyPart();
      plain.setText(text, UTF_8, "plain");
      alternative.addBodyPart(plain);
      MimeBodyPart rich = new MimeBodyPart();
      rich.setText(html, UTF_8, "html");
      alternative.addBodyPart(rich);
      part.setContent(alternative);
    } else if (html != null) {
      setText(part, html, "html");
    } else {
      setText(part, text == null ? "" : text, "plain");
    }
  }

  private static void setText(Part part, String text, String subtype) throws MessagingException {
    if (part instanceof MimeMessage msg) {
      msg.setText(text, UTF_8, subtype);
    } else {
      ((MimeBodyPart) part).setText(text, UTF_8, subtype);
    }
  }

  private static void setAddresses(HeaderBlock h, int place, String name, List<String> list) {
    if (!list.isEmpty()) {
      h.set(place, name, InternetAddress.toString(addresses(list), name.length() + 2));
    }
  }

  /**
   * The addresses as Angus's, not parsed again: core normalised and checked each one (a dot-atom
   * local part, an ASCII domain), which Angus's strict parser takes as they are.
   */
  private static InternetAddress[] addresses(List<String> list) {
    InternetAddress[] out = new InternetAddress[list.size()];
    for (int i = 0; i < out.length; i++) {
      InternetAddress a = new InternetAddress();
      a.setAddress(list.get(i));
      out[i] = a;
    }
    return out;
  }

  private static String encodeText(String value) throws MessagingException {
    try {
      return MimeUtility.encodeText(value, UTF_8, null);
    } catch (UnsupportedEncodingException e) {
      throw new MessagingException("UTF-8 is not supported", e);
    }
  }

  private static String encodeHeader(String name, String value) throws MessagingException {
    try {
      return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, UTF_8, null));
    } catch (UnsupportedEncodingException e) {
      throw new MessagingException("UTF-8 is not supported", e);
    }
  }

  /** Keeps the Message-ID core chose: Angus would otherwise make a new one on saveChanges. */
  static final class FixedIdMimeMessage extends MimeMessage {
    private final String messageId;
    /** Header lines written before the message's own (its DKIM-Signature), or null. */
    private volatile byte @Nullable [] firstLines;

    FixedIdMimeMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    /** Sets header lines (ending in CRLF) written before the message's own headers. */
    void firstLines(byte[] lines) {
      this.firstLines = lines.clone();
    }

    @Override
    public void writeTo(OutputStream os, String @Nullable [] ignoreList) throws IOException, MessagingException {
      byte[] lines = firstLines;
      if (lines != null) {
        os.write(lines);
      }
      super.writeTo(os, ignoreList);
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }

}
