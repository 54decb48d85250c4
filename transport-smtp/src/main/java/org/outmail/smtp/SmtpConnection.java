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
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP connection: Angus Mail's transport, watched so that a failure can be placed (which
 * command was on the wire, whether the final {@code .} had gone out), plus what the pool needs to
 * know about it. Shared by up to {@code smtp.max-in-flight} senders when it pipelines ({@link
 * SendLane}), else used by one thread at a time.
 *
 * <p>Angus keeps the session (greeting, EHLO, TLS, AUTH, replies). A message prepared as wire
 * bytes ({@link PreparedMail#wire()}) bypasses Angus's per-byte content streams: with PIPELINING it goes
 * out through the connection's {@link Pipelining}, else through Angus's {@code sendMessage}, whose
 * {@link #data()} here hands the bytes to the socket in one write. Every write to the server is watched by the
 * connection's {@link WriteWatchdog}.
 */
final class SmtpConnection extends SMTPTransport implements ReplyChannel {
  private static final Set<String> VERBS =
      Set.of("EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", ".", "RSET", "NOOP", "QUIT");

  private String greeting;
  private String lastCommand = "greeting";
  private boolean endOfDataSent;
  private String tlsProtocol;
  private String authMechanism;
  private long lastUsedNanos = System.nanoTime();
  private final WriteWatchdog watchdog;
  private final SocketWriter writer;
  private volatile Socket tcpSocket;
  private volatile Socket sessionSocket;
  private volatile boolean unconfirmed;
  private volatile boolean stale;
  /** After this long idle in the pool, a connection is {@link #stale()} until it answers. */
  static final long STALE_AFTER_IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

  SmtpConnection(Session session, URLName url, WriteWatchdog watchdog) {
    super(session, url);
    this.watchdog = watchdog;
    this.writer = new SocketWriter(watchdog, () -> sessionSocket);
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
   * Sends one transaction through Angus's {@code sendMessage}, each command waiting for its reply
   * (a mail prepared as wire bytes has them written in one call after 354); {@code RSET} first when
   * the server may hold a transaction open. Throws as {@code sendMessage} does; {@code progress}
   * tells how far the transaction got. The caller has the connection to itself.
   */
  void sendCommandByCommand(PreparedMail p, Progress progress, boolean resetFirst) throws MessagingException {
    synchronized (this) {
      progress.unconfirmed(unconfirmed);
      beginMessage();
      try {
        if (resetFirst) {
          issueCommand("RSET", 250);
        }
        sendMessage(p.wire() == null ? p.mime() : new Carrier(session, p.wire(), p.envelopeFrom()), p.envelope());
        progress.reply(getLastServerResponse());
      } finally {
        progress.command(lastCommand);
        progress.endOfDataSent(endOfDataSent);
      }
    }
  }

  /**
   * Writes byte arrays in few writes (small ones gathered, large ones from their own array), then
   * flushes; {@link #lastWritten()} tells how many bytes had reached the socket if it fails.
   */
  @Override
  public void writeRaw(java.util.List<ByteBuffer> pieces) throws IOException {
    writer.write(pieces);
  }

  /** Writes bytes straight to the session's socket, watched by the write watchdog, then flushes. */
  @Override
  public void writeRaw(byte[] b, int off, int len) throws IOException {
    writer.write(b, off, len);
  }

  /** How many bytes of the last {@link #writeRaw} reached the socket. */
  @Override
  public long lastWritten() {
    return writer.lastWritten();
  }

  /** Closes the socket at once, without QUIT: the connection failed and must carry nothing more. */
  @Override
  public void abort() {
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
  @Override
  public boolean unconfirmed() {
    return unconfirmed;
  }

  /** The next reply of the server (Angus's {@code readServerResponse}); -1 at end of stream. */
  @Override
  public int reply() throws MessagingException {
    return readServerResponse();
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
  @Override
  public boolean stale() {
    return stale && unconfirmed;
  }

  /**
   * The content stream of one message: Angus's dot-stuffing stream with every write watched; a
   * {@link Carrier} writes its prepared bytes with {@link #writeWire}.
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

  /**
   * Carries wire bytes through Angus's {@code sendMessage} (a server without PIPELINING): Angus
   * sends MAIL, RCPT and DATA, this writes the content (without the final dot, which Angus sends)
   * straight to the socket through {@link DataStream}.
   */
  static final class Carrier extends SMTPMessage {
    private final byte[] wire;

    Carrier(Session session, byte[] wire, String envelopeFrom) {
      super(session);
      this.wire = wire;
      setEnvelopeFrom(envelopeFrom);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
      if (!(os instanceof DataStream data)) {
        throw new IOException("prepared wire bytes are written by SmtpConnection only");
      }
      data.writeWire(wire, 0, wire.length - 3);
    }
  }
}
