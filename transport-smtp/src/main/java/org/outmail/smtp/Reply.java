package org.outmail.smtp;

import org.jspecify.annotations.Nullable;

/**
 * One reply of the server, parsed once: its code, its enhanced status code (RFC 3463, such as
 * {@code 4.2.1}) when it carries one, and its text as received.
 */
record Reply(int code, @Nullable String enhanced, String text) {
  /** A reply read with its code (-1: none) and its text as received ({@code 250 2.1.0 Ok}). */
  static Reply of(int code, @Nullable String text) {
    return new Reply(code, enhancedStatus(text), text == null ? "" : text);
  }

  /** Parses a reply line: its code from the first three characters, or -1. */
  static Reply parse(@Nullable String text) {
    return of(SmtpText.code(text), text);
  }

  /** Whether the server took the command (2xx). */
  boolean positive() {
    return code / 100 == 2;
  }

  /** The enhanced status code after the reply code ({@code 250 2.1.0 Ok} → {@code 2.1.0}), or null. */
  private static @Nullable String enhancedStatus(@Nullable String text) {
    if (text == null || text.length() < 9 || (text.charAt(3) != ' ' && text.charAt(3) != '-')) {
      return null;
    }
    int end = 4;
    int dots = 0;
    while (end < text.length() && (Character.isDigit(text.charAt(end)) || text.charAt(end) == '.')) {
      dots += text.charAt(end) == '.' ? 1 : 0;
      end++;
    }
    String s = text.substring(4, end);
    boolean valid = dots == 2 && s.charAt(0) == text.charAt(0) && !s.endsWith(".") && !s.contains("..")
        && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
    return valid ? s : null;
  }
}
