package org.outmail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.angus.mail.util.QPEncoderStream;
import org.jspecify.annotations.Nullable;
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

  private static final int MAX_LINE = WireBuffer.MAX_LINE;
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
  static byte @Nullable [] encode(HeaderBlock headers, OutgoingMessage m) throws MessagingException {
    List<Attachment> attachments = m.attachments();
    boolean alternative = m.text().isPresent() && m.html().isPresent();
    Body single = null;
    String boundary = null;
    headers.set(HeaderBlock.MESSAGE_ID, "Message-ID", m.messageId());
    headers.set(HeaderBlock.MIME_VERSION, "MIME-Version", "1.0");
    if (attachments.isEmpty() && !alternative) {
      single = m.html().isPresent() ? Body.text(m.html().get(), "html") : Body.text(m.text().orElse(""), "plain");
      headers.set(HeaderBlock.CONTENT_TYPE, "Content-Type", single.contentType());
      headers.set(HeaderBlock.CONTENT_TRANSFER_ENCODING, "Content-Transfer-Encoding", single.encoding());
    } else {
      boundary = boundary();
      headers.set(HeaderBlock.CONTENT_TYPE, "Content-Type",
          "multipart/" + (attachments.isEmpty() ? "alternative" : "mixed")
              + "; \r\n\tboundary=\"" + boundary + "\"");
      headers.remove(HeaderBlock.CONTENT_TRANSFER_ENCODING);
    }

    WireBuffer out = new WireBuffer(estimate(m));
    for (String line : headers.lines()) {
      if (!out.header(line)) {
        return null;
      }
    }
    out.crlf();
    if (single != null) {
      single.writeTo(out);
    } else if (attachments.isEmpty()) {
      alternative(out, Objects.requireNonNull(boundary, "boundary"), m);
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

  private static void alternative(WireBuffer out, String boundary, OutgoingMessage m) {
    out.line("--" + boundary);
    part(out, Body.text(m.text().orElseThrow(), "plain"));
    out.crlf();
    out.line("--" + boundary);
    part(out, Body.text(m.html().orElseThrow(), "html"));
    out.crlf();
    out.line("--" + boundary + "--");
  }

  private static void part(WireBuffer out, Body body) {
    out.line("Content-Type: " + body.contentType());
    out.line("Content-Transfer-Encoding: " + body.encoding());
    out.crlf();
    body.writeTo(out);
  }

  /** An attachment's part: headers as {@link MimeBuilder} sets them (file name encoded by Angus), base64 content. */
  private static boolean attachment(WireBuffer out, Attachment a) throws MessagingException {
    MimeBodyPart part = AttachmentParts.attachmentPart(a);
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
    return "----=_outmail_" + BOUNDARIES.incrementAndGet() + "_"
        + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  private static int estimate(OutgoingMessage m) {
    long n = 1024 + m.text().map(String::length).orElse(0) + (long) m.html().map(String::length).orElse(0);
    for (Attachment a : m.attachments()) {
      n += a.size().orElse(0) * 4 / 3 + 512;
    }
    return (int) Math.min(Integer.MAX_VALUE - 16, n + n / 32);
  }

  /** A text body encoded for the wire: its Content-Type, transfer encoding and ASCII bytes. */
  record Body(String contentType, String encoding, byte @Nullable [] content, @Nullable String ascii) {
    Body(String contentType, String encoding, byte @Nullable [] content) {
      this(contentType, encoding, content, null);
    }

    /** Appends the content to the wire: from the string itself when it is 7-bit ASCII (nothing copied first). */
    void writeTo(WireBuffer out) {
      if (ascii != null) {
        out.text(ascii);
      } else {
        out.text(Objects.requireNonNull(content, "content"));
      }
    }

    static Body text(String text, String subtype) {
      String type = subtype.equals("plain") ? PLAIN : subtype.equals("html") ? HTML
          : "text/" + subtype + "; charset=UTF-8";
      if (sevenBit(text)) {
        return new Body(type, "7bit", null, text);
      }
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

  private static final String PLAIN = "text/plain; charset=UTF-8";
  private static final String HTML = "text/html; charset=UTF-8";

  /** Whether the text is ASCII without NUL and with lines of at most 998 characters: it goes as it is. */
  static boolean sevenBit(String text) {
    int line = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        line = 0;
      } else if (c >= 0x80 || c == 0 || ++line > MAX_LINE) {
        return false;
      }
    }
    return true;
  }

}
