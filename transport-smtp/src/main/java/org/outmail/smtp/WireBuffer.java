package org.outmail.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte array that writes SMTP DATA: CRLF line ends (a lone CR or LF becomes CRLF), a
 * dot doubled at the start of a line, the final {@code .CRLF}. Lines are found with a tight scan
 * and copied in bulk.
 */
final class WireBuffer {
  /** Per thread, the buffer the wire bytes are made in before they are copied out at their size. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 << 10]);
  private static final int MAX_SCRATCH = 256 << 10;
  /** The most octets of a line (RFC 5322 section 2.1.1), CRLF not counted. */
  static final int MAX_LINE = 998;

  private byte[] buf;
  private int len;
  private boolean bol = true;

  private final boolean scratch;

  WireBuffer(int capacity) {
    byte[] b = SCRATCH.get();
    scratch = capacity <= MAX_SCRATCH;
    if (scratch && b.length < capacity) {
      b = new byte[Math.max(capacity, b.length * 2)];
      SCRATCH.set(b);
    }
    buf = scratch ? b : new byte[Math.max(64, capacity)];
  }

  private void room(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      if (scratch && buf.length <= MAX_SCRATCH) {
        SCRATCH.set(buf);
      }
    }
  }

  /** Appends 7-bit ASCII text as {@link #text(byte[])} does, straight from the string. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, ASCII here
  void text(String s) {
    int i = 0;
    int n = s.length();
    while (i < n) {
      int start = i;
      char c = 0;
      while (i < n && (c = s.charAt(i)) != '\n' && c != '\r') {
        i++;
      }
      int line = i - start;
      room(line + 3);
      if (line > 0) {
        if (bol && s.charAt(start) == '.') {
          buf[len++] = '.';
        }
        s.getBytes(start, i, buf, len);
        len += line;
        bol = false;
      }
      if (i < n) {
        buf[len++] = '\r';
        buf[len++] = '\n';
        bol = true;
        i += (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') ? 2 : 1;
      }
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
    return !scratch && buf.length == len ? buf : Arrays.copyOf(buf, len);
  }
}
