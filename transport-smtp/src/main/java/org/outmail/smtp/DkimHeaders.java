package org.outmail.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header fields of a message as they go on the wire, and DKIM's {@code relaxed} header
 * canonicalization (RFC 6376 section 3.4.2): the name in lower case, the value unfolded, runs of
 * spaces and tabs made one space, white space around the colon and at the end removed.
 */
final class DkimHeaders {
  /** One header field: its name as written and its whole text (name, colon, value, folds), no final CRLF. */
  record Field(String name, String text) {}

  private DkimHeaders() {}

  /** The fields of a header block (the bytes before the empty line, lines ending in CRLF). */
  static List<Field> parse(byte[] block, int len) {
    // header bytes are 7-bit on the wire; ISO-8859-1 keeps any other byte as it is
    String s = new String(block, 0, len, StandardCharsets.ISO_8859_1);
    List<Field> fields = new ArrayList<>();
    StringBuilder current = null;
    int start = 0;
    while (start < s.length()) {
      int end = s.indexOf("\r\n", start);
      if (end < 0) {
        end = s.length();
      }
      String line = s.substring(start, end);
      start = end + 2;
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
        current.append("\r\n").append(line);
      } else {
        if (current != null) {
          fields.add(field(current.toString()));
        }
        current = new StringBuilder(line);
      }
    }
    if (current != null) {
      fields.add(field(current.toString()));
    }
    return fields;
  }

  private static Field field(String text) {
    int colon = text.indexOf(':');
    return new Field(colon < 0 ? text : text.substring(0, colon), text);
  }

  /** The relaxed form of one field, {@code name:value} followed by CRLF when {@code crlf}. */
  static String relaxed(String text, boolean crlf) {
    int colon = text.indexOf(':');
    String name = trim((colon < 0 ? text : text.substring(0, colon)).replace("\r\n", "")).toLowerCase(Locale.ROOT);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    value = trim(value.replace("\r\n", "").replaceAll("[ \t]+", " "));
    return name + ":" + value + (crlf ? "\r\n" : "");
  }

  /** The text without spaces and tabs (DKIM's WSP) at either end. */
  private static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }
}
