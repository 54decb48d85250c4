package org.outmail.smtp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The pipelined engine's record of one connection's transactions: those queued, not written yet,
 * and those in flight (written, their replies not all read), in the order of the wire; which of
 * the queued may go out now, and how each is written ({@code BDAT} or {@code DATA}, with {@code
 * RSET} first or not). Guarded by the engine's lock: every method is called with it held.
 */
final class Window {
  private final ReplyChannel c;
  private final boolean chunking;
  private final int size;
  private final ArrayDeque<PipelinedTx> queued = new ArrayDeque<>();
  private final ArrayDeque<PipelinedTx> inFlight = new ArrayDeque<>();
  /** A transaction sent with DATA waits for its 354: nothing else may be written before its content. */
  private boolean awaitingGo;
  /** The last transaction whose outcome is known may have left the server's transaction open. */
  private boolean dirty;
  /** The last transaction written. */
  private @Nullable PipelinedTx lastWritten;

  /**
   * @param chunking whether transactions may go with {@code BDAT}
   * @param size the most transactions in flight at once
   */
  Window(ReplyChannel c, boolean chunking, int size) {
    this.c = c;
    this.chunking = chunking;
    this.size = size;
  }

  /** The most transactions in flight at once. */
  int size() {
    return size;
  }

  void queue(PipelinedTx t) {
    queued.add(t);
  }

  /** Whether a queued transaction may be written now. */
  boolean writable() {
    return !awaitingGo && !queued.isEmpty() && inFlight.size() < size;
  }

  /**
   * Moves the transactions that may go out now from the queue to those in flight, decides how each
   * is written, and returns them in the order they are to be written.
   */
  List<PipelinedTx> take() {
    List<PipelinedTx> group = new ArrayList<>(Math.min(queued.size(), size));
    while (writable()) {
      PipelinedTx t = queued.poll();
      t.chunked = chunking && !c.stale();
      t.unconfirmed = c.unconfirmed();
      // an earlier chunked transaction in flight may fail and leave the server's transaction open
      t.resetFirst = (lastWritten != null && !lastWritten.done) ? lastWritten.chunked : dirty;
      t.written = true;
      inFlight.add(t);
      group.add(t);
      lastWritten = t;
      if (!t.chunked) {
        awaitingGo = true; // its content waits for the 354
      }
    }
    return group;
  }

  /** The oldest transaction in flight, or null. */
  @Nullable
  PipelinedTx head() {
    return inFlight.peekFirst();
  }

  /** The content answered 354 goes out (or DATA was refused): what is queued may follow. */
  void go() {
    awaitingGo = false;
  }

  /** A transaction's outcome is known: it leaves the window. */
  void ended(PipelinedTx t, boolean failed) {
    inFlight.remove(t);
    if (lastWritten == t) {
      dirty = failed; // else the next one written decides, and it started with RSET if it had to
    }
  }

  /** Whether the server may hold a transaction open after the last one; cleared. */
  boolean takeDirty() {
    boolean was = dirty;
    dirty = false;
    return was;
  }

  /** Every transaction, in flight then queued, taken out: the connection failed. */
  List<PipelinedTx> drain() {
    List<PipelinedTx> all = new ArrayList<>(inFlight);
    all.addAll(queued);
    inFlight.clear();
    queued.clear();
    awaitingGo = false;
    return all;
  }
}
