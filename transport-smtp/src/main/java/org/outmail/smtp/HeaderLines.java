package org.outmail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Map;
import org.outmail.spi.OutgoingMessage;

/**
 * Keeps every header line within RFC 5322's 998 octets. Angus folds at white space, which is not
 * enough for a long run without any (a 10,000-character subject, a display name, a custom header
 * value): such a header is written as RFC 2047 encoded words of at most 75 characters, one per
 * folded line. A header that still does not fit is refused before any connection.
 */
final class HeaderLines {
  /** The most octets a header line may hold, CRLF not counted (RFC 5322 section 2.1.1). */
  static final int MAX_LINE = 998;
  /** The most octets of one encoded word (RFC 2047 section 2). */
  static final int MAX_WORD = 75;
  private static final String PREFIX = "=?UTF-8?B?";
  private static final String SUFFIX = "?=";
  /** UTF-8 bytes per word: 45 bytes are 60 base64 characters, 72 with prefix and suffix. */
  private static final int WORD_BYTES = (MAX_WORD - PREFIX.length() - SUFFIX.length()) / 4 * 3;

  private HeaderLines() {}

  /**
   * Re-encodes the Subject, the From display name and the custom headers whose lines are too long,
   * then checks every top-level header line.
   *
   * @throws MessagingException naming the header whose line is still too long
   */
  static void fit(MimeMessage mime, OutgoingMessage m) throws MessagingException {
    if (tooLong(mime, "Subject")) {
      mime.setHeader("Subject", encodedWords("Subject", m.subject()));
    }
    if (tooLong(mime, "From") && m.fromName().isPresent()) {
      mime.setHeader("From", encodedWords("From", m.fromName().get()) + "\r\n <" + m.fromAddress() + ">");
    }
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      if (tooLong(mime, h.getKey())) {
        mime.setHeader(h.getKey(), encodedWords(h.getKey(), h.getValue()));
      }
    }
    Enumeration<String> lines = mime.getAllHeaderLines();
    while (lines.hasMoreElements()) {
      String header = lines.nextElement();
      for (String line : header.split("\r\n")) {
        int octets = line.getBytes(StandardCharsets.UTF_8).length;
        if (octets > MAX_LINE) {
          throw new MessagingException("header " + header.substring(0, Math.max(0, header.indexOf(':')))
              + " has a line of " + octets + " octets, more than the " + MAX_LINE + " RFC 5322 allows, and cannot be folded");
        }
      }
    }
  }

  private static boolean tooLong(MimeMessage mime, String name) throws MessagingException {
    String[] values = mime.getHeader(name);
    if (values == null) {
      return false;
    }
    for (String value : values) {
      String[] lines = (name + ": " + value).split("\r\n");
      for (String line : lines) {
        if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The value as B-encoded words of at most {@link #MAX_WORD} characters, one per line, folded with
   * CRLF and a space; never splits a character (or a surrogate pair) across two words.
   */
  static String encodedWords(String name, String value) {
    StringBuilder out = new StringBuilder();
    Base64.Encoder b64 = Base64.getEncoder();
    int i = 0;
    while (i < value.length()) {
      int end = i;
      int bytes = 0;
      while (end < value.length()) {
        int cp = value.codePointAt(end);
        int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
        if (bytes + n > WORD_BYTES) {
          break;
        }
        bytes += n;
        end += Character.charCount(cp);
      }
      if (out.length() > 0) {
        out.append("\r\n ");
      }
      out.append(PREFIX).append(b64.encodeToString(value.substring(i, end).getBytes(StandardCharsets.UTF_8))).append(SUFFIX);
      i = end;
    }
    return out.toString();
  }
}
