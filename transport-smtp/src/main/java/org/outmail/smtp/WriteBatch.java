package org.outmail.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one pipelined write, in order: the content of a transaction whose {@code DATA} was
 * answered 354 (with its final dot), then for each transaction written [{@code RSET},] {@code MAIL
 * FROM}, every {@code RCPT TO}, and {@code DATA} or {@code BDAT n LAST} with its chunk. Pieces are
 * slices of the messages' own bytes (nothing copied); where each transaction's content ends is
 * recorded, so that a write that fails part way tells which contents went out whole.
 */
final class WriteBatch {
  static final byte[] LONE_DOT = {'.', '\r', '\n'};
  private static final byte[] RSET = ascii("RSET\r\n");
  private static final byte[] DATA = ascii("DATA\r\n");

  final List<ByteBuffer> pieces = new ArrayList<>();
  long size;

  /** The content (DATA form, ending in its final dot) of a transaction answered 354. */
  void content(PipelinedTx t) {
    add(Objects.requireNonNull(t.p.wire(), "a pipelined mail has wire bytes"));
    t.contentEnd = size;
  }

  /** The commands of a transaction, and its chunk when it goes with BDAT. */
  void transaction(PipelinedTx t) {
    if (t.resetFirst) {
      add(RSET);
    }
    add(t.mailCommand);
    for (byte[] rcpt : t.rcptCommands) {
      add(rcpt);
    }
    if (t.chunked) {
      List<ByteBuffer> chunk = unstuffed(Objects.requireNonNull(t.p.wire(), "a pipelined mail has wire bytes"));
      long length = 0;
      for (ByteBuffer b : chunk) {
        length += b.remaining();
      }
      add(ascii("BDAT " + length + " LAST\r\n"));
      chunk.forEach(this::add);
      t.contentEnd = size;
    } else {
      add(DATA);
    }
  }

  void add(byte[] b) {
    add(ByteBuffer.wrap(b));
  }

  void add(ByteBuffer b) {
    pieces.add(b);
    size += b.remaining();
  }

  /** Records, for each transaction of this write, whether its content reached the socket whole. */
  void marks(@Nullable PipelinedTx content, List<PipelinedTx> group, long written) {
    if (content != null && content.contentEnd <= written) {
      content.contentWritten = true;
      content.taken = true; // its final dot went out
      content.awaited = ".";
    }
    for (PipelinedTx t : group) {
      if (t.chunked && t.contentEnd <= written) {
        t.contentWritten = true;
      }
    }
  }

  /**
   * The content of DATA-form wire bytes as BDAT sends it, as slices of those bytes (nothing is
   * copied): the doubled leading dots undone, no final dot.
   */
  static List<ByteBuffer> unstuffed(byte[] wire) {
    int end = wire.length - LONE_DOT.length;
    List<ByteBuffer> slices = new ArrayList<>(1);
    int from = 0;
    for (int i = 0; i + 1 < end; i++) {
      if ((i == 0 || wire[i - 1] == '\n') && wire[i] == '.' && wire[i + 1] == '.') {
        slices.add(ByteBuffer.wrap(wire, from, i - from));
        from = i + 1; // the first of a doubled dot left out
      }
    }
    slices.add(ByteBuffer.wrap(wire, from, end - from));
    return slices;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
