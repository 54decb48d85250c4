package org.outmail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP connection: Angus Mail's transport, watched so that a failure can be placed (which
 * command was on the wire, whether the final {@code .} had gone out), plus what the pool needs to
 * know about it. Shared by up to {@code smtp.max-in-flight} senders when it pipelines, else used by
 * one thread at a time.
 *
 * <p>Angus keeps the session (greeting, EHLO, TLS, AUTH, replies). A message prepared as wire
 * bytes ({@link WireMessage}) bypasses Angus's per-byte content streams: with PIPELINING it goes
 * out through the connection's {@link Pipelining}, else through Angus's {@code sendMessage}, whose
 * {@link #data()} here hands the bytes to the socket in one write. Every write to the server is watched by the
 * connection's {@link WriteWatchdog}.
 */
final class SmtpConnection extends SMTPTransport {
  private static final Set<String> VERBS =
      Set.of("EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", ".", "RSET", "NOOP", "QUIT");

  private String greeting;
  private String lastCommand = "greeting";
  private boolean endOfDataSent;
  private String tlsProtocol;
  private String authMechanism;
  private long lastUsedNanos = System.nanoTime();
  private int messagesSent;
  private final WriteWatchdog watchdog;
  private volatile Socket tcpSocket;
  private volatile Socket sessionSocket;
  private Socket wireSocket;
  private OutputStream wire;
  private volatile boolean unconfirmed;
  /** Pieces smaller than this are gathered into one write; larger ones go from their own array. */
  private static final int GATHER_BELOW = 8192;
  private volatile boolean stale;
  /** After this long idle in the pool, a connection is {@link #stale()} until it answers. */
  static final long STALE_AFTER_IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
  private long lastWritten;
  private Pipelining pipeline;
  private boolean pipelineKnown;
  // guarded by the pool
  private int users;
  private boolean exclusive;

  SmtpConnection(Session session, URLName url, WriteWatchdog watchdog) {
    super(session, url);
    this.watchdog = watchdog;
  }

  /** The sockets this connection was given by {@link SocketFactories} while it opened. */
  void sockets(Socket tcp, Socket session) {
    this.tcpSocket = tcp;
    this.sessionSocket = session;
  }

  /** Starts the write watchdog on the TCP socket; called once the connection is open. */
  void watchWrites(ScheduledExecutorService scheduler) {
    watchdog.watch(tcpSocket, scheduler);
  }

  /** Whether a write stalled for longer than the write timeout (the socket was then closed). */
  boolean writeTimedOut() {
    return watchdog.fired();
  }

  /**
   * Sets up pipelining once the session is open: when the server offers PIPELINING and the
   * mailbox allows it, transactions go through a {@link Pipelining} (with CHUNKING when offered and
   * allowed), shared by up to {@code window} senders at once.
   */
  void pipelining(SmtpOptions options) {
    if (options.pipelining() && supportsExtension("PIPELINING")) {
      pipeline = new Pipelining(this, options.chunking() && supportsExtension("CHUNKING"), options.maxInFlight());
    }
    pipelineKnown = true;
  }

  /** Whether senders may share this connection: it pipelines and takes several mails in flight. */
  boolean shareable(int window) {
    return pipeline != null && window > 1 && !pipeline.broken();
  }

  /** Whether this connection failed and takes nothing more. */
  boolean broken() {
    return pipeline != null && pipeline.broken();
  }

  /** Whether a message can go pipelined (it has wire bytes and commands it can write as they are). */
  static boolean pipelinable(MimeBuilder.Prepared p) {
    return p.wire() != null && Pipelining.applicable(p);
  }

  /**
   * Sends one transaction of a prepared message: pipelined when it has wire bytes and the
   * connection pipelines (other senders may share the connection then), else through Angus's
   * {@code sendMessage} (the caller then has the connection to itself). Throws as {@code
   * sendMessage} does; {@code progress} tells how far the transaction got.
   */
  void send(MimeBuilder.Prepared p, Progress progress) throws MessagingException {
    if (!pipelineKnown) {
      throw new IllegalStateException("the connection is not open");
    }
    if (pipeline != null && pipelinable(p)) {
      progress.pipelined(true);
      pipeline.send(p, progress);
      return;
    }
    synchronized (this) {
      progress.unconfirmed(unconfirmed);
      beginMessage();
      try {
        if (pipeline != null && pipeline.takeDirty()) {
          issueCommand("RSET", 250);
        }
        sendMessage(p.mime(), p.envelope());
        progress.reply(getLastServerResponse());
      } finally {
        progress.command(lastCommand);
        progress.endOfDataSent(endOfDataSent);
      }
    }
  }

  /**
   * Writes byte arrays in few writes (small ones gathered into one buffer, large ones from their
   * own array), then flushes; {@link #lastWritten()} tells how many bytes had reached the socket if it fails.
   */
  void writeRaw(java.util.List<ByteBuffer> pieces) throws IOException {
    lastWritten = 0;
    int small = 0;
    for (ByteBuffer b : pieces) {
      if (b.remaining() < GATHER_BELOW) {
        small += b.remaining();
      }
    }
    byte[] buf = small == 0 ? null : new byte[Math.min(small, WriteWatchdog.CHUNK)];
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

  private void writeUnflushed(byte[] b, int off, int len) throws IOException {
    OutputStream out = wireStream();
    int end = off + len;
    for (int p = off; p < end; p += WriteWatchdog.CHUNK) {
      int size = Math.min(WriteWatchdog.CHUNK, end - p);
      watchdog.begin();
      try {
        out.write(b, p, size);
      } finally {
        watchdog.end();
      }
      lastWritten += size;
    }
  }

  /** How many bytes of the last {@link #writeRaw} reached the socket. */
  long lastWritten() {
    return lastWritten;
  }

  /** Closes the socket at once, without QUIT: the connection failed and must carry nothing more. */
  void abort() {
    Socket s = tcpSocket;
    try {
      if (s != null) {
        s.close();
      }
    } catch (IOException ignored) {
      // closed either way
    }
  }

  /**
   * Whether the connection was taken from the pool and has not answered anything since: a failure
   * before its first reply means it was dead already.
   */
  boolean unconfirmed() {
    return unconfirmed;
  }

  /** The next reply of the server (Angus's {@code readServerResponse}); -1 at end of stream. */
  int reply() throws MessagingException {
    return readServerResponse();
  }



  /**
   * Writes bytes straight to the session's socket (after Angus flushed its own buffer, as it does
   * after every command), in chunks watched by the write watchdog.
   */
  void writeRaw(byte[] b, int off, int len) throws IOException {
    writeUnflushed(b, off, len);
    wireStream().flush();
  }

  private OutputStream wireStream() throws IOException {
    Socket s = sessionSocket;
    if (s == null) {
      throw new IOException("the connection's socket is not known");
    }
    if (s != wireSocket) {
      wire = s.getOutputStream();
      wireSocket = s;
    }
    return wire;
  }

  /**
   * Angus's DATA (command, 354), then a stream that watches every write and can take prepared
   * wire bytes past Angus's per-byte CRLF and dot-stuffing filters.
   */
  @Override
  protected OutputStream data() throws MessagingException {
    return new DataStream(super.data());
  }

  @Override
  public synchronized void close() throws MessagingException {
    watchdog.stop();
    super.close();
  }

  @Override
  protected void sendCommand(String cmd) throws MessagingException {
    int space = cmd.indexOf(' ');
    String verb = (space < 0 ? cmd : cmd.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
    // never keep arguments: AUTH carries credentials; RSET and QUIT only tidy up after a failure
    if (!verb.equals("RSET") && !verb.equals("QUIT")) {
      lastCommand = VERBS.contains(verb) ? verb.replace("MAIL", "MAIL FROM").replace("RCPT", "RCPT TO") : "AUTH";
    }
    watchdog.begin();
    try {
      super.sendCommand(cmd);
    } finally {
      watchdog.end();
    }
    if (cmd.equals(".")) {
      endOfDataSent = true;
    }
  }

  @Override
  protected int readServerResponse() throws MessagingException {
    int code = super.readServerResponse();
    if (code > 0) {
      unconfirmed = false;
      if (greeting == null) {
        greeting = getLastServerResponse();
      }
    }
    return code;
  }

  /** Called before each message: resets what {@link #endOfDataSent()} tells. */
  void beginMessage() {
    endOfDataSent = false;
  }

  /** Whether the final {@code .} of the current message was written: from then on, the server may have taken it. */
  boolean endOfDataSent() {
    return endOfDataSent;
  }

  /** The last command sent (its verb only; not RSET or QUIT), or {@code greeting} before the first. */
  String lastCommand() {
    return lastCommand;
  }

  /** The server's greeting line(s), once received. */
  String greeting() {
    return greeting;
  }

  String tlsProtocol() {
    return tlsProtocol;
  }

  void tlsProtocol(String protocol) {
    this.tlsProtocol = protocol;
  }

  String authMechanism() {
    return authMechanism;
  }

  void authMechanism(String mechanism) {
    this.authMechanism = mechanism;
  }

  long idleNanos(long now) {
    return now - lastUsedNanos;
  }

  void used(long now) {
    lastUsedNanos = now;
  }

  int messagesSent() {
    return messagesSent;
  }

  void countMessage() {
    messagesSent++;
  }

  /** Whether the connection was just taken from the pool's idle ones (else it was just opened). */
  void reused(boolean reused) {
    this.unconfirmed = reused;
    this.stale = reused && idleNanos(System.nanoTime()) >= STALE_AFTER_IDLE_NANOS;
  }

  /**
   * Whether the connection had been idle a while when it was taken from the pool and has not
   * answered since: the server may have closed it meanwhile, so its first transaction waits for the
   * envelope's replies before the content goes (no BDAT), and a connection found dead then is
   * replaced at no cost.
   */
  boolean stale() {
    return stale && unconfirmed;
  }

  /** How many senders hold this connection; guarded by the pool. */
  int users() {
    return users;
  }

  void users(int users) {
    this.users = users;
  }

  /** Whether its one sender needs it to itself (a message that does not go pipelined); guarded by the pool. */
  boolean exclusive() {
    return exclusive;
  }

  void exclusive(boolean exclusive) {
    this.exclusive = exclusive;
  }

  /**
   * The content stream of one message: Angus's dot-stuffing stream with every write watched; a
   * {@link WireMessage.Carrier} writes its prepared bytes with {@link #writeWire}.
   */
  final class DataStream extends FilterOutputStream {
    DataStream(OutputStream angus) {
      super(angus);
    }

    @Override
    public void write(int b) throws IOException {
      watchdog.begin();
      try {
        out.write(b);
      } finally {
        watchdog.end();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      watchdog.begin();
      try {
        out.write(b, off, len);
      } finally {
        watchdog.end();
      }
    }

    /** Bytes already in SMTP DATA form (CRLF, dot-stuffed), without the final dot: to the socket as they are. */
    void writeWire(byte[] b, int off, int len) throws IOException {
      writeRaw(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      // Angus ends the data itself (finishData); its stream is not ours to close
    }
  }

  /** Closes with {@code QUIT}, ignoring failures: the connection is finished with either way. */
  void closeQuietly() {
    try {
      close();
    } catch (MessagingException | RuntimeException ignored) {
      // the socket is closed by now
    }
  }
}
