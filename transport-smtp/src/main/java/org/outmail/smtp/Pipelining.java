package org.outmail.smtp;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The pipelined transactions of one connection (RFC 2920), shared by every thread that sends on it:
 * each caller queues its transaction and waits for its outcome. Two roles, each held by one of
 * the callers at a time, work at once: the writer writes what may go out (a caller writes its own
 * transaction at once when the window has room and nobody writes), the reader reads the replies in
 * order for everyone and, as each transaction ends, writes what its freed room lets go out; so
 * the window stays full. The reader, once its own transaction ended, hands the reading to the
 * sender of the oldest transaction in flight (who is woken for its outcome next anyway).
 *
 * <p>A transaction goes out in one of two ways:
 *
 * <ul>
 *   <li>With {@code DATA}: {@code MAIL FROM}, every {@code RCPT TO} and {@code DATA} in one write;
 *       once their replies are read and {@code DATA} was answered 354, the content and its final
 *       dot, and in the same write the envelope of the next queued transaction (RFC 2920 lets the
 *       content be the first "command" of a group). One round trip per mail.
 *   <li>With CHUNKING (RFC 3030), when the server offers it: {@code MAIL FROM}, {@code RCPT TO}
 *       and {@code BDAT n LAST} with the content in one write, needing no reply first; up to the
 *       window of transactions are in flight at once, their replies read as they come.
 * </ul>
 *
 * <p>Each transaction's outcome is its own: the replies are attributed in order; a transaction
 * whose predecessor's outcome is not known when it is written (a chunked one still in flight), or
 * that follows a failed one, starts with {@code RSET}, so that a transaction the server may have
 * left open never makes the next {@code MAIL FROM} fail. No accepted recipient (or a refused
 * sender): the server refuses DATA and nothing is sent; one that answers 354 all the same gets a
 * lone {@code .} (RFC 2920 section 3.1). A chunk sent after a refused sender or recipients is
 * refused by the server and discarded. Each sender gets its transaction's {@link TxOutcome}: the
 * replies it got, how much of its content went out, and what ended it.
 *
 * <p>When the connection fails (closed, reset, a read timeout), every transaction on it fails:
 * one whose content went out whole with an unknown outcome, the others as not handed over; the
 * connection takes no more.
 */
final class Pipelining {
  private final ReplyChannel c;
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when a write ends: the reader may wait for its head's bytes or for the writing role. */
  private final Condition wrote = lock.newCondition();

  // guarded by the lock
  /** Queued and in flight. */
  private final Window w;
  /** Whether a thread writes to the connection (one at a time). */
  private boolean writing;
  /** Whether a thread reads the connection's replies (one at a time). */
  private boolean reading;
  /** Why the connection is unusable, once it is (the first failure). */
  private @Nullable Throwable broken;
  /** The transaction whose reply was awaited when the connection failed (null: it failed on a write). */
  private @Nullable PipelinedTx brokenAt;
  // the reader's own (handed over with the reading role, under the lock)
  /** The server answered 421: it closes the connection and takes nothing that follows. */
  private boolean closing;
  /** The transaction whose reply is being read; null while the reader writes. */
  private @Nullable PipelinedTx awaiting;

  /**
   * @param chunking whether transactions may go with {@code BDAT} (the server offers CHUNKING and
   *     the mailbox allows it)
   * @param window the most transactions in flight at once
   */
  Pipelining(ReplyChannel c, boolean chunking, int window) {
    this.c = c;
    this.w = new Window(c, chunking, window);
  }

  /** Whether the connection failed: it takes no more transactions. */
  boolean broken() {
    lock.lock();
    try {
      return broken != null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the server may hold a transaction open after the last one (which then failed): a send
   * that does not go through here must {@code RSET} first.
   */
  boolean takeDirty() {
    lock.lock();
    try {
      return w.takeDirty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends one transaction and waits for its outcome. The calling thread writes what may go out
   * when no other thread writes (its own transaction at once, while the window has room), and
   * reads the replies when no other thread reads; else it waits to be woken: for its outcome, or
   * to take over the reading when its transaction is the oldest in flight.
   */
  TxOutcome send(PreparedMail p) {
    PipelinedTx tx = new PipelinedTx(p, lock.newCondition());
    lock.lock();
    try {
      if (broken != null) {
        return tx.outcome(null, broken, true, true);
      }
      w.queue(tx);
      while (!tx.done) {
        if (broken != null) {
          if (!reading && !writing) {
            endAll();
          } else {
            tx.wake.awaitUninterruptibly(); // the thread that holds a role ends every transaction
          }
        } else if (!writing && w.writable()) {
          writeAll();
        } else if (!reading && w.head() != null) {
          read(tx);
        } else {
          tx.wake.awaitUninterruptibly(); // bounded: the reads time out, the writes are watched
        }
      }
    } finally {
      lock.unlock();
    }
    return Objects.requireNonNull(tx.outcome, "a transaction done has its outcome");
  }

  /** Takes the writing role and writes what may go out until nothing more may; under the lock. */
  private void writeAll() {
    writing = true;
    try {
      while (broken == null && w.writable()) {
        write(null, w.take(), null);
      }
    } finally {
      released(false);
    }
  }

  /**
   * With the writing role and the lock held: writes, in one go and with the lock released, the
   * content of {@code content} (which DATA was answered 354 for; may be null), the commands (and
   * chunks) of {@code group}, then {@code alone} (may be null); marks what went out. A failure
   * fails the connection, with no reply awaited.
   */
  private void write(@Nullable PipelinedTx content, List<PipelinedTx> group, byte @Nullable [] alone) {
    WriteBatch wire = new WriteBatch();
    if (content != null) {
      wire.content(content);
    }
    for (PipelinedTx t : group) {
      wire.transaction(t);
    }
    if (alone != null) {
      wire.add(alone);
    }
    long written = wire.size;
    Exception failure = null;
    lock.unlock();
    try {
      c.writeRaw(wire.pieces);
    } catch (IOException | RuntimeException e) {
      written = c.lastWritten();
      failure = e;
    } finally {
      wire.marks(content, group, written);
      lock.lock();
    }
    for (PipelinedTx t : group) {
      t.flushed = true;
    }
    wrote.signalAll();
    if (failure != null) {
      fail(failure, null);
    }
  }

  /**
   * Takes the reading role and reads replies, transaction by transaction in the order of the wire,
   * until {@code mine} is done or nothing is in flight; refills the window after each one; under the
   * lock. Once {@code mine} is done it reads on while the next replies are there already (up to a
   * window of transactions more), so that the sender it would hand the reading to is woken only
   * when a reply is to be waited for anyway.
   */
  private void read(PipelinedTx mine) {
    reading = true;
    int beyond = 0;
    try {
      while (broken == null && w.head() != null
          && (!mine.done || (beyond++ < w.size() && replyWaiting()))) {
        PipelinedTx head = Objects.requireNonNull(w.head(), "a transaction in flight");
        if (!head.flushed) {
          wrote.awaitUninterruptibly(); // its write is under way: its marks say what went out
          continue;
        }
        lock.unlock();
        Exception failure = null;
        try {
          step(head);
        } catch (IOException | RuntimeException e) {
          failure = e;
        } finally {
          lock.lock();
        }
        if (failure != null) {
          while (writing && broken == null && !(failure instanceof ConnectionLost)) {
            wrote.awaitUninterruptibly(); // the socket failed under a write too: the write's failure tells why
          }
          fail(failure, awaiting);
        } else if (!writing && w.writable()) {
          writeAll(); // the window's freed room goes out at once
        }
      }
    } finally {
      released(true);
    }
  }

  /** Whether a reply has arrived already (a failure to tell is left to the next read). */
  private boolean replyWaiting() {
    try {
      return c.replyWaiting();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A role was given up (under the lock): after a failure the last thread that held one ends every
   * transaction; else, when nobody reads and transactions are in flight, the sender of the oldest
   * is woken to read.
   */
  private void released(boolean reader) {
    if (reader) {
      reading = false;
    } else {
      writing = false;
      wrote.signalAll();
    }
    if (broken != null) {
      if (!reading && !writing) {
        endAll();
      }
    } else if (!reading && w.head() != null) {
      Objects.requireNonNull(w.head(), "a transaction in flight").wake.signal();
    }
  }

  /**
   * With the reading role: takes the writing role once the write in progress (if any) is done,
   * and writes the content answered 354 (or a lone dot) and what may follow it.
   */
  private void writeAfterGo(@Nullable PipelinedTx content, byte @Nullable [] alone) throws IOException {
    lock.lock();
    try {
      while (writing && broken == null) {
        wrote.awaitUninterruptibly();
      }
      if (broken == null) {
        writing = true;
        try {
          awaiting = null;
          w.go();
          write(content, content != null ? w.take() : List.<PipelinedTx>of(), alone);
        } finally {
          released(false);
        }
      }
      if (broken != null) {
        throw new IOException("the connection failed", broken);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Reads the next replies of the oldest transaction in flight, and finishes it if they are its last. */
  private void step(PipelinedTx t) throws IOException {
    if (!t.chunked && !t.contentWritten) {
      readEnvelope(t);
      if (!t.go()) {
        if (Objects.requireNonNull(t.data, "DATA answered").code() == 354) {
          // the server waits for content it must not get: end it empty (RFC 2920 3.1)
          writeAfterGo(null, WriteBatch.LONE_DOT);
          reply(t);
        }
        t.awaited = t.refusedAt();
        finish(t, true);
        return;
      }
      t.awaited = ".";
      writeAfterGo(t, null);
      return;
    }
    if (t.chunked) {
      readEnvelope(t);
      if (t.refusedEnvelope()) {
        t.awaited = t.refusedAt(); // the server discarded the chunk of a refused transaction
        finish(t, true);
        return;
      }
      t.taken = true;
      t.awaited = ".";
      t.end = Objects.requireNonNull(t.data, "BDAT answered");
      finish(t, !t.end.positive());
      return;
    }
    t.awaited = ".";
    t.end = reply(t);
    finish(t, !t.end.positive());
  }

  /** Reads the replies to [RSET,] MAIL FROM, each RCPT TO, and DATA or BDAT. */
  private void readEnvelope(PipelinedTx t) throws IOException {
    if (t.resetFirst) {
      reply(t);
    }
    t.awaited = "MAIL FROM";
    t.mail = reply(t);
    t.awaited = "RCPT TO";
    for (int i = 0; i < t.rcpt.length; i++) {
      t.rcpt[i] = reply(t);
    }
    t.awaited = t.chunked ? "." : "DATA";
    t.data = reply(t);
  }

  /**
   * The next reply for {@code t}. End of stream, or a 421 (the server closes the connection),
   * fails the connection: every transaction on it ends.
   */
  private Reply reply(PipelinedTx t) throws IOException {
    awaiting = t;
    Reply r = c.reply();
    if (r.code() == 421) {
      closing = true;
    }
    if (r.code() < 0 || r.code() == 421) {
      throw new ConnectionLost(r);
    }
    return r;
  }

  /**
   * Ends a transaction with the outcome its replies make, and wakes its sender. One sent with DATA
   * and refused before its content no longer holds back what is queued.
   */
  private void finish(PipelinedTx t, boolean failed) {
    lock.lock();
    try {
      if (!t.chunked && !t.contentWritten) {
        w.go();
      }
      w.ended(t, failed);
      complete(t, t.outcome());
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock. */
  private void complete(PipelinedTx t, TxOutcome outcome) {
    t.outcome = outcome;
    t.done = true;
    t.wake.signal();
  }

  /**
   * Under the lock: the connection failed. The first failure stands; the socket is closed so that
   * nothing more goes out and a read or write under way ends; the last thread to give up its role
   * ends every transaction ({@link #endAll}).
   */
  private void fail(Exception e, @Nullable PipelinedTx at) {
    if (broken == null) {
      broken = e;
      brokenAt = at;
      c.abort();
    }
  }

  /**
   * Under the lock, nobody reading or writing: every transaction on the failed connection ends.
   * The one whose reply was awaited gets the reply or failure that ended it; the others, written
   * or not, that the connection failed behind them.
   */
  private void endAll() {
    for (PipelinedTx t : w.drain()) {
      if (!t.done) {
        complete(t, t.failed(t == brokenAt, Objects.requireNonNull(broken, "the connection failed"), closing));
      }
    }
  }
}
