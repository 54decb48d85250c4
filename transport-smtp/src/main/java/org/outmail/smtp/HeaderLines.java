package org.outmail.smtp;

import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
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
  static void fit(HeaderBlock headers, OutgoingMessage m) throws MessagingException {
    if (tooLong("Subject", headers.value(HeaderBlock.SUBJECT))) {
      headers.set(HeaderBlock.SUBJECT, "Subject", encodedWords("Subject", m.subject()));
    }
    if (tooLong("From", headers.value(HeaderBlock.FROM)) && m.fromName().isPresent()) {
      headers.set(HeaderBlock.FROM, "From",
          encodedWords("From", m.fromName().get()) + "\r\n <" + m.fromAddress() + ">");
    }
    for (String[] h : headers.custom()) {
      if (tooLong(h[0], h[1])) {
        headers.replaceCustom(h[0], encodedWords(h[0], h[1]));
      }
    }
    for (String header : headers.lines()) {
      int octets = longestLine(header);
      if (octets > MAX_LINE) {
        throw new MessagingException("header " + header.substring(0, Math.max(0, header.indexOf(':')))
            + " has a line of " + octets + " octets, more than the " + MAX_LINE
            + " RFC 5322 allows, and cannot be folded");
      }
    }
  }

  private static boolean tooLong(String name, @Nullable String value) {
    return value != null && name.length() + 2 + (long) value.length() * 3 > MAX_LINE
        && longestLine(name + ": " + value) > MAX_LINE;
  }

  /** The most UTF-8 octets of one line of a header ({@code CRLF} separates folded lines), without a regular expression. */
  static int longestLine(String header) {
    int longest = 0;
    int octets = 0;
    for (int i = 0, n = header.length(); i < n; i++) {
      char c = header.charAt(i);
      if (c == '\r' && i + 1 < n && header.charAt(i + 1) == '\n') {
        longest = Math.max(longest, octets);
        octets = 0;
        i++;
      } else if (c < 0x80) {
        octets++;
      } else if (c < 0x800) {
        octets += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(header.charAt(i + 1))) {
        octets += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        octets++; // a lone surrogate is written as '?'
      } else {
        octets += 3;
      }
    }
    return Math.max(longest, octets);
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
      out.append(PREFIX).append(b64.encodeToString(value.substring(i, end).getBytes(StandardCharsets.UTF_8)))
          .append(SUFFIX);
      i = end;
    }
    return out.toString();
  }
}
