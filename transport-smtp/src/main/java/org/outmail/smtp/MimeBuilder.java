package org.outmail.smtp;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
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
import java.util.TimeZone;
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

  /**
   * The message as sent: its MIME (a {@link WireMessage.Carrier} when prepared as wire bytes), its
   * envelope recipients (To, Cc and Bcc) and its wire bytes, or null when Angus writes the MIME.
   */
  record Prepared(MimeMessage mime, Address[] envelope, byte[] wire) {}

  /** The From of the last message built, kept: every message of a mailbox has the same one. */
  private record From(String address, String name, InternetAddress encoded) {}

  private final Session session;
  private volatile From from;

  MimeBuilder(Session session) {
    this.session = session;
  }

  /**
   * @throws MessagingException if the message cannot be put into MIME
   */
  Prepared build(OutgoingMessage m) throws MessagingException {
    Address[] envelope = addresses(m.recipients());
    if (WireMessage.eligible(m)) {
      byte[] wire = WireMessage.encode(headers(new MimeMessage(session), m), m);
      if (wire != null) {
        return new Prepared(new WireMessage.Carrier(session, wire, m.fromAddress()), envelope, wire);
      }
    }
    MimeMessage mime = headers(new FixedIdMimeMessage(session, m.messageId()), m);
    if (m.attachments().isEmpty()) {
      setBody(mime, m);
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      MimeBodyPart body = new MimeBodyPart();
      setBody(body, m);
      mixed.addBodyPart(body);
      for (Attachment a : m.attachments()) {
        mixed.addBodyPart(attachmentPart(a));
      }
      mime.setContent(mixed);
    }
    mime.saveChanges();
    return new Prepared(mime, envelope, null);
  }

  /** Sets From, To, Cc, Reply-To, Subject, Date and the custom headers. */
  private MimeMessage headers(MimeMessage mime, OutgoingMessage m) throws MessagingException {
    mime.setFrom(from(m));
    setAddresses(mime, Message.RecipientType.TO, m.to());
    setAddresses(mime, Message.RecipientType.CC, m.cc());
    if (!m.replyTo().isEmpty()) {
      mime.setReplyTo(addresses(m.replyTo()));
    }
    mime.setSubject(m.subject(), UTF_8);
    MailDateFormat format = DATES.get();
    format.setTimeZone(TimeZone.getTimeZone(m.date().getZone()));
    mime.setHeader("Date", format.format(Date.from(m.date().toInstant())));
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      mime.addHeader(h.getKey(), encodeHeader(h.getKey(), h.getValue()));
    }
    HeaderLines.fit(mime, m);
    return mime;
  }

  /** The From address with its display name encoded once per mailbox, not once per message. */
  private InternetAddress from(OutgoingMessage m) throws MessagingException {
    String name = m.fromName().orElse(null);
    From f = from;
    if (f == null || !f.address().equals(m.fromAddress()) || !java.util.Objects.equals(f.name(), name)) {
      try {
        InternetAddress encoded = name != null
            ? new InternetAddress(m.fromAddress(), name, UTF_8)
            : new InternetAddress(m.fromAddress());
        f = new From(m.fromAddress(), name, encoded);
      } catch (UnsupportedEncodingException e) {
        throw new MessagingException("UTF-8 is not supported", e);
      }
      from = f;
    }
    // a copy: the cached one is never handed to Angus, which may change what it is given
    return (InternetAddress) f.encoded().clone();
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

  static MimeBodyPart attachmentPart(Attachment a) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new AttachmentSource(a)));
    part.setDisposition(Part.ATTACHMENT);
    part.setFileName(a.filename());
    part.setHeader("Content-Type", a.contentType());
    // set now so that Angus does not read the whole file to choose an encoding
    part.setHeader("Content-Transfer-Encoding", "base64");
    return part;
  }

  private static void setAddresses(MimeMessage mime, Message.RecipientType type, List<String> list)
      throws MessagingException {
    if (!list.isEmpty()) {
      mime.setRecipients(type, addresses(list));
    }
  }

  private static InternetAddress[] addresses(List<String> list) throws AddressException {
    InternetAddress[] out = new InternetAddress[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new InternetAddress(list.get(i), true);
    }
    return out;
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

    FixedIdMimeMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }

  /**
   * An attachment's file could not be opened while the message was written: the message's fault,
   * not the connection's, told apart by {@link SmtpFailures}.
   */
  static final class UnreadableAttachment extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Attachment attachment;

    UnreadableAttachment(Attachment attachment, IOException cause) {
      super("cannot read attachment " + attachment.filename(), cause);
      this.attachment = attachment;
    }

    Attachment attachment() {
      return attachment;
    }
  }

  /** An attachment's content, opened anew (and streamed) each time the message is written. */
  static final class AttachmentSource implements DataSource {
    private final Attachment attachment;

    AttachmentSource(Attachment attachment) {
      this.attachment = attachment;
    }

    /** The content; a failure to open or read it is an {@link UnreadableAttachment}. */
    @Override
    public InputStream getInputStream() throws IOException {
      InputStream in;
      try {
        in = attachment.open();
      } catch (IOException e) {
        throw new UnreadableAttachment(attachment, e);
      }
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          try {
            return super.read();
          } catch (IOException e) {
            throw new UnreadableAttachment(attachment, e);
          }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (IOException e) {
            throw new UnreadableAttachment(attachment, e);
          }
        }
      };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      throw new IOException("attachment " + attachment.filename() + " is read-only");
    }

    @Override
    public String getContentType() {
      return attachment.contentType();
    }

    @Override
    public String getName() {
      return attachment.filename();
    }
  }
}
