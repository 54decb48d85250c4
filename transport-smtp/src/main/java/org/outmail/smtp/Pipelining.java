package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

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
 * refused by the server and discarded. Failures are thrown as Angus's {@code sendMessage} throws
 * them (with {@code mail.smtp.sendpartial}), so {@link SmtpFailures} classifies them as before,
 * placed by each transaction's {@link Progress}.
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
  private MessagingException broken;

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

  /** Whether every envelope address can go in a command as it is (no control or non-ASCII character). */
  static boolean applicable(PreparedMail p) {
    for (Address a : p.envelope()) {
      String s = ((InternetAddress) a).getAddress();
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < 0x20 || s.charAt(i) >= 0x7f) {
          return false; // Angus refuses such a command, or encodes it its way; let it
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
   * does. Throws as Angus's {@code sendMessage}; {@code progress} places the failure.
   */
  void send(PreparedMail p, Progress progress) throws MessagingException {
    PipelinedTx tx = new PipelinedTx(p, progress);
    lock.lock();
    try {
      if (broken != null) {
        progress.notWritten(true);
        throw new MessagingException("the connection failed before the mail was written", broken);
      }
      queued.add(tx);
      while (!tx.done) {
        if (!driving) {
          driving = true;
          lock.unlock();
          try {
            synchronized (c) { // Angus reads replies under the connection's monitor
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
    if (tx.failure != null) {
      throw tx.failure;
    }
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
      } catch (MessagingException | RuntimeException e) {
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
      t.progress.unconfirmed(c.unconfirmed());
      // an earlier chunked transaction in flight may fail and leave the server's transaction open
      t.resetFirst = lastWritten != null && !lastWritten.done ? lastWritten.chunked : dirty;
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
  private void write(PipelinedTx content, List<PipelinedTx> group) throws MessagingException {
    awaiting = null;
    WriteBatch wire = new WriteBatch();
    if (content != null) {
      wire.content(content);
    }
    for (PipelinedTx t : group) {
      wire.transaction(t);
    }
    long written;
    try {
      c.writeRaw(wire.pieces);
      written = wire.size;
    } catch (IOException e) {
      written = c.lastWritten();
      wire.marks(content, group, written);
      throw new MessagingException("IOException while sending message", e);
    }
    wire.marks(content, group, written);
  }


  /** Reads the next replies of the oldest transaction in flight, and finishes it if they are its last. */
  private void step(PipelinedTx t) throws MessagingException {
    if (!t.chunked && !t.contentWritten) {
      readEnvelope(t);
      awaitingGo = false;
      if (!t.go()) {
        if (t.data.code() == 354) {
          // the server waits for content it must not get: end it empty (RFC 2920 3.1)
          try {
            c.writeRaw(WriteBatch.LONE_DOT, 0, WriteBatch.LONE_DOT.length);
          } catch (IOException e) {
            throw new MessagingException("IOException while sending message", e);
          }
          reply(t);
        }
        finish(t, t.refusal(), true);
        return;
      }
      List<PipelinedTx> next;
      lock.lock();
      try {
        next = takeWritable();
      } finally {
        lock.unlock();
      }
      t.progress.command(".");
      write(t, next);
      return;
    }
    if (t.chunked) {
      readEnvelope(t);
      t.progress.endOfDataSent(true);
      if (t.mail.code() != 250 || t.valid.isEmpty() || t.brokenRcpt != null) {
        t.progress.endOfDataSent(false); // the server discarded the chunk of a failed transaction
        finish(t, t.refusal(), true);
        return;
      }
      t.progress.command(".");
      t.progress.reply(t.data.text());
      finish(t, t.outcome(t.data), t.data.code() != 250);
      return;
    }
    t.progress.command(".");
    Reply end = reply(t);
    t.progress.reply(end.text());
    finish(t, t.outcome(end), end.code() != 250);
  }

  /** Reads the replies to [RSET,] MAIL FROM, each RCPT TO, and DATA or BDAT. */
  private void readEnvelope(PipelinedTx t) throws MessagingException {
    if (t.resetFirst) {
      reply(t);
    }
    t.progress.command("MAIL FROM");
    t.mail = reply(t);
    t.progress.command("RCPT TO");
    for (int i = 0; i < t.p.envelope().length; i++) {
      t.recipient(i, reply(t));
    }
    t.progress.command(t.chunked ? "." : "DATA");
    t.data = reply(t);
  }

  /**
   * The next reply for {@code t}. End of stream, or a 421 (the server closes the connection),
   * fails the connection: every transaction on it ends.
   */
  private Reply reply(PipelinedTx t) throws MessagingException {
    awaiting = t;
    int code = c.reply();
    if (code == 421) {
      closing = true;
    }
    if (code < 0 || code == 421) {
      throw new PipelinedTx.ConnectionLost(t, code, c.getLastServerResponse());
    }
    return Reply.of(code, c.getLastServerResponse());
  }

  /** Ends a transaction with its outcome (null when it went through whole). */
  private void finish(PipelinedTx t, MessagingException failure, boolean failed) {
    inFlight.remove(t);
    if (lastWritten == t) {
      dirty = failed; // else the next one written decides, and it started with RSET if it had to
    }
    complete(t, failure);
  }

  private void complete(PipelinedTx t, MessagingException failure) {
    lock.lock();
    try {
      t.failure = failure;
      t.done = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The connection failed: every transaction on it ends. The one whose reply was awaited gets the
   * failure as Angus reports it; the others, written or not, a failure that says the connection
   * was lost. The socket is closed so nothing more goes out.
   */
  private void fail(Exception e) {
    MessagingException cause = e instanceof MessagingException m ? m : new MessagingException(e.toString(), e);
    PipelinedTx.ConnectionLost lost = cause instanceof PipelinedTx.ConnectionLost l ? l : null;
    List<PipelinedTx> all = new ArrayList<>(inFlight);
    inFlight.clear();
    awaitingGo = false;
    lock.lock();
    try {
      if (broken == null) {
        broken = cause;
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
        t.progress.notWritten(true);
        complete(t, new MessagingException("the connection failed before the mail was written", cause));
        continue;
      }
      if (t.chunked) {
        // its chunk went out whole: the server may have taken it, unless it said it takes nothing more
        boolean refused = here && lost != null && lost.code == 421 && !t.progress.command().equals(".");
        boolean taken = t.contentWritten && !(closing && !here) && !refused;
        t.progress.endOfDataSent(taken);
        if (taken && !here) {
          t.progress.command(".");
        }
      } else if (closing && !here) {
        t.progress.endOfDataSent(false); // after a 421 the server took nothing more
      }
      MessagingException failure = !here ? new MessagingException("connection lost with the mail in flight: " + SmtpText.rootMessage(cause), cause)
          : lost != null ? lost.asAngus() : cause;
      complete(t, failure);
    }
  }






}
