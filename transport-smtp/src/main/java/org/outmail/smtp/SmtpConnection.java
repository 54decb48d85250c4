package org.outmail.smtp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * One SMTP connection, spoken by outmail itself on its socket: commands out, replies in as {@link
 * Reply} values, the server's EHLO extensions, the socket upgraded to TLS after STARTTLS. Every
 * write to the server is watched by the connection's {@link WriteWatchdog}; reads time out after
 * the mailbox's read timeout (the socket's {@code SO_TIMEOUT}). Shared by up to {@code
 * smtp.max-in-flight} senders when it pipelines ({@link Pipelining}, which holds its monitor while
 * it reads and writes), else used by one thread at a time. {@link Connector} opens it (greeting,
 * EHLO, STARTTLS, AUTH); it also knows what the pool asks of it (idle time, whether it answered
 * since it was taken from the pool).
 */
final class SmtpConnection implements ReplyChannel {
  /** After this long idle in the pool, a connection is {@link #stale()} until it answers. */
  static final long STALE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** The longest reply line taken; a longer one ends the connection. */
  private static final int MAX_LINE = 64 * 1024;

  private final Socket tcp;
  private final WriteWatchdog watchdog;
  private final SocketWriter writer;
  private volatile Socket session;
  private InputStream in;
  private byte[] line = new byte[512];
  private @Nullable Reply greeting;
  private Map<String, String> extensions = Map.of();
  private String lastCommand = "greeting";
  private @Nullable String tlsProtocol;
  private @Nullable String authMechanism;
  private long lastUsedNanos = System.nanoTime();
  private volatile boolean unconfirmed;
  private volatile boolean stale;
  private final org.outmail.ServerAddress server;
  private final String serverText;

  /** A connection on a connected TCP socket (the session socket is the TLS one for implicit TLS). */
  SmtpConnection(org.outmail.ServerAddress server, Socket tcp, Socket session, WriteWatchdog watchdog)
      throws IOException {
    this.server = server;
    this.serverText = server.toString();
    this.tcp = tcp;
    this.watchdog = watchdog;
    this.writer = new SocketWriter(watchdog, () -> this.session);
    use(session);
  }

  private void use(Socket s) throws IOException {
    this.session = s;
    this.in = new BufferedInputStream(s.getInputStream(), 8192);
    if (s instanceof SSLSocket ssl) {
      tlsProtocol = ssl.getSession().getProtocol();
    }
  }

  /** {@return the server this connection is open to} */
  org.outmail.ServerAddress server() {
    return server;
  }

  /** {@return the server this connection is open to, as {@code host:port}; made once, not per mail} */
  String serverText() {
    return serverText;
  }

  /** Talks TLS from now on, through {@code tls} layered over the TCP socket (after STARTTLS). */
  void upgraded(SSLSocket tls) throws IOException {
    use(tls);
  }

  /** Starts the write watchdog on the TCP socket; called once the connection is open. */
  void watchWrites(ScheduledExecutorService scheduler) {
    watchdog.watch(tcp, scheduler);
  }

  /** Whether a write stalled for longer than the write timeout (the socket was then closed). */
  boolean writeTimedOut() {
    return watchdog.fired();
  }

  Socket tcpSocket() {
    return tcp;
  }

  /** Reads the greeting; it is kept for the Check. */
  Reply readGreeting() throws IOException {
    lastCommand = "greeting";
    greeting = reply();
    return greeting;
  }

  /**
   * Says EHLO (HELO when the server refuses EHLO) and keeps the extensions it names.
   *
   * @return the reply that ended the exchange: 250, or the refusal of HELO
   */
  Reply hello(String name) throws IOException {
    Reply r = ask("EHLO " + name, "EHLO");
    if (r.code() != 250) {
      extensions = Map.of();
      return r.code() < 0 ? r : ask("HELO " + name, "EHLO");
    }
    Map<String, String> ext = new HashMap<>();
    String[] lines = r.text().split("\n");
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].length() > 4 ? lines[i].substring(4).trim() : "";
      int sp = l.indexOf(' ');
      String key = (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT);
      ext.put(key, sp < 0 ? "" : l.substring(sp + 1).trim());
    }
    extensions = ext;
    return r;
  }

  /** Whether the server named the extension in its EHLO reply. */
  boolean supports(String extension) {
    return extensions.containsKey(extension.toUpperCase(Locale.ROOT));
  }

  /** The parameters the server gave an extension ({@code AUTH PLAIN LOGIN} → {@code PLAIN LOGIN}), or null. */
  @Nullable
  String extension(String extension) {
    return extensions.get(extension.toUpperCase(Locale.ROOT));
  }

  /**
   * Writes one command and reads its reply.
   *
   * @param verb what the command is called where a failure is placed (never its arguments: AUTH
   *     carries credentials)
   */
  Reply ask(String command, String verb) throws IOException {
    lastCommand = verb;
    byte[] b = (command + "\r\n").getBytes(StandardCharsets.UTF_8);
    writer.write(b, 0, b.length);
    return reply();
  }

  /** The command whose reply was awaited last while the connection opened ({@code greeting} before any). */
  String lastCommand() {
    return lastCommand;
  }

  @Override
  public void writeRaw(List<ByteBuffer> pieces) throws IOException {
    writer.write(pieces);
  }

  @Override
  public void writeRaw(byte[] b, int off, int len) throws IOException {
    writer.write(b, off, len);
  }

  /** Writes without flushing: the next flush or {@link #writeRaw} sends it. */
  void writeUnflushed(byte[] b, int off, int len) throws IOException {
    writer.writeUnflushed(b, off, len);
  }

  void flush() throws IOException {
    writer.flush();
  }

  @Override
  public long lastWritten() {
    return writer.lastWritten();
  }

  /**
   * The server's next reply, every line of it: its code, enhanced status and text (lines joined by
   * {@code \n}). At end of stream a reply with code -1.
   *
   * @throws java.net.SocketTimeoutException after the read timeout
   */
  @Override
  public Reply reply() throws IOException {
    StringBuilder text = null;
    String first = null;
    while (true) {
      String l = readLine();
      if (l == null) {
        return Reply.of(-1, null);
      }
      boolean more = l.length() > 3 && l.charAt(3) == '-';
      if (text == null && !more) {
        unconfirmed = false;
        return Reply.of(SmtpText.code(l), l);
      }
      if (text == null) {
        first = l;
        text = new StringBuilder(l);
      } else {
        text.append('\n').append(l);
      }
      if (!more) {
        unconfirmed = false;
        return Reply.of(SmtpText.code(first), text.toString());
      }
    }
  }

  @Override
  public boolean replyWaiting() throws IOException {
    return in.available() > 0;
  }

  /** One line without its CRLF, or null at end of stream. */
  private @Nullable String readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return n == 0 ? null : new String(line, 0, n, StandardCharsets.UTF_8);
      }
      if (b == '\n') {
        if (n > 0 && line[n - 1] == '\r') {
          n--;
        }
        return new String(line, 0, n, StandardCharsets.UTF_8);
      }
      if (n == line.length) {
        if (n >= MAX_LINE) {
          throw new IOException("a reply line of the server is longer than " + MAX_LINE + " bytes");
        }
        line = java.util.Arrays.copyOf(line, n * 2);
      }
      line[n++] = (byte) b;
    }
  }

  /** Closes the socket at once, without QUIT: the connection failed and must carry nothing more. */
  @Override
  public void abort() {
    watchdog.stop();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closed either way
    }
  }

  /** Says {@code QUIT} without waiting for its reply and closes; failures are ignored. */
  void closeQuietly() {
    synchronized (this) {
      try {
        if (!tcp.isClosed()) {
          byte[] quit = {'Q', 'U', 'I', 'T', '\r', '\n'};
          writer.write(quit, 0, quit.length);
        }
      } catch (IOException | RuntimeException ignored) {
        // the socket is closed below either way
      }
    }
    abort();
  }

  /** Whether the server answers {@code NOOP} with 250; a connection that does not is closed. */
  synchronized boolean answersNoop() {
    try {
      if (ask("NOOP", "NOOP").code() == 250) {
        return true;
      }
    } catch (IOException ignored) {
      // not usable
    }
    abort();
    return false;
  }

  /** Whether the connection was taken from the pool and has not answered anything since. */
  @Override
  public boolean unconfirmed() {
    return unconfirmed;
  }

  /** The server's greeting, once received. */
  @Nullable
  Reply greeting() {
    return greeting;
  }

  /** The TLS protocol negotiated ({@code TLSv1.3}), or null without TLS. */
  @Nullable
  String tlsProtocol() {
    return tlsProtocol;
  }

  @Nullable
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
}
