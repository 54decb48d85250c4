package org.outmail.smtp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 hash of a message body in DKIM's {@code relaxed} body canonicalization (RFC 6376
 * section 3.4.4), computed while the body streams through: runs of spaces and tabs become one space,
 * white space at the end of a line goes, empty lines at the end of the body go, and a body that does
 * not end in CRLF gets one. Holds a few counters and an 8 KiB buffer, never the body. Lines end in
 * CRLF (the wire form); a lone CR or LF is an ordinary character, as it is to a verifier.
 */
final class DkimBodyHash {
  private static final byte[] CRLF = {'\r', '\n'};

  private final MessageDigest sha256;
  private final byte[] buf = new byte[8192];
  private int n;
  private boolean pendingCr;
  private boolean pendingSpace;
  private boolean lineHasContent;
  private long emptyLines;

  DkimBodyHash() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  void update(byte[] b, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      update(b[i]);
    }
  }

  void update(byte b) {
    if (pendingCr) {
      pendingCr = false;
      if (b == '\n') {
        endLine();
        return;
      }
      content((byte) '\r');
    }
    if (b == '\r') {
      pendingCr = true;
    } else if (b == ' ' || b == '\t') {
      pendingSpace = true;
    } else {
      content(b);
    }
  }

  /** {@return the hash of the body seen} Ends this hash: no more bytes may follow. */
  byte[] digest() {
    if (pendingCr) {
      pendingCr = false;
      content((byte) '\r');
    }
    if (lineHasContent) {
      put(CRLF);
    }
    sha256.update(buf, 0, n);
    n = 0;
    return sha256.digest();
  }

  private void content(byte b) {
    while (emptyLines > 0) {
      put(CRLF);
      emptyLines--;
    }
    if (pendingSpace) {
      pendingSpace = false;
      put((byte) ' ');
    }
    put(b);
    lineHasContent = true;
  }

  private void endLine() {
    pendingSpace = false;
    if (lineHasContent) {
      put(CRLF);
      lineHasContent = false;
    } else {
      emptyLines++;
    }
  }

  private void put(byte[] bytes) {
    for (byte b : bytes) {
      put(b);
    }
  }

  private void put(byte b) {
    if (n == buf.length) {
      sha256.update(buf, 0, n);
      n = 0;
    }
    buf[n++] = b;
  }
}
