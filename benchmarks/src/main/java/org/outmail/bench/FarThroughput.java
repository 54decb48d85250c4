package org.outmail.bench;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.smtp.SmtpOptions;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * A burst of N 1 KB mails to a far server over one connection: the server is reached through a
 * {@link LatencyProxy} that adds a fixed delay each way, and each client's time per mail and mails
 * per second are printed side by side. After each client, the mails the server received for that
 * client are counted (each client's mails go to a recipient of its own), and the connections the
 * proxy accepted for it.
 *
 * <pre>
 * java -cp benchmarks.jar org.outmail.bench.FarThroughput --port PROXY_PORT --server postfix \
 *     [--count 500] [--seconds 60] [--warmup 16] [--clients outmail-burst,angus,...] \
 *     [--count-file maillog --count-match status=sent] [--proxy-log connections.log] [--out results.tsv] \
 *     [--max-in-flight 8]
 * java -cp benchmarks.jar org.outmail.bench.FarThroughput --table results.tsv [--rtt-ms 20] [--target-ms 11]
 * </pre>
 *
 * {@code --count-file} is where the server notes each mail (Postfix's log, {@code smtp-sink -D}'s
 * dump): a mail is counted for each line that holds its recipient in angle brackets and, if given,
 * the {@code --count-match} text. Every run ends after {@code --count} mails or {@code --seconds},
 * whichever comes first, after {@code --warmup} mails on the same connection (not measured).
 * {@code --max-in-flight} sets {@code SmtpOptions.maxInFlight} for every outmail client but
 * {@code outmail-previous} (the library's default, 8, when absent); the bursts then run on twice
 * that many async threads (the pool lets twice the window of senders share a connection).
 */
public final class FarThroughput {
  static final String FROM = Throughput.FROM;

  /** The clients compared. */
  enum Client {
    OUTMAIL_BURST("outmail-burst",
        "outmail, `sendAsync` burst (async threads: twice the window), 1 connection, defaults (pipelining, chunking, 8 in flight unless `--max-in-flight`)"), OUTMAIL_8THREADS(
            "outmail-8threads",
            "outmail, 8 threads calling `send`, 1 connection, defaults"), OUTMAIL_DATA("outmail-data",
                "outmail, `sendAsync` burst (async threads: twice the window), 1 connection, chunking off (pipelined DATA)"), OUTMAIL_PREVIOUS(
                    "outmail-previous",
                    "outmail, 1 thread, 1 connection, chunking off, 1 in flight (the former mode)"), OUTMAIL_1THREAD(
                        "outmail-1thread", "outmail, 1 thread calling `send`, 1 connection, defaults"), ANGUS("angus",
                            "Angus Mail, 1 persistent `Transport`, TCP_NODELAY, 1 thread"), SPRING("spring",
                                "Spring `JavaMailSenderImpl.send(MimeMessage)`, 1 thread (a connection per mail)");

    static final String ALL = "outmail-burst,outmail-8threads,outmail-data,outmail-previous,outmail-1thread,angus,spring";

    final String key;
    final String description;

    Client(String key, String description) {
      this.key = key;
      this.description = description;
    }

    static Client of(String key) {
      for (Client c : values()) {
        if (c.key.equals(key)) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown client " + key + "; clients: " + ALL);
    }
  }

  /** One measured burst. */
  record Run(String server, Client client, int sent, double seconds, int counted, int connections,
      @Nullable String error) {
    double msPerMail() {
      return sent == 0 ? 0 : seconds * 1000 / sent;
    }

    double rate() {
      return seconds == 0 ? 0 : sent / seconds;
    }

    String line() {
      return String.format(Locale.ROOT,
          "far\tserver=%s\tclient=%s\tsent=%d\tsecs=%.3f\tms_per_mail=%.2f\trate=%.1f\tcounted=%d\tconnections=%d%s",
          server, client.key, sent, seconds, msPerMail(), rate(), counted, connections,
          error == null ? "" : "\terror=" + error.replaceAll("[\t\r\n]", " "));
    }
  }

  /** Sends mail number i; one per sending thread. */
  interface Sender {
    void send(int i) throws Exception;
  }

  private final String host;
  private final int port;
  private final String server;
  private final int count;
  private final Duration cap;
  private final int warmup;
  private final @Nullable Path countFile;
  private final String countMatch;
  private final @Nullable Path proxyLog;
  /** {@code SmtpOptions.maxInFlight} for the outmail clients; 0: the library's default. */
  private int maxInFlight;
  private final String body = Throughput.body(1024);
  private final String nonce = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  FarThroughput(String host, int port, String server, int count, Duration cap, int warmup, @Nullable Path countFile,
      String countMatch, @Nullable Path proxyLog) {
    this.host = host;
    this.port = port;
    this.server = server;
    this.count = count;
    this.cap = cap;
    this.warmup = warmup;
    this.countFile = countFile;
    this.countMatch = countMatch;
    this.proxyLog = proxyLog;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = Throughput.options(args);
    if (opt.containsKey("table")) {
      List<String> lines = Files.readAllLines(Path.of(opt.get("table")), StandardCharsets.UTF_8);
      printTable(System.out, lines, Double.parseDouble(opt.getOrDefault("rtt-ms", "20")),
          Double.parseDouble(opt.getOrDefault("target-ms", "11")));
      return;
    }
    String host = opt.getOrDefault("host", "127.0.0.1");
    int port = Integer.parseInt(Throughput.req(opt, "port"));
    String server = opt.getOrDefault("server", "server");
    int count = Integer.parseInt(opt.getOrDefault("count", "500"));
    Duration cap = Duration.ofMillis((long) (Double.parseDouble(opt.getOrDefault("seconds", "60")) * 1000));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "16"));
    Path countFile = opt.containsKey("count-file") ? Path.of(opt.get("count-file")) : null;
    Path proxyLog = opt.containsKey("proxy-log") ? Path.of(opt.get("proxy-log")) : null;
    FarThroughput far = new FarThroughput(host, port, server, count, cap, warmup, countFile,
        opt.getOrDefault("count-match", ""), proxyLog);
    if (opt.containsKey("max-in-flight")) {
      far.maxInFlight(Integer.parseInt(opt.get("max-in-flight")));
    }
    List<String> lines = new ArrayList<>();
    lines.add(far.probe());
    System.err.println("  " + lines.get(0));
    for (String k : opt.getOrDefault("clients", Client.ALL).split(",")) {
      Run run = far.measure(Client.of(k.strip()));
      System.err.println("  " + run.line());
      lines.add(run.line());
    }
    if (opt.containsKey("out")) {
      Files.write(Path.of(opt.get("out")), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    printTable(System.out, lines, Double.parseDouble(opt.getOrDefault("rtt-ms", "20")),
        Double.parseDouble(opt.getOrDefault("target-ms", "11")));
  }

  /** Sets {@code SmtpOptions.maxInFlight} for the outmail clients (but {@code outmail-previous}). */
  void maxInFlight(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("--max-in-flight must be at least 1, not " + n);
    }
    this.maxInFlight = n;
  }

  /** The builder of every outmail client: one connection, and the window if one was given. */
  private SmtpOptions.Builder oneConnection() {
    SmtpOptions.Builder o = SmtpOptions.builder().maxConnections(1);
    if (maxInFlight > 0) {
      o.maxInFlight(maxInFlight);
    }
    return o;
  }

  /** The async threads of a burst: twice the window, as many senders as may share the connection. */
  private int burstThreads() {
    return 2 * (maxInFlight > 0 ? maxInFlight : SmtpOptions.builder().build().maxInFlight());
  }

  /**
   * What the server offers and what a round trip through the proxy costs: greeting, EHLO, five
   * NOOPs (the median is kept), QUIT, on a connection of its own.
   */
  String probe() {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.setSoTimeout(10_000);
      s.connect(new InetSocketAddress(host, port), 10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      long t0 = System.nanoTime();
      String greeting = reply(in).get(0);
      double greetingMs = (System.nanoTime() - t0) / 1e6;
      out.write("EHLO bench.localhost\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> ehlo = reply(in);
      List<String> keywords = new ArrayList<>();
      for (String l : ehlo.subList(1, ehlo.size())) {
        keywords.add(l.substring(4).split(" ")[0].toUpperCase(Locale.ROOT));
      }
      double[] noop = new double[5];
      for (int i = 0; i < noop.length; i++) {
        long n0 = System.nanoTime();
        out.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        reply(in);
        noop[i] = (System.nanoTime() - n0) / 1e6;
      }
      Arrays.sort(noop);
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      reply(in);
      return String.format(Locale.ROOT, "probe\tserver=%s\tgreeting=%s\tgreeting_ms=%.1f\tehlo=%s\tnoop_ms=%.2f",
          server, greeting.substring(4).replaceAll("[\t\r\n]", " "), greetingMs, String.join(" ", keywords), noop[2]);
    } catch (IOException | RuntimeException e) {
      return "probe\tserver=" + server + "\terror=" + e.toString().replaceAll("[\t\r\n]", " ");
    }
  }

  private static List<String> reply(BufferedReader in) throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String l = in.readLine();
      if (l == null) {
        throw new IOException("the server closed the connection; so far: " + lines);
      }
      lines.add(l);
      if (l.length() < 4 || l.charAt(3) != '-') {
        return lines;
      }
    }
  }

  Run measure(Client client) {
    String rcpt = "rcpt-" + client.key + "-" + nonce + "@example.org";
    String warmRcpt = "warmup-" + client.key + "-" + nonce + "@example.org";
    int conn0 = proxyConnections();
    int sent = 0;
    double secs = 0;
    String error = null;
    try {
      switch (client) {
        case OUTMAIL_BURST, OUTMAIL_DATA -> {
          SmtpOptions.Builder o = oneConnection();
          if (client == Client.OUTMAIL_DATA) {
            o.chunking(false);
          }
          try (MailboxRegistry registry = outmail(o.build(), burstThreads())) {
            OutgoingMailer mailer = registry.defaultOutgoing();
            warm(() -> burst(mailer, warmRcpt, warmup, cap));
            long[] r = burst(mailer, rcpt, count, cap);
            sent = (int) r[0];
            secs = r[1] / 1e9;
          }
        }
        case OUTMAIL_8THREADS, OUTMAIL_1THREAD, OUTMAIL_PREVIOUS -> {
          SmtpOptions.Builder o = oneConnection();
          if (client == Client.OUTMAIL_PREVIOUS) {
            o.chunking(false).maxInFlight(1);
          }
          int threads = client == Client.OUTMAIL_8THREADS ? 8 : 1;
          try (MailboxRegistry registry = outmail(o.build(), 4)) {
            OutgoingMailer mailer = registry.defaultOutgoing();
            warm(() -> loop(threads, i -> mailer.send(email(warmRcpt, i)), warmup, cap));
            long[] r = loop(threads, i -> mailer.send(email(rcpt, i)), count, cap);
            sent = (int) r[0];
            secs = r[1] / 1e9;
          }
        }
        case ANGUS -> {
          // exactly Throughput's angus-nodelay: its properties and socket factory
          Properties props = new Throughput(host, port, 0, null, count, cap, Duration.ZERO).angusProperties(false,
              true);
          Session session = Session.getInstance(props);
          Transport transport = session.getTransport("smtp");
          transport.connect();
          try {
            warm(() -> loop(1, i -> {
              MimeMessage m = mime(session, warmRcpt, i);
              transport.sendMessage(m, m.getAllRecipients());
            }, warmup, cap));
            long[] r = loop(1, i -> {
              MimeMessage m = mime(session, rcpt, i);
              transport.sendMessage(m, m.getAllRecipients());
            }, count, cap);
            sent = (int) r[0];
            secs = r[1] / 1e9;
          } finally {
            transport.close();
          }
        }
        case SPRING -> {
          JavaMailSenderImpl sender = spring();
          warm(() -> loop(1, i -> sender.send(springMessage(sender, warmRcpt, i)), warmup, cap));
          long[] r = loop(1, i -> sender.send(springMessage(sender, rcpt, i)), count, cap);
          sent = (int) r[0];
          secs = r[1] / 1e9;
        }
        default -> throw new IllegalStateException(client.toString());
      }
    } catch (Exception e) {
      error = e.toString();
      if (e instanceof PartialException p) {
        sent = p.sent;
        secs = p.nanos / 1e9;
        error = String.valueOf(p.getCause());
      }
    }
    int connections = proxyConnections() - conn0;
    int counted = awaitCount(rcpt, sent);
    return new Run(server, client, sent, secs, counted, connections, error);
  }

  /** What a warm-up runs. */
  interface Phase {
    long[] run() throws PartialException;
  }

  /** Runs a warm-up; its failure fails the run, with nothing measured. */
  private static void warm(Phase phase) {
    try {
      phase.run();
    } catch (PartialException e) {
      throw new IllegalStateException("warm-up failed after " + e.sent + " mails: " + e.getCause(), e.getCause());
    }
  }

  /** A failure after some mails were sent: how many, and in how long. */
  static final class PartialException extends Exception {
    private static final long serialVersionUID = 1L;
    final int sent;
    final long nanos;

    PartialException(int sent, long nanos, Throwable cause) {
      super(cause);
      this.sent = sent;
      this.nanos = nanos;
    }
  }

  /**
   * Submits {@code n} mails at once with {@code sendAsync} and waits for all of them, or until the
   * cap; then the registry is closed by the caller, which fails the sends still queued.
   *
   * @return the mails sent and the nanoseconds from the first submit to the last mail sent
   */
  private long[] burst(OutgoingMailer mailer, String rcpt, int n, Duration cap) throws PartialException {
    AtomicInteger ok = new AtomicInteger();
    AtomicLong last = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    long deadline = t0 + cap.toNanos();
    List<CompletableFuture<?>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(mailer.sendAsync(email(rcpt, i)).whenComplete((r, x) -> {
        if (x == null) {
          ok.incrementAndGet();
          last.accumulateAndGet(System.nanoTime(), Math::max);
        } else {
          failure.compareAndSet(null, x);
        }
      }));
    }
    for (CompletableFuture<?> f : futures) {
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        break; // the cap: what is sent by now counts
      } catch (ExecutionException e) {
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    long nanos = Math.max(0, last.get() - t0);
    if (failure.get() != null) {
      throw new PartialException(ok.get(), nanos, failure.get());
    }
    return new long[] {ok.get(), nanos};
  }

  /**
   * {@code threads} threads, each sending until {@code n} mails in all or the cap.
   *
   * @return the mails sent and the nanoseconds it took
   */
  private static long[] loop(int threads, Sender sender, int n, Duration cap) throws PartialException {
    AtomicInteger tickets = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    long deadline = t0 + cap.toNanos();
    List<Thread> list = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      list.add(new Thread(() -> {
        try {
          while (failure.get() == null && System.nanoTime() < deadline) {
            int i = tickets.getAndIncrement();
            if (i >= n) {
              break;
            }
            sender.send(i);
            done.incrementAndGet();
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }, "far-sender-" + k));
    }
    list.forEach(Thread::start);
    for (Thread t : list) {
      try {
        t.join(cap.toMillis() + 60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        failure.compareAndSet(null, new IllegalStateException("a send hung for more than 60 s"));
        t.interrupt();
      }
    }
    long nanos = System.nanoTime() - t0;
    if (failure.get() != null) {
      throw new PartialException(done.get(), nanos, failure.get());
    }
    return new long[] {done.get(), nanos};
  }

  private MailboxRegistry outmail(SmtpOptions options, int asyncThreads) {
    Mailbox mailbox = Mailbox.builder("far")
        .name("Far server")
        .emailDisplay(FROM)
        .displayName("Benchmark")
        .protocol("smtp")
        .host(host)
        .port(port)
        .encryption(Encryption.NONE)
        .prefix("TICKET#")
        .options(options)
        .defaultOutgoing(true)
        .build();
    return MailboxRegistry.builder().mailbox(mailbox).asyncThreads(asyncThreads).build();
  }

  private Email email(String rcpt, int i) {
    return Email.builder()
        .to(rcpt)
        .subject("Benchmark message " + i)
        .recordId(Integer.toString(i))
        .text(body)
        .build();
  }

  @SuppressWarnings("JavaUtilDate") // Jakarta Mail's Date header takes a Date
  private MimeMessage mime(Session session, String rcpt, int i) throws Exception {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(FROM, "Benchmark", "UTF-8"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
    m.setSubject("[TICKET#" + i + "] Benchmark message " + i, "UTF-8");
    m.setSentDate(new Date());
    m.setText(body, "UTF-8");
    m.saveChanges();
    return m;
  }

  /**
   * Spring's sender as an application configures it ({@code spring.mail.host}, {@code port} and
   * the usual timeouts): a connection per {@code send}, the JVM's default socket (Nagle on).
   */
  private JavaMailSenderImpl spring() {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setHost(host);
    sender.setPort(port);
    Properties p = new Properties();
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "10000");
    // the EHLO name, as for Angus: no lookup of this host's name is measured
    p.put("mail.smtp.localhost", "bench.localhost");
    sender.setJavaMailProperties(p);
    return sender;
  }

  private MimeMessage springMessage(JavaMailSenderImpl sender, String rcpt, int i) throws Exception {
    MimeMessage m = sender.createMimeMessage();
    MimeMessageHelper h = new MimeMessageHelper(m, "UTF-8");
    h.setFrom(FROM, "Benchmark");
    h.setTo(rcpt);
    h.setSubject("[TICKET#" + i + "] Benchmark message " + i);
    h.setText(body);
    return m;
  }

  private int proxyConnections() {
    if (proxyLog == null) {
      return -1;
    }
    try (Stream<String> lines = Files.lines(proxyLog, StandardCharsets.UTF_8)) {
      return (int) lines.count();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The server's count of mails to {@code rcpt}, once it has them all or has added none for 10 s
   * (Postfix logs a mail when it has delivered it, a little after it accepted it).
   */
  private int awaitCount(String rcpt, int expected) {
    if (countFile == null) {
      return -1;
    }
    int seen = -1;
    long quietSince = System.nanoTime();
    long hardStop = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      int n = countOf(rcpt);
      if (n >= expected || System.nanoTime() > hardStop) {
        return n;
      }
      if (n != seen) {
        seen = n;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(10)) {
        return n;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return n;
      }
    }
  }

  private int countOf(String rcpt) {
    String needle = "<" + rcpt + ">";
    try (Stream<String> lines = Files.lines(countFile, StandardCharsets.ISO_8859_1)) {
      return (int) lines.filter(l -> l.contains(needle) && l.contains(countMatch)).count();
    } catch (IOException e) {
      return 0;
    }
  }

  // --- the table ----------------------------------------------------------------------------

  /**
   * Prints the probes and the runs as Markdown: what each client is, then one row per client with
   * each server's figures side by side, then the target for the burst.
   */
  static void printTable(PrintStream out, List<String> lines, double rttMs, double targetMs) {
    List<String> servers = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    Map<String, Map<String, String>> probes = new LinkedHashMap<>();
    Map<String, Map<String, String>> runs = new LinkedHashMap<>();
    for (String l : lines) {
      Map<String, String> f = Report.fields(l);
      if (l.startsWith("probe\t")) {
        probes.put(f.get("server"), f);
        if (f.containsKey("error")) {
          out.printf(Locale.ROOT, "- %s: probe failed: %s%n", f.get("server"), f.get("error"));
        } else {
          out.printf(Locale.ROOT,
              "- %s: greets `%s`; EHLO offers %s; a NOOP round trip through the proxy takes %s ms%n",
              f.get("server"), f.get("greeting"), f.getOrDefault("ehlo", "").strip(), f.get("noop_ms"));
        }
      } else if (l.startsWith("far\t")) {
        if (!servers.contains(f.get("server"))) {
          servers.add(f.get("server"));
        }
        Client c = Client.of(f.getOrDefault("client", ""));
        if (!clients.contains(c)) {
          clients.add(c);
        }
        runs.put(f.get("server") + " " + c.key, f);
      }
    }
    out.println();
    out.println("| client | what |");
    out.println("|---|---|");
    for (Client c : clients) {
      out.printf(Locale.ROOT, "| `%s` | %s |%n", c.key, c.description);
    }
    out.println();
    StringBuilder head = new StringBuilder("| client |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String server : servers) {
      head.append(
          String.format(Locale.ROOT, " %1$s: ms per mail | %1$s: mails/s | %1$s: received / sent | %1$s: connections |",
              server));
      rule.append("---:|---:|---:|---:|");
    }
    out.println(head);
    out.println(rule);
    List<String> notes = new ArrayList<>();
    for (Client c : clients) {
      StringBuilder row = new StringBuilder("| `" + c.key + "` |");
      for (String server : servers) {
        Map<String, String> f = runs.get(server + " " + c.key);
        if (f == null) {
          row.append(" – | – | – | – |");
          continue;
        }
        int sent = Integer.parseInt(f.get("sent"));
        int counted = Integer.parseInt(f.get("counted"));
        String mark = "";
        if (f.containsKey("error")) {
          notes.add(
              String.format(Locale.ROOT, "%s, `%s`: failed after %d mails: %s", server, c.key, sent, f.get("error")));
          mark = " (failed)";
        }
        row.append(String.format(Locale.ROOT, " %s%s | %,.1f | %s | %s |",
            sent == 0 ? "–" : f.get("ms_per_mail"), mark, Double.parseDouble(f.get("rate")),
            counted < 0 ? "– / " + sent : counted == sent ? counted + " / " + sent
                : "**" + counted + " / " + sent + "**",
            f.get("connections")));
      }
      out.println(row);
    }
    for (String n : notes) {
      out.println();
      out.println("- " + n);
    }
    out.println();
    out.println("| target | outmail-burst | met |");
    out.println("|---|---:|---|");
    for (String server : servers) {
      Map<String, String> f = runs.get(server + " " + Client.OUTMAIL_BURST.key);
      if (f == null) {
        continue;
      }
      int sent = Integer.parseInt(f.get("sent"));
      double ms = Double.parseDouble(f.get("ms_per_mail"));
      boolean ok = sent > 0 && !f.containsKey("error") && Integer.parseInt(f.get("counted")) == sent;
      Map<String, String> probe = probes.get(server);
      if (probe != null && probe.containsKey("ehlo") && !(" " + probe.get("ehlo") + " ").contains(" CHUNKING ")) {
        // without BDAT, a mail's content waits for the 354 to its DATA: one round trip per mail at best
        out.printf(Locale.ROOT, "| %s (no CHUNKING): a burst through one connection, pipelined DATA, ≈ one round trip "
            + "(%s ms) per mail at best | %.2f ms | (info)%s |%n", server, probe.get("noop_ms"), ms,
            ok ? "" : " failed");
      } else {
        out.printf(Locale.ROOT,
            "| %s: a burst through one connection at %.0f ms round trip ≤ %.0f ms per mail | %.2f ms | %s |%n",
            server, rttMs, targetMs, ms, ok && ms <= targetMs ? "yes" : "NO");
      }
    }
  }
}
