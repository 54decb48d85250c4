package org.outmail.smtp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What the pipelined engine ({@link Pipelining}) needs of the connection it drives: writes to the
 * socket, the server's replies in order, whether the connection may be dead already, and closing
 * it at once. The engine holds the channel's monitor while it reads and writes.
 */
interface ReplyChannel {
  /** Writes the pieces in few writes, then flushes; {@link #lastWritten()} tells how far a failed one got. */
  void writeRaw(List<ByteBuffer> pieces) throws IOException;

  /** Writes bytes to the socket, then flushes. */
  void writeRaw(byte[] b, int off, int len) throws IOException;

  /** How many bytes of the last write of pieces reached the socket. */
  long lastWritten();

  /** The server's next reply; code -1 at end of stream. */
  Reply reply() throws IOException;

  /** Whether the server's next reply (some of it) has arrived already: reading it does not wait. */
  boolean replyWaiting() throws IOException;

  /** Whether the connection idled a while in the pool and has not answered since. */
  boolean stale();

  /** Whether the connection was taken from the pool and has not answered anything since. */
  boolean unconfirmed();

  /** Closes the socket at once, without QUIT. */
  void abort();
}
