package org.outmail.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The write path of one connection: bytes to the session's socket (the TLS one after STARTTLS) in
 * chunks of {@link WriteWatchdog#CHUNK}, each watched by the connection's write watchdog; small
 * pieces gathered into one buffer kept for the next write, large ones written from their own
 * array; how many bytes went out counted, so that a failure can be placed. One writer at a time
 * (the connection's driver).
 */
final class SocketWriter {
  /** Pieces smaller than this are gathered into one write; larger ones go from their own array. */
  private static final int GATHER_BELOW = 8192;

  private final WriteWatchdog watchdog;
  private final Supplier<@Nullable Socket> socket;
  private @Nullable Socket current;
  private @Nullable OutputStream out;
  private long lastWritten;
  private byte @Nullable [] gather;

  SocketWriter(WriteWatchdog watchdog, Supplier<@Nullable Socket> socket) {
    this.watchdog = watchdog;
    this.socket = socket;
  }

  /**
   * Writes byte arrays in few writes (small ones gathered into one buffer, large ones from their
   * own array), then flushes; {@link #lastWritten()} tells how many bytes had reached the socket if it fails.
   */
  void write(List<ByteBuffer> pieces) throws IOException {
    lastWritten = 0;
    int small = 0;
    for (ByteBuffer b : pieces) {
      if (b.remaining() < GATHER_BELOW) {
        small += b.remaining();
      }
    }
    byte[] buf = gatherBuffer(Math.min(small, WriteWatchdog.CHUNK));
    int n = 0;
    for (ByteBuffer b : pieces) {
      int len = b.remaining();
      int off = b.arrayOffset() + b.position();
      if (len >= GATHER_BELOW || n + len > buf.length) {
        if (n > 0) {
          writeUnflushed(buf, 0, n);
          n = 0;
        }
        if (len >= GATHER_BELOW) {
          writeUnflushed(b.array(), off, len); // large: straight from its array
          continue;
        }
      }
      System.arraycopy(b.array(), off, buf, n, len);
      n += len;
    }
    if (n > 0) {
      writeUnflushed(buf, 0, n);
    }
    wireStream().flush();
  }

  /** The buffer small pieces are gathered in, kept for the connection's next write (one writer at a time). */
  private byte[] gatherBuffer(int size) {
    if (gather == null || gather.length < size) {
      gather = new byte[Math.max(size, 4096)];
    }
    return gather;
  }

  /** Writes without flushing, watched; counted in {@link #lastWritten()}. */
  void writeUnflushed(byte[] b, int off, int len) throws IOException {
    OutputStream stream = wireStream();
    int end = off + len;
    for (int p = off; p < end; p += WriteWatchdog.CHUNK) {
      int size = Math.min(WriteWatchdog.CHUNK, end - p);
      watchdog.begin();
      try {
        stream.write(b, p, size);
      } finally {
        watchdog.end();
      }
      lastWritten += size;
    }
  }

  void flush() throws IOException {
    wireStream().flush();
  }

  /** Starts counting {@link #lastWritten()} anew. */
  void resetCount() {
    lastWritten = 0;
  }

  /** How many bytes of the last {@link #write} reached the socket. */
  long lastWritten() {
    return lastWritten;
  }

  /**
   * Writes bytes straight to the session's socket, in chunks watched by the write watchdog.
   */
  void write(byte[] b, int off, int len) throws IOException {
    writeUnflushed(b, off, len);
    wireStream().flush();
  }

  private OutputStream wireStream() throws IOException {
    Socket s = socket.get();
    if (s == null) {
      throw new IOException("the connection's socket is not known");
    }
    OutputStream o = out;
    if (s != current || o == null) {
      o = s.getOutputStream();
      out = o;
      current = s;
    }
    return o;
  }
}
