package org.outmail.bench;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.smtp.SmtpOptions;

/**
 * Sends N mails of a given size to an SMTP server through outmail and through raw Angus Mail, side
 * by side in one JVM, and prints msgs/s, process CPU per message and the ratios.
 *
 * <pre>
 * java -cp benchmarks.jar org.outmail.bench.Throughput --host 127.0.0.1 --port 2525 \
 *     [--tls-port 2465 --trust cert.pem] [--sizes 1024,102400] [--count 3000] [--seconds 3] \
 *     [--warmup-seconds 1] [--rounds 3] [--modes outmail-1,angus-nodelay,...] [--out results.txt]
 * </pre>
 *
 * Every mode is run once unrecorded, then {@code --rounds} times, interleaved with the others, and
 * the median round (by msgs/s) is kept. Each run sends until {@code --count} mails or {@code --seconds} have passed, whichever comes
 * first, after a warm-up of {@code --warmup-seconds} on the same connections.
 */
public final class Throughput {
  static final String FROM = "bench@example.com";
  static final String TO = "rcpt@example.org";

  /** What is measured. */
  enum Mode {
    OUTMAIL_1("outmail-1", "outmail, pool of 1 connection, 1 thread", 1), OUTMAIL_4("outmail-4",
        "outmail, pool of 4 connections, 4 threads",
        4), OUTMAIL_DKIM_RSA("outmail-dkim-rsa", "outmail-1, each mail signed with DKIM (rsa-sha256, 2048-bit key)",
            1), OUTMAIL_DKIM_ED25519("outmail-dkim-ed25519", "outmail-1, each mail signed with DKIM (ed25519-sha256)",
                1), OUTMAIL_ASYNC("outmail-async",
                    "outmail, pool of 1 connection, sendAsync burst (64 outstanding, 16 async threads)",
                    1), ANGUS_SEND("angus-send", "Angus Transport.send per message (connect, send, QUIT)",
                        1), ANGUS_NODELAY("angus-nodelay", "Angus, 1 persistent connection, TCP_NODELAY",
                            1), ANGUS_NAGLE("angus-nagle", "Angus, 1 persistent connection, Nagle (default socket)",
                                1), ANGUS_NODELAY_4("angus-nodelay-4",
                                    "Angus, 4 persistent connections, TCP_NODELAY, 4 threads", 4),
    // diagnostics, not run by default
    ANGUS_NODELAY_WT("angus-nodelay-wt", "Angus, 1 persistent connection, TCP_NODELAY, mail.smtp.writetimeout set", 1);

    static final String DEFAULTS = "outmail-1,outmail-4,angus-send,angus-nodelay,angus-nagle,angus-nodelay-4";

    final String key;
    final String description;
    final int threads;

    Mode(String key, String description, int threads) {
      this.key = key;
      this.description = description;
      this.threads = threads;
    }

    static Mode of(String key) {
      for (Mode m : values()) {
        if (m.key.equals(key)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown mode " + key + "; modes: " + Arrays.toString(keys()));
    }

    static String[] keys() {
      return Arrays.stream(values()).map(m -> m.key).toArray(String[]::new);
    }
  }

  /** One measured run. */
  record Run(String transport, int size, Mode mode, int messages, double seconds, double cpuSeconds, double jitSeconds,
      @Nullable String error) {
    double rate() {
      return messages / seconds;
    }

    /** Process CPU per message, less what the JIT compiler threads used meanwhile. */
    double cpuMicrosPerMessage() {
      return (cpuSeconds - jitSeconds) * 1e6 / messages;
    }

    String line() {
      return String.format(Locale.ROOT,
          "tput\ttransport=%s\tsize=%d\tmode=%s\tmsgs=%d\tsecs=%.3f\trate=%.1f\tcpu_us=%.1f\tproc_cpu_us=%.1f%s",
          transport, size, mode.key, messages, seconds, error == null ? rate() : 0.0,
          error == null ? cpuMicrosPerMessage() : 0.0, error == null ? cpuSeconds * 1e6 / messages : 0.0,
          error == null ? "" : "\terror=" + error.replaceAll("[\t\r\n]", " "));
    }
  }

  /** Sends one message; one per sending thread. */
  interface Sender {
    void send(int i) throws Exception;

    default void close() throws MessagingException {}

    /** Waits until every mail this sender handed over was sent (for a sender that does not wait for each). */
    default void awaitAll() throws Exception {}
  }

  private final String host;
  private final int port;
  private final int tlsPort;
  private final @Nullable Path trust;
  private final int count;
  private final Duration seconds;
  private final Duration warmup;
  private @Nullable SSLContext sslContext;

  Throughput(String host, int port, int tlsPort, @Nullable Path trust, int count, Duration seconds, Duration warmup) {
    this.host = host;
    this.port = port;
    this.tlsPort = tlsPort;
    this.trust = trust;
    this.count = count;
    this.seconds = seconds;
    this.warmup = warmup;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    String host = opt.getOrDefault("host", "127.0.0.1");
    int port = Integer.parseInt(req(opt, "port"));
    int tlsPort = Integer.parseInt(opt.getOrDefault("tls-port", "0"));
    Path trust = opt.containsKey("trust") ? Path.of(opt.get("trust")) : null;
    if (tlsPort > 0 && trust == null) {
      throw new IllegalArgumentException("--tls-port needs --trust (PEM file of the server's certificate)");
    }
    int[] sizes = Arrays.stream(opt.getOrDefault("sizes", "1024,102400").split(",")).mapToInt(Integer::parseInt)
        .toArray();
    int count = Integer.parseInt(opt.getOrDefault("count", "3000"));
    Duration secs = Duration.ofMillis((long) (Double.parseDouble(opt.getOrDefault("seconds", "3")) * 1000));
    Duration warm = Duration.ofMillis((long) (Double.parseDouble(opt.getOrDefault("warmup-seconds", "1")) * 1000));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
    List<Mode> modes = new ArrayList<>();
    for (String k : opt.getOrDefault("modes", Mode.DEFAULTS).split(",")) {
      modes.add(Mode.of(k.strip()));
    }
    List<String> transports = new ArrayList<>();
    if (!opt.getOrDefault("plain", "true").equals("false")) {
      transports.add("plain");
    }
    if (tlsPort > 0) {
      transports.add("tls");
    }
    Throughput t = new Throughput(host, port, tlsPort, trust, count, secs, warm);
    List<Run> results = new ArrayList<>();
    for (String transport : transports) {
      for (int size : sizes) {
        results.addAll(t.scenario(transport, size, modes, rounds));
      }
    }
    if (opt.containsKey("out")) {
      List<String> lines = results.stream().map(Run::line).toList();
      Files.write(Path.of(opt.get("out")), lines, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    Report.printThroughput(System.out, results.stream().map(Run::line).toList());
  }

  /** Runs every mode {@code rounds} times, interleaved; keeps the median round of each. */
  List<Run> scenario(String transport, int size, List<Mode> modes, int rounds) {
    Map<Mode, List<Run>> byMode = new LinkedHashMap<>();
    // one unrecorded round first: on two busy cores the JIT needs several seconds of each path
    for (Mode m : modes) {
      System.err.printf(Locale.ROOT, "  warm-up: %s%n", measure(transport, size, m).line());
    }
    for (int r = 1; r <= rounds; r++) {
      for (Mode m : modes) {
        Run run = measure(transport, size, m);
        System.err.printf(Locale.ROOT, "  round %d: %s%n", r, run.line());
        byMode.computeIfAbsent(m, k -> new ArrayList<>()).add(run);
      }
    }
    List<Run> kept = new ArrayList<>();
    for (List<Run> runs : byMode.values()) {
      List<Run> ok = runs.stream().filter(x -> x.error() == null)
          .sorted((a, b) -> Double.compare(a.rate(), b.rate())).toList();
      kept.add(ok.isEmpty() ? runs.get(0) : ok.get(ok.size() / 2));
    }
    return kept;
  }

  Run measure(String transport, int size, Mode mode) {
    boolean tls = transport.equals("tls");
    String body = body(size);
    List<Sender> senders = new ArrayList<>();
    AutoCloseable shared = null;
    try {
      switch (mode) {
        case OUTMAIL_1, OUTMAIL_4 -> {
          MailboxRegistry registry = outmail(tls, mode.threads);
          shared = registry;
          OutgoingMailer mailer = registry.defaultOutgoing();
          for (int k = 0; k < mode.threads; k++) {
            senders.add(i -> mailer.send(email(i, body)));
          }
        }
        case OUTMAIL_DKIM_RSA, OUTMAIL_DKIM_ED25519 -> {
          MailboxRegistry registry = outmail(tls, 1, 0,
              mode == Mode.OUTMAIL_DKIM_RSA ? "rsa-sha256" : "ed25519-sha256");
          shared = registry;
          OutgoingMailer mailer = registry.defaultOutgoing();
          senders.add(i -> mailer.send(email(i, body)));
        }
        case OUTMAIL_ASYNC -> {
          MailboxRegistry registry = outmail(tls, 1, 16);
          shared = registry;
          senders.add(async(registry.defaultOutgoing(), body, 64));
        }
        case ANGUS_SEND -> {
          Session session = Session.getInstance(angusProperties(tls, true));
          senders.add(i -> Transport.send(mime(session, i, body)));
        }
        case ANGUS_NODELAY, ANGUS_NAGLE, ANGUS_NODELAY_4, ANGUS_NODELAY_WT -> {
          Properties props = angusProperties(tls, mode != Mode.ANGUS_NAGLE);
          if (mode == Mode.ANGUS_NODELAY_WT) {
            // as outmail's transport sets it: a write timeout run by one shared executor
            props.put("mail.smtp.writetimeout", "10000");
            props.put("mail.smtp.executor.writetimeout", WRITE_TIMEOUTS);
          }
          Session session = Session.getInstance(props);
          for (int k = 0; k < mode.threads; k++) {
            senders.add(persistent(session, body));
          }
        }
        default -> throw new IllegalStateException(mode.toString());
      }
      phase(senders, Integer.MAX_VALUE, warmup);
      System.gc();
      com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
          .getOperatingSystemMXBean();
      long jit0 = jitCpuNanos();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      int sent = phase(senders, count, seconds);
      long t1 = System.nanoTime();
      long cpu1 = os.getProcessCpuTime();
      long jit1 = jitCpuNanos();
      return new Run(transport, size, mode, sent, (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9, (jit1 - jit0) / 1e9, null);
    } catch (Exception e) {
      return new Run(transport, size, mode, 0, 0, 0, 0, e.toString());
    } finally {
      for (Sender s : senders) {
        try {
          s.close();
        } catch (Exception e) {
          System.err.println("closing: " + e);
        }
      }
      if (shared != null) {
        try {
          shared.close();
        } catch (Exception e) {
          System.err.println("closing: " + e);
        }
      }
    }
  }

  /**
   * CPU used so far by the JIT compiler threads (Linux: {@code /proc/self/task/}*{@code /stat}, in
   * clock ticks of 10 ms), or 0 where that cannot be read. On two busy cores C2 keeps compiling for
   * many seconds, and that is start-up cost, not cost per message.
   */
  static long jitCpuNanos() {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(task.resolve("comm")).strip();
          if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return ticks * 10_000_000L;
  }

  /** Each sender in its own thread until {@code max} messages or {@code time} in all; returns how many were sent. */
  private static int phase(List<Sender> senders, int max, Duration time) throws Exception {
    AtomicInteger tickets = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long deadline = System.nanoTime() + time.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (Sender s : senders) {
      Thread t = new Thread(() -> {
        try {
          while (failure.get() == null && System.nanoTime() < deadline) {
            int i = tickets.getAndIncrement();
            if (i >= max) {
              break;
            }
            s.send(i);
            done.incrementAndGet();
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }, "bench-sender");
      threads.add(t);
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(time.toMillis() + 60_000);
      if (t.isAlive()) {
        failure.compareAndSet(null, new IllegalStateException("a send hung for more than 60 s"));
        t.interrupt();
      }
    }
    for (Sender s : senders) {
      s.awaitAll();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return done.get();
  }

  private static final java.util.concurrent.ScheduledExecutorService WRITE_TIMEOUTS = java.util.concurrent.Executors
      .newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "angus-write-timeouts");
        t.setDaemon(true);
        return t;
      });

  /** Hands mails over with {@code sendAsync}, at most {@code outstanding} not sent yet. */
  private static Sender async(OutgoingMailer mailer, String body, int outstanding) {
    java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(outstanding);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    return new Sender() {
      @Override
      public void send(int i) throws Exception {
        room.acquire();
        if (failed.get() != null) {
          throw new IllegalStateException("an asynchronous send failed", failed.get());
        }
        // the callback records a failure and frees the room: nothing waits on the future it returns
        var unused = mailer.sendAsync(email(i, body)).whenComplete((r, x) -> {
          if (x != null) {
            failed.compareAndSet(null, x);
          }
          room.release();
        });
      }

      @Override
      public void awaitAll() throws Exception {
        room.acquire(outstanding);
        room.release(outstanding);
        if (failed.get() != null) {
          throw new IllegalStateException("an asynchronous send failed", failed.get());
        }
      }
    };
  }

  MailboxRegistry outmail(boolean tls, int connections) {
    return outmail(tls, connections, 0);
  }

  MailboxRegistry outmail(boolean tls, int connections, int asyncThreads) {
    return outmail(tls, connections, asyncThreads, null);
  }

  /** With {@code dkim} an algorithm, the mailbox signs each mail with a key made for the run. */
  MailboxRegistry outmail(boolean tls, int connections, int asyncThreads, @Nullable String dkim) {
    Mailbox.Builder b = Mailbox.builder("bench")
        .name("Benchmark")
        .emailDisplay(FROM)
        .displayName("Benchmark")
        .protocol("smtp")
        .host(host)
        .prefix("TICKET#")
        .options(SmtpOptions.builder().maxConnections(connections).build())
        .defaultOutgoing(true);
    if (tls) {
      b.port(tlsPort).encryption(Encryption.SSL_TLS)
          .trustStore(Objects.requireNonNull(trust, "TLS needs --trust, the server's certificate"));
    } else {
      b.port(port).encryption(Encryption.NONE);
    }
    if (dkim != null) {
      try {
        java.nio.file.Path key = java.nio.file.Files.createTempFile("bench-dkim-", ".pem");
        key.toFile().deleteOnExit();
        java.nio.file.Files.writeString(key, org.outmail.smtp.DkimKeyPair.generate(dkim).privateKeyPem());
        b.setting("smtp.dkim.domain", FROM.substring(FROM.indexOf('@') + 1)).setting("smtp.dkim.selector", "bench")
            .setting("smtp.dkim.private-key", "${file:" + key + "}");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    MailboxRegistry.Builder r = MailboxRegistry.builder().mailbox(b.build());
    if (asyncThreads > 0) {
      r.asyncThreads(asyncThreads);
    }
    return r.build();
  }

  static Email email(int i, String body) {
    return Email.builder()
        .to(TO)
        .subject("Benchmark message " + i)
        .recordId(Integer.toString(i))
        .text(body)
        .build();
  }

  Properties angusProperties(boolean tls, boolean noDelay) throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", Integer.toString(tls ? tlsPort : port));
    // read and connect timeouts are socket options and cost nothing per message; a write timeout
    // would wrap the socket in Angus's WriteTimeoutSocket, which is not the default, so it is left out
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "10000");
    // the EHLO name, so that no lookup of this host's name is measured
    p.put("mail.smtp.localhost", "bench.localhost");
    p.put("mail.smtp.socketFactory.fallback", "false");
    if (tls) {
      if (sslContext == null) {
        sslContext = Sockets.trusting(Objects.requireNonNull(trust, "TLS needs --trust, the server's certificate"));
      }
      p.put("mail.smtp.ssl.enable", "true");
      p.put("mail.smtp.ssl.checkserveridentity", "true");
      p.put("mail.smtp.ssl.socketFactory", new Sockets.Tls(sslContext, noDelay));
    } else {
      p.put("mail.smtp.socketFactory", new Sockets.Plain(noDelay));
    }
    return p;
  }

  @SuppressWarnings("JavaUtilDate") // Jakarta Mail's Date header takes a Date
  static MimeMessage mime(Session session, int i, String body) throws MessagingException, IOException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(FROM, "Benchmark", "UTF-8"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(TO));
    m.setSubject("[TICKET#" + i + "] Benchmark message " + i, "UTF-8");
    m.setSentDate(new Date());
    m.setText(body, "UTF-8");
    m.saveChanges();
    return m;
  }

  private static Sender persistent(Session session, String body) throws MessagingException {
    Transport transport = session.getTransport("smtp");
    transport.connect();
    return new Sender() {
      @Override
      public void send(int i) throws Exception {
        MimeMessage m = mime(session, i, body);
        transport.sendMessage(m, m.getAllRecipients());
      }

      @Override
      public void close() throws MessagingException {
        transport.close();
      }
    };
  }

  /** A plain-text body of about {@code size} bytes: ASCII lines of 72 characters. */
  static String body(int size) {
    String line = "The quick brown fox jumps over the lazy dog; notification text 0123456789";
    StringBuilder sb = new StringBuilder(size + 80);
    int n = 0;
    while (sb.length() < size) {
      String l = (n++ % 10) + line.substring(1);
      int room = size - sb.length();
      if (room <= l.length() + 1) {
        sb.append(l, 0, Math.max(0, room - 1)).append('\n');
        break;
      }
      sb.append(l).append('\n');
    }
    return sb.toString();
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String k = args[i].substring(2);
      int eq = k.indexOf('=');
      if (eq >= 0) {
        opt.put(k.substring(0, eq), k.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        opt.put(k, args[++i]);
      } else {
        opt.put(k, "true");
      }
    }
    return opt;
  }

  static String req(Map<String, String> opt, String key) {
    String v = opt.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }
}
