package org.outmail.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server on 127.0.0.1 that does what a test tells it: answer a chosen command with a
 * chosen reply, stall, drop the connection, offer STARTTLS, PIPELINING or CHUNKING or not, speak
 * implicit TLS. As Postfix, it refuses a MAIL FROM while a transaction is open ({@code 503 nested
 * MAIL command}), and keeps the transaction open after refusing DATA or BDAT for want of a recipient. It records what it saw (connections, commands and how they arrived in batches, AUTH
 * mechanisms, messages as raw bytes).
 */
final class ScriptedSmtpServer implements AutoCloseable {
  /** What to do at a command instead of the normal reply. */
  record Action(String reply, boolean stall, boolean drop, long delayMillis) {
    Action(String reply, boolean stall, boolean drop) {
      this(reply, stall, drop, 0);
    }

    static Action reply(String reply) {
      return new Action(reply, false, false);
    }

    /** The normal reply, after a pause: lets a client's next commands arrive before it. */
    static Action delay(Duration pause) {
      return new Action(null, false, false, pause.toMillis());
    }

    /** The normal reply, as if nothing were scripted: to script a later occurrence of a command. */
    static Action normal() {
      return new Action(null, false, false);
    }

    static Action stallForever() {
      return new Action(null, true, false);
    }

    static Action dropConnection() {
      return new Action(null, false, true);
    }

    /** At DATA: answers 354, then reads nothing more (the client's writes fill the socket buffers). */
    static Action acceptDataThenStopReading() {
      return new Action("354 End data with <CR><LF>.<CR><LF>", true, false);
    }
  }

  /**
   * A message as received: envelope and the raw bytes between DATA and the final dot (dot-stuffed as
   * they came), or of its BDAT chunks (as they came: never dot-stuffed).
   */
  record Received(String mailFrom, List<String> recipients, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /** An AUTH exchange: the mechanism, the user and the secret presented. */
  record Auth(String mechanism, String user, String secret) {}

  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Map<String, Queue<Action>> script = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger quits = new AtomicInteger();
  private final AtomicInteger noops = new AtomicInteger();
  private final AtomicInteger commandsAfterContent = new AtomicInteger();
  private final AtomicInteger commandsBeforeEndReply = new AtomicInteger();
  private final AtomicInteger mostTransactionsInFlight = new AtomicInteger();
  /** MAIL FROM's replies wait until this many transactions were in flight once (0: they do not). */
  private volatile int holdMailUntilInFlight;
  private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final List<Auth> auths = Collections.synchronizedList(new ArrayList<>());
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile SSLContext tls;
  private volatile boolean implicitTls;
  private volatile boolean offerStartTls;
  private volatile boolean offerPipelining;
  private volatile boolean offerChunking;
  private volatile String authMechanisms = "PLAIN LOGIN XOAUTH2";
  private volatile Function<Auth, String> authReply = a -> "235 2.7.0 Authentication successful";
  private volatile Function<String, String> rcptReply = a -> "250 2.1.5 Ok";
  private volatile CountDownLatch endOfDataBarrier;
  private volatile int recipientLimit = Integer.MAX_VALUE;
  private volatile String recipientLimitReply;
  private final List<Integer> rcptsPerTransaction = Collections.synchronizedList(new ArrayList<>());

  ScriptedSmtpServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(this::acceptLoop, "scripted-smtp-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Serves STARTTLS (when offered) or implicit TLS with the key and certificate of a PKCS12 file. */
  ScriptedSmtpServer tls(Path p12) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    this.tls = ctx;
    return this;
  }

  ScriptedSmtpServer offerStartTls() {
    this.offerStartTls = true;
    return this;
  }

  /** Offers PIPELINING (RFC 2920) in EHLO. */
  ScriptedSmtpServer offerPipelining() {
    this.offerPipelining = true;
    return this;
  }

  /** Offers CHUNKING (RFC 3030, BDAT) in EHLO; a chunk's last reply is scripted at {@code .} as DATA's final dot is. */
  ScriptedSmtpServer offerChunking() {
    this.offerChunking = true;
    return this;
  }

  ScriptedSmtpServer implicitTls() {
    this.implicitTls = true;
    return this;
  }

  /** The mechanisms EHLO offers, or null for no AUTH at all. */
  ScriptedSmtpServer authMechanisms(String mechanisms) {
    this.authMechanisms = mechanisms;
    return this;
  }

  ScriptedSmtpServer authReply(Function<Auth, String> reply) {
    this.authReply = reply;
    return this;
  }

  ScriptedSmtpServer rcptReply(Function<String, String> reply) {
    this.rcptReply = reply;
    return this;
  }

  /**
   * Accepts at most {@code limit} recipients per transaction, as Postfix's {@code
   * smtpd_recipient_limit}: each RCPT beyond them is answered with {@code reply} (e.g. {@code 452
   * 4.5.3 Error: too many recipients}).
   */
  ScriptedSmtpServer recipientLimit(int limit, String reply) {
    this.recipientLimit = limit;
    this.recipientLimitReply = reply;
    return this;
  }

  /** How many RCPT commands each transaction (MAIL FROM to DATA, RSET or the next MAIL) carried, in order. */
  List<Integer> rcptsPerTransaction() {
    synchronized (rcptsPerTransaction) {
      return List.copyOf(rcptsPerTransaction);
    }
  }

  /**
   * Queues actions for a command ({@code CONNECT} for the greeting, {@code MAIL}, {@code RCPT},
   * {@code DATA}, {@code .} after the message data, ...): each occurrence takes the next one; when
   * none is left the command is answered normally.
   */
  ScriptedSmtpServer at(String command, Action... actions) {
    script.computeIfAbsent(command, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(actions));
    return this;
  }

  /** Holds the reply to each final dot until this many sessions are waiting for theirs. */
  ScriptedSmtpServer holdEndOfDataUntil(int sessions) {
    this.endOfDataBarrier = new CountDownLatch(sessions);
    return this;
  }

  int connections() {
    return connections.get();
  }

  int quits() {
    return quits.get();
  }

  int noops() {
    return noops.get();
  }

  /** How many times a message's content (after DATA) arrived with the next commands already behind it. */
  int commandsAfterContent() {
    return commandsAfterContent.get();
  }

  /**
   * How many times the client's next commands were waiting when the server answered the end of a
   * message's content (after any scripted pause there).
   */
  int commandsBeforeEndReply() {
    return commandsBeforeEndReply.get();
  }

  /**
   * The most transactions the client had in flight on one connection, as far as the server could
   * see: at each {@code MAIL FROM} and each end of a message's content, before answering it, the
   * transaction being answered and every {@code MAIL FROM} already waiting behind it (the client
   * wrote them without having that reply, so all of them were in flight at once).
   */
  /**
   * Holds the replies to {@code MAIL FROM} until the client has had this many transactions in flight
   * once (the one answered and those written behind it, read ahead): each reply waits while more
   * arrive, until the count is reached or nothing more came for half a second (4 s at most), so that
   * what a client may write before a reply is all there when it is counted, however slowly its
   * threads come.
   */
  ScriptedSmtpServer holdMailUntilInFlight(int transactions) {
    this.holdMailUntilInFlight = transactions;
    return this;
  }

  int mostTransactionsInFlight() {
    return mostTransactionsInFlight.get();
  }

  List<String> commands() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  /**
   * The commands as they arrived: a batch is the commands that were already waiting when the first
   * of them was read (pipelined), each command on its own when the client waited for the reply.
   */
  List<List<String>> batches() {
    synchronized (batches) {
      return batches.stream().map(List::copyOf).toList();
    }
  }

  List<Auth> auths() {
    synchronized (auths) {
      return List.copyOf(auths);
    }
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Closes every open client connection from the server side, as a server's idle timeout does. */
  void dropAllConnections() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  /** Waits until the condition holds, polling; fails after a few seconds. */
  static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() throws IOException {
    closing.countDown();
    server.close();
    dropAllConnections();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true); // each reply leaves at once, not after the client's delayed ACK
        connections.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> session(s), "scripted-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private Action next(String command) {
    Queue<Action> q = script.get(command);
    Action a = q == null ? null : q.poll();
    if (a != null && a.delayMillis() > 0) {
      try {
        Thread.sleep(a.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
    return a == null || (a.reply() == null && !a.stall() && !a.drop()) ? null : a; // normal(): as if unscripted
  }

  private void session(Socket plain) {
    Socket s = plain;
    try {
      if (implicitTls) {
        s = upgrade(plain);
      }
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      if (!act(next("CONNECT"), out, "220 scripted.test ESMTP ready")) {
        return;
      }
      boolean secure = implicitTls;
      String mailFrom = null;
      List<String> rcpts = new ArrayList<>();
      ByteArrayOutputStream chunks = new ByteArrayOutputStream();
      List<String> batch = null;
      while (true) {
        String line = readLine(in);
        if (line == null) {
          return;
        }
        line = line.stripTrailing();
        String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        String seen = verb.equals("AUTH") ? "AUTH " + line.split(" ")[1].toUpperCase(Locale.ROOT) : line;
        commands.add(seen);
        if (batch == null) {
          batch = Collections.synchronizedList(new ArrayList<>());
          batches.add(batch);
        }
        batch.add(seen);
        byte[] chunk = null;
        if (verb.equals("BDAT")) {
          chunk = in.readNBytes(Integer.parseInt(line.split(" ")[1]));
        }
        if (in.available() == 0) {
          batch = null; // the client sent nothing more: it waits for a reply
        }
        Action action = next(verb);
        if (verb.equals("MAIL")) {
          int hold = holdMailUntilInFlight;
          if (hold > 0) {
            awaitInFlight(in, hold);
          }
          countInFlight(in);
          rcptsPerTransaction.add(0);
        } else if (verb.equals("RCPT") && !rcptsPerTransaction.isEmpty()) {
          synchronized (rcptsPerTransaction) {
            int last = rcptsPerTransaction.size() - 1;
            rcptsPerTransaction.set(last, rcptsPerTransaction.get(last) + 1);
          }
        }
        if (action != null && verb.equals("MAIL")) {
          mailFrom = null; // a scripted reply to MAIL refuses the sender
        }
        if (action != null) {
          if (!act(action, out, null)) {
            return;
          }
          continue;
        }
        switch (verb) {
          case "EHLO" -> {
            List<String> ext = new ArrayList<>(List.of("scripted.test greets you", "8BITMIME", "SIZE 0"));
            if (offerStartTls && !secure) {
              ext.add("STARTTLS");
            }
            if (offerPipelining) {
              ext.add("PIPELINING");
            }
            if (offerChunking) {
              ext.add("CHUNKING");
            }
            if (authMechanisms != null) {
              ext.add("AUTH " + authMechanisms);
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ext.size(); i++) {
              sb.append(i == ext.size() - 1 ? "250 " : "250-").append(ext.get(i)).append("\r\n");
            }
            write(out, sb.toString());
          }
          case "HELO" -> write(out, "250 scripted.test\r\n");
          case "STARTTLS" -> {
            write(out, "220 2.0.0 Ready to start TLS\r\n");
            s = upgrade(s);
            in = new BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
            secure = true;
          }
          case "AUTH" -> {
            Auth auth = readAuth(line, in, out);
            auths.add(auth);
            write(out, authReply.apply(auth) + "\r\n");
          }
          case "MAIL" -> {
            if (mailFrom != null) {
              write(out, "503 5.5.1 Error: nested MAIL command\r\n");
              continue;
            }
            mailFrom = line.substring(line.indexOf(':') + 1).trim();
            chunks.reset();
            rcpts.clear();
            write(out, "250 2.1.0 Ok\r\n");
          }
          case "RCPT" -> {
            if (mailFrom == null) {
              write(out, "503 5.5.1 Error: need MAIL command\r\n");
              continue;
            }
            String address = line.substring(line.indexOf(':') + 1).trim().replaceAll("[<>]", "");
            String reply = rcpts.size() >= recipientLimit ? recipientLimitReply : rcptReply.apply(address);
            if (reply.startsWith("2")) {
              rcpts.add(address);
            }
            write(out, reply + "\r\n");
          }
          case "DATA" -> {
            // as Postfix: no DATA without a sender and an accepted recipient (RFC 2920: the client
            // sent DATA before it knew)
            if (mailFrom == null || rcpts.isEmpty()) {
              write(out,
                  (mailFrom == null ? "503 5.5.1 Error: need MAIL command" : "554 5.5.1 Error: no valid recipients")
                      + "\r\n");
              continue;
            }
            write(out, "354 End data with <CR><LF>.<CR><LF>\r\n");
            byte[] data = readData(in);
            if (in.available() > 0) {
              commandsAfterContent.incrementAndGet(); // the next commands came with the content
            }
            Received r = new Received(mailFrom, List.copyOf(rcpts), data);
            mailFrom = null;
            if (!endOfData(r, in, out)) {
              return;
            }
          }
          case "BDAT" -> {
            if (mailFrom == null || rcpts.isEmpty()) {
              write(out,
                  (mailFrom == null ? "503 5.5.1 Error: need MAIL command" : "554 5.5.1 Error: no valid recipients")
                      + "\r\n");
              continue;
            }
            chunks.write(chunk);
            if (!line.toUpperCase(Locale.ROOT).endsWith(" LAST")) {
              write(out, "250 2.0.0 Ok: " + chunk.length + " bytes\r\n");
              continue;
            }
            Received r = new Received(mailFrom, List.copyOf(rcpts), chunks.toByteArray());
            mailFrom = null;
            if (!endOfData(r, in, out)) {
              return;
            }
          }
          case "RSET" -> {
            mailFrom = null;
            rcpts.clear();
            write(out, "250 2.0.0 Ok\r\n");
          }
          case "NOOP" -> {
            noops.incrementAndGet();
            write(out, "250 2.0.0 Ok\r\n");
          }
          case "QUIT" -> {
            quits.incrementAndGet();
            write(out, "221 2.0.0 Bye\r\n");
            return;
          }
          default -> write(out, "502 5.5.2 Error: command not recognized\r\n");
        }
      }
    } catch (Exception e) {
      // the client went away, or a TLS handshake failed: the session ends
    } finally {
      try {
        s.close();
        plain.close();
      } catch (IOException ignored) {
        // closed
      }
      sockets.remove(plain);
    }
  }

  /** Answers the end of a message's content (DATA's final dot, the last BDAT chunk); false when the session must end. */
  private boolean endOfData(Received r, InputStream in, OutputStream out) throws IOException, InterruptedException {
    Action end = next(".");
    countInFlight(in);
    CountDownLatch barrier = endOfDataBarrier;
    if (barrier != null) {
      barrier.countDown();
      barrier.await(10, TimeUnit.SECONDS);
    }
    if (in.available() > 0) {
      commandsBeforeEndReply.incrementAndGet(); // the client wrote on before it had this reply
    }
    if (end != null) {
      if (end.reply() != null && end.reply().startsWith("2")) {
        received.add(r);
      }
      return act(end, out, null);
    }
    received.add(r);
    write(out, "250 2.0.0 Ok: queued as " + received.size() + "\r\n");
    return true;
  }

  /**
   * Records the transaction being answered and the {@code MAIL FROM}s waiting behind it, read
   * ahead without consuming them.
   */
  private void countInFlight(InputStream in) throws IOException {
    int mails = 1 + mailsAhead(in);
    mostTransactionsInFlight.accumulateAndGet(mails, Math::max);
  }

  /** Waits while more transactions arrive, until {@code transactions} are in flight (see {@link #holdMailUntilInFlight}). */
  private void awaitInFlight(InputStream in, int transactions) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    int seen = mailsAhead(in);
    long quietSince = System.nanoTime();
    while (1 + seen < transactions && System.nanoTime() < deadline
        && System.nanoTime() - quietSince < Duration.ofMillis(500).toNanos()) {
      Thread.sleep(5);
      int now = mailsAhead(in);
      if (now > seen) {
        seen = now;
        quietSince = System.nanoTime();
      }
    }
    if (1 + seen >= transactions) {
      holdMailUntilInFlight = 0; // reached once: the replies go at once from now on
    }
  }

  /** The {@code MAIL FROM}s the client wrote behind the command being answered, read ahead. */
  private static int mailsAhead(InputStream in) throws IOException {
    int n = in.available();
    int mails = 0;
    if (n > 0) {
      in.mark(n);
      String ahead = new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
      in.reset();
      for (int i = ahead.indexOf("MAIL FROM:"); i >= 0; i = ahead.indexOf("MAIL FROM:", i + 1)) {
        if (i == 0 || ahead.charAt(i - 1) == '\n') {
          mails++;
        }
      }
    }
    return mails;
  }

  /** Performs an action; false when the session must end. */
  private boolean act(Action action, OutputStream out, String normal) throws IOException, InterruptedException {
    if (action == null) {
      write(out, normal + "\r\n");
      return true;
    }
    if (action.drop()) {
      return false;
    }
    if (action.stall()) {
      if (action.reply() != null) {
        write(out, action.reply() + "\r\n");
      }
      closing.await(30, TimeUnit.SECONDS);
      return false;
    }
    write(out, action.reply() + "\r\n");
    return !action.reply().startsWith("421");
  }

  private Auth readAuth(String line, InputStream in, OutputStream out) throws IOException {
    String[] parts = line.split(" ");
    String mechanism = parts[1].toUpperCase(Locale.ROOT);
    switch (mechanism) {
      case "PLAIN" -> {
        String ir = parts.length > 2 ? parts[2] : null;
        if (ir == null) {
          write(out, "334 \r\n");
          ir = readLine(in).trim();
        }
        String[] f = decode(ir).split("\u0000", -1);
        return new Auth(mechanism, f[1], f[2]);
      }
      case "LOGIN" -> {
        write(out, "334 VXNlcm5hbWU6\r\n");
        String user = decode(readLine(in).trim());
        write(out, "334 UGFzc3dvcmQ6\r\n");
        return new Auth(mechanism, user, decode(readLine(in).trim()));
      }
      case "XOAUTH2" -> {
        String[] f = decode(parts[2]).split("\u0001");
        return new Auth(mechanism, f[0].substring("user=".length()), f[1].substring("auth=Bearer ".length()));
      }
      default -> {
        return new Auth(mechanism, null, null);
      }
    }
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private Socket upgrade(Socket s) throws IOException {
    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", s.getPort(), true);
    ssl.setUseClientMode(false);
    ssl.startHandshake();
    return ssl;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A line without its CRLF, as text; null at end of stream. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      buf.write(b);
      if (b == '\n') {
        break;
      }
    }
    if (b == -1 && buf.size() == 0) {
      return null;
    }
    return buf.toString(StandardCharsets.UTF_8).replaceAll("\r?\n$", "");
  }

  /** The raw bytes up to the CRLF.CRLF terminator (excluded), dot-stuffing left as it is. */
  private static byte[] readData(InputStream in) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    byte[] end = {'\r', '\n', '.', '\r', '\n'};
    int matched = 2; // the data starts at the beginning of a line, as if after a CRLF
    int b;
    while ((b = in.read()) != -1) {
      data.write(b);
      if (b == end[matched]) {
        matched++;
        if (matched == end.length) {
          byte[] all = data.toByteArray();
          int keep = Math.max(0, all.length - 3); // drop ".\r\n"; keep the last line's CRLF
          byte[] out = new byte[keep];
          System.arraycopy(all, 0, out, 0, keep);
          return out;
        }
      } else {
        matched = b == '\r' ? 1 : 0;
      }
    }
    throw new IOException("connection closed during DATA");
  }
}
