package org.outmail.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;

/** An attachment's stored content, read one chunk (one short query) at a time. */
final class PartStream extends InputStream {
  private final JdbcStore store;
  private final long mailId;
  private final int part;
  private int seq;
  private byte[] chunk = new byte[0];
  private int pos;
  private boolean end;

  PartStream(JdbcStore store, long mailId, int part) {
    this.store = store;
    this.mailId = mailId;
    this.part = part;
  }

  private boolean fill() throws IOException {
    while (!end && pos >= chunk.length) {
      try {
        byte[] next = store.chunk(mailId, part, seq++);
        if (next == null) {
          end = true;
        } else {
          chunk = next;
          pos = 0;
        }
      } catch (SQLException e) {
        throw new IOException("reading attachment " + part + " of outbox mail " + mailId + " failed: " + e.getMessage(),
            e);
      }
    }
    return !end || pos < chunk.length;
  }

  @Override
  public int read() throws IOException {
    if (!fill() || pos >= chunk.length) {
      return -1;
    }
    return chunk[pos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill() || pos >= chunk.length) {
      return -1;
    }
    int n = Math.min(len, chunk.length - pos);
    System.arraycopy(chunk, pos, b, off, n);
    pos += n;
    return n;
  }
}
