package org.outmail.bench.proto;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.outmail.spi.OutgoingMessage;

/**
 * PROTOTYPE (benchmarks only): an {@link OutgoingMessage} as the exact bytes that follow {@code
 * DATA}: CRLF line ends, leading dots doubled, then the final {@code .CRLF}. Made once per message;
 * sending is then one write of a byte array.
 *
 * <p>Headers are still made by Angus Mail (folding, RFC 2047 encoding); the body of a single text
 * part is encoded here in one pass over the string. Doing that avoids, per message: Angus's scan of
 * the content to choose a transfer encoding ({@code MimeUtility.getEncoding}, byte by byte through
 * an {@code AsciiOutputStream}), the {@code ServiceLoader} lookup that jakarta.mail-api 2.1 does on
 * every {@code MimeUtility.encode} and line stream ({@code StreamProvider.provider()}: it opens and
 * parses {@code META-INF/services} of the classpath each time), the char-to-byte encoding through an
 * {@code OutputStreamWriter}, and the per-byte CRLF and dot-stuffing filters with two calls into a
 * synchronized {@code BufferedOutputStream} per line.
 *
 * <p>Only messages without attachments and with one body (text or HTML) take this path; the others
 * return null and are sent by Angus as before (streamed, so a 100 MB file never sits in memory).
 */
final class WireFormat {
  private static final String[] IGNORED = {"Bcc", "Content-Length"};
  private static final ThreadLocal<MailDateFormat> DATES = ThreadLocal.withInitial(MailDateFormat::new);

  private WireFormat() {}

  /** The wire bytes, or null when this message is left to Angus (attachments, text and HTML). */
  static byte[] encode(Session session, OutgoingMessage m) throws MessagingException {
    if (!m.attachments().isEmpty() || (m.text().isPresent() && m.html().isPresent())) {
      return null;
    }
    String body = m.html().orElse(m.text().orElse(""));
    // UTF-8 of a Latin-1 string is a vectorised copy; it is as long as the string only when all is ASCII
    byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
    if (utf8.length == body.length()) {
      byte[] wire = encode(session, m, utf8, false);
      if (wire != null) {
        return wire;
      }
    }
    return encode(session, m, utf8, true);
  }

  /** @return null when the body cannot go as 7bit (a NUL, a line over 998 bytes) */
  private static byte[] encode(Session session, OutgoingMessage m, byte[] utf8, boolean quotedPrintable)
      throws MessagingException {
    MimeMessage mime = new MimeMessage(session);
    try {
      mime.setFrom(m.fromName().isPresent()
          ? new InternetAddress(m.fromAddress(), m.fromName().get(), "UTF-8")
          : new InternetAddress(m.fromAddress()));
    } catch (UnsupportedEncodingException e) {
      throw new MessagingException("UTF-8", e);
    }
    if (!m.to().isEmpty()) {
      mime.setRecipients(Message.RecipientType.TO, addresses(m.to()));
    }
    if (!m.cc().isEmpty()) {
      mime.setRecipients(Message.RecipientType.CC, addresses(m.cc()));
    }
    if (!m.replyTo().isEmpty()) {
      mime.setReplyTo(addresses(m.replyTo()));
    }
    mime.setSubject(m.subject(), "UTF-8");
    MailDateFormat dates = DATES.get();
    dates.setTimeZone(TimeZone.getTimeZone(m.date().getZone()));
    mime.setHeader("Date", dates.format(Date.from(m.date().toInstant())));
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      mime.addHeader(h.getKey(), h.getValue());
    }
    mime.setHeader("Message-ID", m.messageId());
    mime.setHeader("MIME-Version", "1.0");
    mime.setHeader("Content-Type", "text/" + (m.html().isPresent() ? "html" : "plain") + "; charset=UTF-8");
    mime.setHeader("Content-Transfer-Encoding", quotedPrintable ? "quoted-printable" : "7bit");
    // no saveChanges(): every header it would set is set above, and it would scan the content

    byte[] content = utf8;
    if (quotedPrintable) {
      ByteArrayOutputStream qp = new ByteArrayOutputStream(utf8.length * 3 / 2 + 16);
      try (var enc = new org.eclipse.angus.mail.util.QPEncoderStream(qp)) {
        enc.write(utf8);
      } catch (IOException e) {
        throw new MessagingException("quoted-printable", e);
      }
      content = qp.toByteArray();
    }
    Wire out = new Wire(content.length + content.length / 16 + 1024);
    Enumeration<String> lines = mime.getNonMatchingHeaderLines(IGNORED);
    while (lines.hasMoreElements()) {
      out.header(lines.nextElement());
    }
    out.crlf();
    return out.text(content) ? out.finish() : null;
  }

  private static InternetAddress[] addresses(List<String> list) throws MessagingException {
    InternetAddress[] out = new InternetAddress[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new InternetAddress(list.get(i));
    }
    return out;
  }

  /**
   * A growing byte array that writes SMTP DATA: CRLF line ends, a dot doubled at the start of a
   * line, the final {@code .CRLF}. Lines are found with a tight scan and copied in bulk.
   */
  static final class Wire {
    private byte[] buf;
    private int len;
    private boolean bol = true;

    Wire(int capacity) {
      buf = new byte[capacity];
    }

    private void room(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    void header(String line) {
      // header lines are ASCII (RFC 2047-encoded by Angus); a folded line already holds CRLFs
      text(line.getBytes(StandardCharsets.ISO_8859_1));
      if (!bol) {
        crlf();
      }
    }

    void crlf() {
      room(2);
      buf[len++] = '\r';
      buf[len++] = '\n';
      bol = true;
    }

    /**
     * Appends 7-bit text: a lone CR or LF becomes CRLF, a leading dot is doubled.
     *
     * @return false when a line is longer than 998 bytes or holds a NUL
     */
    boolean text(byte[] b) {
      int i = 0;
      int n = b.length;
      while (i < n) {
        int start = i;
        byte c = 0;
        while (i < n && (c = b[i]) != '\n' && c != '\r' && c != 0) {
          i++;
        }
        int line = i - start;
        if ((i < n && c == 0) || line > 998) {
          return false;
        }
        room(line + 3);
        if (line > 0) {
          if (bol && b[start] == '.') {
            buf[len++] = '.';
          }
          System.arraycopy(b, start, buf, len, line);
          len += line;
          bol = false;
        }
        if (i < n) {
          buf[len++] = '\r';
          buf[len++] = '\n';
          bol = true;
          i += (c == '\r' && i + 1 < n && b[i + 1] == '\n') ? 2 : 1;
        }
      }
      return true;
    }

    /** The bytes, ending in CRLF {@code .} CRLF. */
    byte[] finish() {
      if (!bol) {
        crlf();
      }
      room(3);
      buf[len++] = '.';
      buf[len++] = '\r';
      buf[len++] = '\n';
      return buf.length == len ? buf : Arrays.copyOf(buf, len);
    }
  }
}
