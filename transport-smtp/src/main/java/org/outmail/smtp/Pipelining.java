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
  private static final byte[] LONE_DOT = {'.', '\r', '\n'};
  private static final byte[] RSET = ascii("RSET\r\n");
  private static final byte[] DATA = ascii("DATA\r\n");

  private final SmtpConnection c;
  private final boolean chunking;
  private final int window;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Submitted, not written yet; guarded by {@link #lock}. */
  private final ArrayDeque<Tx> queued = new ArrayDeque<>();
  /** Guarded by {@link #lock}: whether a thread drives the connection. */
  private boolean driving;
  /** Guarded by {@link #lock}: why the connection is unusable, once it is. */
  private MessagingException broken;

  // the driver's own, handed over with the driving under the lock
  /** Written, their replies not all read, in the order of the wire. */
  private final ArrayDeque<Tx> inFlight = new ArrayDeque<>();
  /** A transaction sent with DATA waits for its 354: nothing else may be written before its content. */
  private boolean awaitingGo;
  /** The last transaction whose outcome is known may have left the server's transaction open. */
  private boolean dirty;
  /** The last transaction written. */
  private Tx lastWritten;
  /** The server answered 421: it closes the connection and takes nothing that follows. */
  private boolean closing;
  /** The transaction whose reply is being read. */
  private Tx awaiting;

  /**
   * @param chunking whether transactions may go with {@code BDAT} (the server offers CHUNKING and
   *     the mailbox allows it)
   * @param window the most transactions in flight at once
   */
  Pipelining(SmtpConnection c, boolean chunking, int window) {
    this.c = c;
    this.chunking = chunking;
    this.window = window;
  }

  /** Whether every envelope address can go in a command as it is (no control or non-ASCII character). */
  static boolean applicable(MimeBuilder.Prepared p) {
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
  void send(MimeBuilder.Prepared p, Progress progress) throws MessagingException {
    Tx tx = new Tx(p, progress);
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
  private void drive(Tx mine) {
    while (true) {
      List<Tx> group;
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
        Tx head = inFlight.peekFirst();
        if (head != null) {
          step(head);
        }
      } catch (MessagingException | RuntimeException e) {
        fail(e);
      }
    }
  }

  /** Moves the transactions that may go out now from the queue to the wire's; under the lock. */
  private List<Tx> takeWritable() {
    List<Tx> group = new ArrayList<>();
    while (!awaitingGo && !queued.isEmpty() && inFlight.size() < window) {
      Tx t = queued.poll();
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
  private void write(Tx content, List<Tx> group) throws MessagingException {
    awaiting = null;
    Wire wire = new Wire();
    if (content != null) {
      wire.add(content.p.wire());
      content.contentEnd = wire.size;
    }
    for (Tx t : group) {
      if (t.resetFirst) {
        wire.add(RSET);
      }
      wire.add(ascii(t.mailCommand + "\r\n"));
      for (String rcpt : t.rcptCommands) {
        wire.add(ascii(rcpt + "\r\n"));
      }
      if (t.chunked) {
        List<ByteBuffer> chunk = unstuffed(t.p.wire());
        long length = 0;
        for (ByteBuffer b : chunk) {
          length += b.remaining();
        }
        wire.add(ascii("BDAT " + length + " LAST\r\n"));
        chunk.forEach(wire::add);
        t.contentEnd = wire.size;
      } else {
        wire.add(DATA);
      }
    }
    long written;
    try {
      c.writeRaw(wire.pieces);
      written = wire.size;
    } catch (IOException e) {
      written = c.lastWritten();
      markContent(content, group, written);
      throw new MessagingException("IOException while sending message", e);
    }
    markContent(content, group, written);
  }

  /** Records, for each transaction of the write, whether its content reached the socket whole. */
  private static void markContent(Tx content, List<Tx> group, long written) {
    if (content != null && content.contentEnd <= written) {
      content.contentWritten = true;
      content.progress.endOfDataSent(true);
      content.progress.command(".");
    }
    for (Tx t : group) {
      if (t.chunked && t.contentEnd <= written) {
        t.contentWritten = true;
      }
    }
  }

  /** Reads the next replies of the oldest transaction in flight, and finishes it if they are its last. */
  private void step(Tx t) throws MessagingException {
    if (!t.chunked && !t.contentWritten) {
      readEnvelope(t);
      awaitingGo = false;
      if (!t.go()) {
        if (t.data == 354) {
          // the server waits for content it must not get: end it empty (RFC 2920 3.1)
          try {
            c.writeRaw(LONE_DOT, 0, LONE_DOT.length);
          } catch (IOException e) {
            throw new MessagingException("IOException while sending message", e);
          }
          reply(t);
        }
        finish(t, t.refusal(), true);
        return;
      }
      List<Tx> next;
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
      if (t.mail != 250 || t.valid.isEmpty() || t.brokenRcpt != null) {
        t.progress.endOfDataSent(false); // the server discarded the chunk of a failed transaction
        finish(t, t.refusal(), true);
        return;
      }
      t.progress.command(".");
      t.progress.reply(t.dataReply);
      finish(t, t.outcome(t.data, t.dataReply), t.data != 250);
      return;
    }
    t.progress.command(".");
    int end = reply(t);
    t.progress.reply(c.getLastServerResponse());
    finish(t, t.outcome(end, t.progress.reply()), end != 250);
  }

  /** Reads the replies to [RSET,] MAIL FROM, each RCPT TO, and DATA or BDAT. */
  private void readEnvelope(Tx t) throws MessagingException {
    if (t.resetFirst) {
      reply(t);
    }
    t.progress.command("MAIL FROM");
    t.mail = reply(t);
    t.mailReply = c.getLastServerResponse();
    t.progress.command("RCPT TO");
    Address[] envelope = t.p.envelope();
    for (int i = 0; i < envelope.length; i++) {
      int code = reply(t);
      if (code / 100 == 2) {
        t.valid.add(envelope[i]);
        continue;
      }
      SMTPAddressFailedException f = new SMTPAddressFailedException((InternetAddress) envelope[i], t.rcptCommands[i],
          code, c.getLastServerResponse());
      if (code >= 400 && code < 500) {
        t.validUnsent.add(envelope[i]);
      } else if (code >= 500 && code < 600) {
        t.invalid.add(envelope[i]);
      } else if (t.brokenRcpt == null) {
        t.brokenRcpt = f; // a reply that is no answer to RCPT
      }
      if (t.chain == null) {
        t.chain = f;
      } else {
        t.chain.setNextException(f);
      }
    }
    t.progress.command(t.chunked ? "." : "DATA");
    t.data = reply(t);
    t.dataReply = c.getLastServerResponse();
  }

  /**
   * The next reply for {@code t}. End of stream, or a 421 (the server closes the connection),
   * fails the connection: every transaction on it ends.
   */
  private int reply(Tx t) throws MessagingException {
    awaiting = t;
    int code = c.reply();
    if (code == 421) {
      closing = true;
    }
    if (code < 0 || code == 421) {
      throw new ConnectionLost(t, code, c.getLastServerResponse());
    }
    return code;
  }

  /** Ends a transaction with its outcome (null when it went through whole). */
  private void finish(Tx t, MessagingException failure, boolean failed) {
    inFlight.remove(t);
    if (lastWritten == t) {
      dirty = failed; // else the next one written decides, and it started with RSET if it had to
    }
    complete(t, failure);
  }

  private void complete(Tx t, MessagingException failure) {
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
    ConnectionLost lost = cause instanceof ConnectionLost l ? l : null;
    List<Tx> all = new ArrayList<>(inFlight);
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
    for (Tx t : all) {
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
      MessagingException failure = !here ? new MessagingException("connection lost with the mail in flight: " + SmtpFailures.rootMessage(cause), cause)
          : lost != null ? lost.asAngus() : cause;
      complete(t, failure);
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Byte arrays to write in one go, and their total size. */
  private static final class Wire {
    final List<ByteBuffer> pieces = new ArrayList<>();
    long size;

    void add(byte[] b) {
      add(ByteBuffer.wrap(b));
    }

    void add(ByteBuffer b) {
      pieces.add(b);
      size += b.remaining();
    }
  }

  /** The end of stream where a reply was awaited, placed at its transaction. */
  private static final class ConnectionLost extends MessagingException {
    private static final long serialVersionUID = 1L;
    private final transient Tx tx;
    private final int code;
    private final String reply;

    ConnectionLost(Tx tx, int code, String reply) {
      super("connection closed by the server");
      this.tx = tx;
      this.code = code;
      this.reply = reply;
    }

    /** As Angus reports a command that got no reply. */
    MessagingException asAngus() {
      String command = tx.progress.command();
      String cmd = command.equals("MAIL FROM") ? tx.mailCommand : command;
      return new SMTPSendFailedException(cmd, code, reply, null, null, tx.p.envelope(), null);
    }
  }

  /** One transaction: the mail's envelope and content, and what the server said to it. */
  private static final class Tx {
    final MimeBuilder.Prepared p;
    final Progress progress;
    final String mailCommand;
    final String[] rcptCommands;
    boolean chunked;
    boolean resetFirst;
    boolean contentWritten;
    long contentEnd;
    int mail;
    String mailReply;
    final List<Address> valid = new ArrayList<>();
    final List<Address> validUnsent = new ArrayList<>();
    final List<Address> invalid = new ArrayList<>();
    MessagingException chain;
    SMTPAddressFailedException brokenRcpt;
    int data;
    String dataReply;
    /** Guarded by the lock: the outcome is known and the sender may go. */
    boolean done;
    MessagingException failure;
    boolean written;

    Tx(MimeBuilder.Prepared p, Progress progress) {
      this.p = p;
      this.progress = progress;
      this.mailCommand = "MAIL FROM:<" + ((WireMessage.Carrier) p.mime()).getEnvelopeFrom() + ">";
      Address[] envelope = p.envelope();
      this.rcptCommands = new String[envelope.length];
      for (int i = 0; i < envelope.length; i++) {
        rcptCommands[i] = "RCPT TO:<" + ((InternetAddress) envelope[i]).getAddress() + ">";
      }
    }

    /** Whether the content may follow: sender and a recipient accepted, DATA answered 354. */
    boolean go() {
      return mail == 250 && !valid.isEmpty() && brokenRcpt == null && data == 354;
    }

    /** The failure of a transaction the server refused before its content: as Angus throws it. */
    MessagingException refusal() {
      if (mail != 250) {
        progress.command("MAIL FROM");
        SMTPSendFailedException e = new SMTPSendFailedException(mailCommand, mail, mailReply, null, null, p.envelope(), null);
        if (mail == 550 || mail == 553 || mail == 503 || mail == 551 || mail == 501) {
          try {
            e.setNextException(new SMTPSenderFailedException(new InternetAddress(((WireMessage.Carrier) p.mime()).getEnvelopeFrom()),
                mailCommand, mail, mailReply));
          } catch (MessagingException ignored) {
            // the sender's address is in the message already
          }
        }
        return e;
      }
      if (brokenRcpt != null) {
        progress.command("RCPT TO");
        return brokenRcpt;
      }
      if (valid.isEmpty()) {
        progress.command("RCPT TO");
        return new SendFailedException("Invalid Addresses", chain, null, concat(valid, validUnsent), array(invalid));
      }
      progress.command("DATA");
      return new SMTPSendFailedException("DATA", data, dataReply, chain, null, concat(valid, validUnsent), array(invalid));
    }

    /** The outcome once the content was answered with {@code code}: null when every recipient took it. */
    MessagingException outcome(int code, String reply) {
      if (code != 250) {
        return new SMTPSendFailedException(".", code, reply, chain, null, concat(valid, validUnsent), array(invalid));
      }
      if (!invalid.isEmpty() || !validUnsent.isEmpty()) {
        return new SMTPSendFailedException(".", code, reply, chain, array(valid), array(validUnsent), array(invalid));
      }
      return null;
    }
  }

  private static Address[] array(List<Address> list) {
    return list.toArray(new Address[0]);
  }

  private static Address[] concat(List<Address> a, List<Address> b) {
    List<Address> all = new ArrayList<>(a);
    all.addAll(b);
    return array(all);
  }
}
