package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pipelined transactions of one connection (RFC 2920), shared by every thread that sends on it:
 * each caller queues its transaction and waits for its outcome; one of them at a time (the driver)
 * writes what may be written and reads the replies, in order, for everyone.
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
  private final boolean chunking;
  private final int window;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Submitted, not written yet; guarded by {@link #lock}. */
  private final ArrayDeque<PipelinedTx> queued = new ArrayDeque<>();
  /** Guarded by {@link #lock}: whether a thread drives the connection. */
  private boolean driving;
  /** Guarded by {@link #lock}: why the connection is unusable, once it is. */
  private Throwable broken;

  // the driver's own, handed over with the driving under the lock
  /** Written, their replies not all read, in the order of the wire. */
  private final ArrayDeque<PipelinedTx> inFlight = new ArrayDeque<>();
  /** A transaction sent with DATA waits for its 354: nothing else may be written before its content. */
  private boolean awaitingGo;
  /** The last transaction whose outcome is known may have left the server's transaction open. */
  private boolean dirty;
  /** The last transaction written. */
  private PipelinedTx lastWritten;
  /** The server answered 421: it closes the connection and takes nothing that follows. */
  private boolean closing;
  /** The transaction whose reply is being read. */
  private PipelinedTx awaiting;

  /**
   * @param chunking whether transactions may go with {@code BDAT} (the server offers CHUNKING and
   *     the mailbox allows it)
   * @param window the most transactions in flight at once
   */
  Pipelining(ReplyChannel c, boolean chunking, int window) {
    this.c = c;
    this.chunking = chunking;
    this.window = window;
  }

  /** Whether every envelope address can go in a command as it is (no control or non-ASCII character): else the mail goes command by command, which refuses it. */
  static boolean applicable(PreparedMail p) {
    for (Address a : p.envelope()) {
      String s = ((InternetAddress) a).getAddress();
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < 0x20 || s.charAt(i) >= 0x7f) {
          return false;
        }
      }
    }
    return true;
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
      boolean was = dirty;
      dirty = false;
      return was;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends one transaction and waits for its outcome, driving the connection when no other thread
   * does.
   */
  TxOutcome send(PreparedMail p) {
    PipelinedTx tx = new PipelinedTx(p);
    lock.lock();
    try {
      if (broken != null) {
        return tx.outcome(null, broken, true, true);
      }
      queued.add(tx);
      while (!tx.done) {
        if (!driving) {
          driving = true;
          lock.unlock();
          try {
            synchronized (c) { // one reader and writer of the connection at a time
              drive(tx);
            }
          } finally {
            lock.lock();
            driving = false;
            changed.signalAll();
          }
        } else {
          changed.awaitUninterruptibly(); // bounded: the driver's reads time out
        }
      }
    } finally {
      lock.unlock();
    }
    return tx.outcome;
  }

  /** Writes and reads for every transaction until {@code mine} is done. */
  private void drive(PipelinedTx mine) {
    while (true) {
      List<PipelinedTx> group;
      lock.lock();
      try {
        if (mine.done) {
          return;
        }
        group = takeWritable();
      } finally {
        lock.unlock();
      }
      try {
        if (!group.isEmpty()) {
          write(null, group);
        }
        PipelinedTx head = inFlight.peekFirst();
        if (head != null) {
          step(head);
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }
  }

  /** Moves the transactions that may go out now from the queue to the wire's; under the lock. */
  private List<PipelinedTx> takeWritable() {
    List<PipelinedTx> group = new ArrayList<>();
    while (!awaitingGo && !queued.isEmpty() && inFlight.size() < window) {
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

  /**
   * Writes, in one go, the content of {@code content} (which DATA was answered 354 for; may be
   * null) and then the commands (and chunks) of {@code group}.
   */
  private void write(PipelinedTx content, List<PipelinedTx> group) throws IOException {
    awaiting = null;
    WriteBatch wire = new WriteBatch();
    if (content != null) {
      wire.content(content);
    }
    for (PipelinedTx t : group) {
      wire.transaction(t);
    }
    try {
      c.writeRaw(wire.pieces);
    } catch (IOException e) {
      wire.marks(content, group, c.lastWritten());
      throw e;
    }
    wire.marks(content, group, wire.size);
  }


  /** Reads the next replies of the oldest transaction in flight, and finishes it if they are its last. */
  private void step(PipelinedTx t) throws IOException {
    if (!t.chunked && !t.contentWritten) {
      readEnvelope(t);
      awaitingGo = false;
      if (!t.go()) {
        if (t.data.code() == 354) {
          // the server waits for content it must not get: end it empty (RFC 2920 3.1)
          c.writeRaw(WriteBatch.LONE_DOT, 0, WriteBatch.LONE_DOT.length);
          reply(t);
        }
        t.awaited = t.refusedAt();
        finish(t, true);
        return;
      }
      List<PipelinedTx> next;
      lock.lock();
      try {
        next = takeWritable();
      } finally {
        lock.unlock();
      }
      t.awaited = ".";
      write(t, next);
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
      t.end = t.data;
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

  /** Ends a transaction with the outcome its replies make. */
  private void finish(PipelinedTx t, boolean failed) {
    inFlight.remove(t);
    if (lastWritten == t) {
      dirty = failed; // else the next one written decides, and it started with RSET if it had to
    }
    complete(t, t.outcome());
  }

  private void complete(PipelinedTx t, TxOutcome outcome) {
    lock.lock();
    try {
      t.outcome = outcome;
      t.done = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The connection failed: every transaction on it ends. The one whose reply was awaited gets the
   * reply or failure that ended it; the others, written or not, that the connection failed behind
   * them. The socket is closed so nothing more goes out.
   */
  private void fail(Exception e) {
    ConnectionLost lostBy = e instanceof ConnectionLost l ? l : null;
    Throwable cause = lostBy != null ? null : e;
    List<PipelinedTx> all = new ArrayList<>(inFlight);
    inFlight.clear();
    awaitingGo = false;
    lock.lock();
    try {
      if (broken == null) {
        broken = e;
      }
      all.addAll(queued);
      queued.clear();
    } finally {
      lock.unlock();
    }
    c.abort();
    for (PipelinedTx t : all) {
      if (t.done) {
        continue;
      }
      boolean here = t == awaiting;
      if (!t.written) {
        complete(t, t.outcome(null, e, true, true));
        continue;
      }
      if (t.chunked) {
        // its chunk went out whole: the server may have taken it, unless it said it takes nothing more
        boolean refused = here && lostBy != null && lostBy.reply.code() == 421 && !t.awaited.equals(".");
        t.taken = t.contentWritten && !(closing && !here) && !refused;
        if (t.taken && !here) {
          t.awaited = ".";
        }
      } else if (closing && !here) {
        t.taken = false; // after a 421 the server took nothing more
      } else {
        t.taken = t.contentWritten; // its final dot went out
      }
      complete(t, t.outcome(here && lostBy != null ? lostBy.reply : null, here ? cause : e, !here, false));
    }
  }
}
