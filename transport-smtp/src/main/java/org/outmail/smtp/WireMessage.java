package org.outmail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.util.QPEncoderStream;
import org.outmail.Attachment;
import org.outmail.spi.OutgoingMessage;

/**
 * A message as the exact bytes that follow {@code DATA}: CRLF line ends, a dot doubled at the
 * start of a line, then the final {@code .CRLF}. Encoded once per message (kept in {@link
 * OutgoingMessage#prepared} for retries) and written to the socket in one call.
 *
 * <p>The headers are Angus Mail's (folding, RFC 2047 encoding, the order of {@code
 * InternetHeaders}; Bcc and Content-Length left out). The bodies are encoded here in one pass:
 * text as {@code 7bit} when it is ASCII without NUL and with lines of at most 998 bytes, else
 * {@code quoted-printable} (Angus's encoder) or {@code base64} when mostly non-ASCII, as Angus
 * would choose; in-memory attachments in {@code base64}. Text and HTML go as {@code
 * multipart/alternative}, attachments in {@code multipart/mixed}, as {@link MimeBuilder} builds
 * them. This avoids, per message: Angus's scan of the content to choose a transfer encoding, the
 * {@code jakarta.mail.util.StreamProvider.provider()} look-up (a {@code ServiceLoader} scan on every
 * call in jakarta.mail-api 2.1) of every part written, and the per-byte CRLF and dot-stuffing
 * streams.
 *
 * <p>Only messages without file attachments and of at most {@link #MAX_BYTES} (estimated) take
 * this path; the others stream through Angus as before, so a large file never sits in memory.
 */
final class WireMessage {
  /** Messages estimated larger than this stream through Angus instead. */
  static final long MAX_BYTES = 4L << 20;

  private static final String[] IGNORED = {"Bcc", "Content-Length"};
  private static final int MAX_LINE = 998;
  private static final AtomicLong BOUNDARIES = new AtomicLong();

  private WireMessage() {}

  /** Whether the message may be encoded into wire bytes: no file attachment, not too large. */
  static boolean eligible(OutgoingMessage m) {
    long size = m.text().map(String::length).orElse(0) + (long) m.html().map(String::length).orElse(0);
    for (Attachment a : m.attachments()) {
      if (a.path().isPresent()) {
        return false;
      }
      size += a.size().orElse(MAX_BYTES) * 4 / 3;
    }
    return size <= MAX_BYTES;
  }

  /**
   * The wire bytes of the message whose top-level headers (From, To, Cc, Reply-To, Subject, Date,
   * custom headers) {@code headers} holds; this sets Message-ID, MIME-Version and the content
   * headers on it.
   *
   * @return the bytes, ending in {@code CRLF . CRLF}; null when a header line is longer than 998
   *     bytes (Angus then writes the message as it is)
   */
  static byte[] encode(MimeMessage headers, OutgoingMessage m) throws MessagingException {
    List<Attachment> attachments = m.attachments();
    boolean alternative = m.text().isPresent() && m.html().isPresent();
    Body single = null;
    String boundary = null;
    headers.setHeader("Message-ID", m.messageId());
    headers.setHeader("MIME-Version", "1.0");
    if (attachments.isEmpty() && !alternative) {
      single = m.html().isPresent() ? Body.text(m.html().get(), "html") : Body.text(m.text().orElse(""), "plain");
      headers.setHeader("Content-Type", single.contentType());
      headers.setHeader("Content-Transfer-Encoding", single.encoding());
    } else {
      boundary = boundary();
      headers.setHeader("Content-Type", "multipart/" + (attachments.isEmpty() ? "alternative" : "mixed")
          + "; \r\n\tboundary=\"" + boundary + "\"");
      headers.removeHeader("Content-Transfer-Encoding");
    }

    Wire out = new Wire(estimate(m));
    Enumeration<String> lines = headers.getNonMatchingHeaderLines(IGNORED);
    while (lines.hasMoreElements()) {
      if (!out.header(lines.nextElement())) {
        return null;
      }
    }
    out.crlf();
    if (single != null) {
      out.text(single.content());
    } else if (attachments.isEmpty()) {
      alternative(out, boundary, m);
    } else {
      if (!out.text(("--" + boundary).getBytes(StandardCharsets.US_ASCII))) {
        return null;
      }
      out.crlf();
      if (alternative) {
        String inner = boundary();
        out.header("Content-Type: multipart/alternative; \r\n\tboundary=\"" + inner + "\"");
        out.crlf();
        alternative(out, inner, m);
      } else {
        part(out, m.html().isPresent() ? Body.text(m.html().get(), "html") : Body.text(m.text().orElse(""), "plain"));
      }
      for (Attachment a : attachments) {
        out.crlf();
        out.line("--" + boundary);
        if (!attachment(out, a)) {
          return null;
        }
      }
      out.crlf();
      out.line("--" + boundary + "--");
    }
    return out.finish();
  }

  private static void alternative(Wire out, String boundary, OutgoingMessage m) {
    out.line("--" + boundary);
    part(out, Body.text(m.text().orElseThrow(), "plain"));
    out.crlf();
    out.line("--" + boundary);
    part(out, Body.text(m.html().orElseThrow(), "html"));
    out.crlf();
    out.line("--" + boundary + "--");
  }

  private static void part(Wire out, Body body) {
    out.line("Content-Type: " + body.contentType());
    out.line("Content-Transfer-Encoding: " + body.encoding());
    out.crlf();
    out.text(body.content());
  }

  /** An attachment's part: headers as {@link MimeBuilder} sets them (file name encoded by Angus), base64 content. */
  private static boolean attachment(Wire out, Attachment a) throws MessagingException {
    MimeBodyPart part = MimeBuilder.attachmentPart(a);
    Enumeration<String> lines = part.getAllHeaderLines();
    while (lines.hasMoreElements()) {
      if (!out.header(lines.nextElement())) {
        return false;
      }
    }
    out.crlf();
    return out.text(Base64.getMimeEncoder().encode(a.readAllBytes()));
  }

  private static String boundary() {
    return "----=_outmail_" + BOUNDARIES.incrementAndGet() + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  private static int estimate(OutgoingMessage m) {
    long n = 1024 + m.text().map(String::length).orElse(0) + (long) m.html().map(String::length).orElse(0);
    for (Attachment a : m.attachments()) {
      n += a.size().orElse(0) * 4 / 3 + 512;
    }
    return (int) Math.min(Integer.MAX_VALUE - 16, n + n / 32);
  }

  /** A text body encoded for the wire: its Content-Type, transfer encoding and ASCII bytes. */
  record Body(String contentType, String encoding, byte[] content) {
    static Body text(String text, String subtype) {
      String type = "text/" + subtype + "; charset=UTF-8";
      // UTF-8 of a Latin-1 string is a vectorised copy; it is as long as the string only when all is ASCII
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      int nonAscii = 0;
      boolean sevenBit = true;
      int line = 0;
      for (byte b : utf8) {
        if (b < 0) {
          nonAscii++;
        } else if (b == '\r' || b == '\n') {
          line = 0;
          continue;
        } else if (b == 0) {
          sevenBit = false;
        }
        if (++line > MAX_LINE) {
          sevenBit = false;
        }
      }
      if (nonAscii == 0 && sevenBit) {
        return new Body(type, "7bit", utf8);
      }
      if (nonAscii > utf8.length - nonAscii) {
        return new Body(type, "base64", Base64.getMimeEncoder().encode(utf8));
      }
      ByteArrayOutputStream qp = new ByteArrayOutputStream(utf8.length + utf8.length / 2 + 16);
      try (QPEncoderStream enc = new QPEncoderStream(qp)) {
        enc.write(utf8);
      } catch (IOException e) {
        throw new IllegalStateException("quoted-printable into memory", e);
      }
      return new Body(type, "quoted-printable", qp.toByteArray());
    }
  }

  /**
   * Carries wire bytes through Angus's {@code sendMessage} (a server without PIPELINING): Angus
   * sends MAIL, RCPT and DATA, this writes the content (without the final dot, which Angus sends)
   * straight to the socket through {@link SmtpConnection.DataStream}.
   */
  static final class Carrier extends SMTPMessage {
    private final byte[] wire;

    Carrier(Session session, byte[] wire, String envelopeFrom) {
      super(session);
      this.wire = wire;
      setEnvelopeFrom(envelopeFrom);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
      if (!(os instanceof SmtpConnection.DataStream data)) {
        throw new IOException("prepared wire bytes are written by SmtpConnection only");
      }
      data.writeWire(wire, 0, wire.length - 3);
    }
  }

  /**
   * A growing byte array that writes SMTP DATA: CRLF line ends (a lone CR or LF becomes CRLF), a
   * dot doubled at the start of a line, the final {@code .CRLF}. Lines are found with a tight scan
   * and copied in bulk.
   */
  static final class Wire {
    private byte[] buf;
    private int len;
    private boolean bol = true;

    Wire(int capacity) {
      buf = new byte[Math.max(64, capacity)];
    }

    private void room(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    /**
     * A header line (folded ones hold CRLF + white space), then CRLF. Angus's header lines are
     * ASCII; anything else goes as UTF-8, whose bytes are never CR or LF (CVE-2025-7962).
     *
     * @return false when a line is longer than 998 bytes
     */
    boolean header(String line) {
      if (!text(line.getBytes(StandardCharsets.UTF_8))) {
        return false;
      }
      if (!bol) {
        crlf();
      }
      return true;
    }

    /** An ASCII line of our own making, then CRLF. */
    void line(String ascii) {
      text(ascii.getBytes(StandardCharsets.US_ASCII));
      crlf();
    }

    void crlf() {
      room(2);
      buf[len++] = '\r';
      buf[len++] = '\n';
      bol = true;
    }

    /**
     * Appends text: a lone CR or LF becomes CRLF, a leading dot is doubled.
     *
     * @return false when a line is longer than 998 bytes (it is appended all the same)
     */
    boolean text(byte[] b) {
      boolean fits = true;
      int i = 0;
      int n = b.length;
      while (i < n) {
        int start = i;
        byte c = 0;
        while (i < n && (c = b[i]) != '\n' && c != '\r') {
          i++;
        }
        int line = i - start;
        fits &= line <= MAX_LINE;
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
      return fits;
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
