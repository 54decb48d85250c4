package org.outmail.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The content of a mail written by Angus Mail's {@code writeTo} (a streamed mail: large, or with
 * file attachments), on its way to the socket in pieces of bounded size: every line end made CRLF,
 * and for {@code DATA} every line that starts with a dot given a second one (RFC 5321 section
 * 4.5.2). Whole pieces go to a {@link Sink} (the socket after {@code DATA}, or one {@code BDAT}
 * chunk each), so memory stays at one piece whatever the mail's size.
 */
final class ContentStream extends OutputStream {
  /** Where full pieces go. */
  interface Sink {
    /** Takes {@code len} bytes of {@code b}; {@code last} for the final piece (possibly empty). */
    void piece(byte[] b, int len, boolean last) throws IOException;
  }

  private final byte[] buf;
  private final boolean dotStuffing;
  private final Sink sink;
  private int n;
  private int previous = -1;
  private boolean atLineStart = true;

  /**
   * @param pieceSize the most bytes held before they go to the sink
   * @param dotStuffing whether lines starting with a dot get a second one ({@code DATA}; not for {@code BDAT})
   */
  ContentStream(int pieceSize, boolean dotStuffing, Sink sink) {
    this.buf = new byte[pieceSize];
    this.dotStuffing = dotStuffing;
    this.sink = sink;
  }

  @Override
  public void write(int b) throws IOException {
    if (b == '\r') {
      lineEnd();
    } else if (b == '\n') {
      if (previous != '\r') {
        lineEnd();
      }
    } else {
      if (atLineStart && dotStuffing && b == '.') {
        put('.');
      }
      put(b);
      atLineStart = false;
    }
    previous = b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = off, end = off + len; i < end; i++) {
      write(b[i]);
    }
  }

  private void lineEnd() throws IOException {
    put('\r');
    put('\n');
    atLineStart = true;
  }

  private void put(int b) throws IOException {
    if (n == buf.length) {
      sink.piece(buf, n, false);
      n = 0;
    }
    buf[n++] = (byte) b;
  }

  /**
   * Ends the content on a line end and hands over the last piece; with dot-stuffing, the final
   * {@code .} line is part of it.
   */
  void finish() throws IOException {
    if (!atLineStart) {
      lineEnd();
    }
    if (dotStuffing) {
      put('.');
      put('\r');
      put('\n');
    }
    sink.piece(buf, n, true);
    n = 0;
  }

  @Override
  public void flush() {
    // pieces go out whole; finish() hands over the last one
  }

  @Override
  public void close() {
    // finish() ends the content
  }
}
