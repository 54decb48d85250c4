package org.outmail.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.outmail.outbox.OutboxStore;
import org.outmail.outbox.Priority;
import org.outmail.smtp.SmtpOptions;

/**
 * The outbox's figures and their anchors, one measurement per test named in {@code --tests}, each
 * written as one line of {@code key=value} fields to {@code --out} (see {@link OutboxReport} for the
 * table and the ratios). {@code benchmarks/outbox.sh} runs it several times, alternating this
 * outbox with the previous one (the same class on a class path that starts with the older outbox's
 * jar: only the tests that the older API has are run there).
 *
 * <ul>
 *   <li>{@code fsync}: the disk's raw rate of durable small writes in {@code --dir}: 1 KB written
 *       and {@code FileChannel.force(false)} (fdatasync), appended to a growing file and rewritten
 *       in place, for {@code --seconds} each.
 *   <li>{@code enqueue-embedded-T}, {@code enqueue-nofsync-T}, {@code enqueue-pg-T}: T threads call
 *       {@code outbox.enqueue} with 1 KB mails for {@code --seconds} (after one second unmeasured on
 *       the same store).
 *   <li>{@code enqueueall-embedded}, {@code enqueueall-pg}: one thread calls {@code enqueueAll}
 *       with {@code --batch} 1 KB mails at a time for {@code --seconds}.
 *   <li>{@code burst}: {@code --count} mails handed to {@code sendAsync} at once, to smtp-sink, until
 *       the last is sent: the anchor of the drains, on the registry the drains use.
 *   <li>{@code drain-embedded}, {@code drain-pg}: {@code --count} mails queued, then an outbox with
 *       its default delivery settings built on the store and timed until every one is stored as
 *       sent.
 *   <li>{@code drain-pg-backlog}: the same while {@code --backlog} more mails wait: the backlog is
 *       made by copying one enqueued row in SQL ({@code INSERT ... SELECT ... generate_series}),
 *       then {@code ANALYZE}; the first {@code --count} mails are drained, {@code --repeat} times.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks.jar org.outmail.bench.OutboxBench --port 2525 --dir /var/tmp/x --out results.txt \
 *      [--pg-url jdbc:postgresql://...] [--tests fsync,enqueue-embedded-1,...] [--seconds 3] [--count 10000]
 * </pre>
 *
 * <p>The drains use the outbox builder's defaults; {@code --drain-workers N} and {@code --drain-batch N}
 * try others (recorded in the result line). The PostgreSQL tests drop and recreate the outbox's
 * tables in that database. CPU per mail is the process's CPU during the measurement, less the JIT
 * compiler threads', divided by the mails.
 */
public final class OutboxBench {
  static final String ALL_TESTS = "fsync,enqueue-embedded-1,enqueue-embedded-8,enqueue-nofsync-1,enqueue-pg-1,"
      + "enqueue-pg-8,enqueueall-embedded,burst,drain-embedded,drain-pg";
  private static final String[] TABLES = {"outmail_outbox_part", "outmail_outbox_attempt", "outmail_outbox_mailbox",
      "outmail_outbox_term",
      "outmail_outbox", "outmail_outbox_schema"};

  private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
      .getOperatingSystemMXBean();

  private final String impl;
  private final int port;
  private final Path dir;
  private final @Nullable String pgUrl;
  private final double seconds;
  private final int count;
  private final int batch;
  private final int backlog;
  private final int repeat;
  private final String round;
  private final PrintStream out;
  /** The drains' outbox settings when above 0 (else the builder's defaults): to try other settings. */
  private int drainWorkers;
  private int drainBatch;
  private final String body = body(1024);
  private final AtomicInteger serial = new AtomicInteger();

  private OutboxBench(String impl, int port, Path dir, @Nullable String pgUrl, double seconds, int count, int batch,
      int backlog,
      int repeat, String round, PrintStream out) {
    this.impl = impl;
    this.port = port;
    this.dir = dir;
    this.pgUrl = pgUrl;
    this.seconds = seconds;
    this.count = count;
    this.batch = batch;
    this.backlog = backlog;
    this.repeat = repeat;
    this.round = round;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    String impl = "new";
    int port = 0;
    Path dir = null;
    String pg = null;
    double seconds = 3;
    int count = 10_000;
    int batch = 1_000;
    int backlog = 1_000_000;
    int repeat = 3;
    String round = "1";
    String tests = ALL_TESTS;
    int drainWorkers = 0;
    int drainBatch = 0;
    Path outFile = null;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--impl" -> impl = v;
        case "--port" -> port = Integer.parseInt(v);
        case "--dir" -> dir = Path.of(v);
        case "--pg-url" -> pg = v.isEmpty() ? null : v;
        case "--seconds" -> seconds = Double.parseDouble(v);
        case "--count" -> count = Integer.parseInt(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--backlog" -> backlog = Integer.parseInt(v);
        case "--repeat" -> repeat = Integer.parseInt(v);
        case "--round" -> round = v;
        case "--tests" -> tests = v;
        case "--out" -> outFile = Path.of(v);
        case "--drain-workers" -> drainWorkers = Integer.parseInt(v);
        case "--drain-batch" -> drainBatch = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dir == null) {
      throw new IllegalArgumentException("--dir (where the stores and the fsync file go) is required");
    }
    Files.createDirectories(dir);
    PrintStream o = outFile == null ? System.out
        : new PrintStream(Files.newOutputStream(outFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true,
            StandardCharsets.UTF_8);
    try {
      OutboxBench b = new OutboxBench(impl, port, dir, pg, seconds, count, batch, backlog, repeat, round, o);
      b.drainWorkers = drainWorkers;
      b.drainBatch = drainBatch;
      for (String test : tests.split(",")) {
        if (!test.isBlank()) {
          b.run(test.strip());
        }
      }
    } finally {
      if (outFile != null) {
        o.close(); // the results file; standard output stays open
      }
    }
  }

  private void run(String test) throws Exception {
    System.err.printf(Locale.ROOT, "OutboxBench %s round %s: %s%n", impl, round, test);
    if (test.equals("fsync")) {
      fsync();
    } else if (test.startsWith("enqueue-")) {
      String[] p = test.split("-");
      enqueue(p[1], Integer.parseInt(p[2]));
    } else if (test.startsWith("enqueueall-")) {
      enqueueAll(test.substring("enqueueall-".length()));
    } else if (test.equals("burst")) {
      burst();
    } else if (test.equals("drain-embedded") || test.equals("drain-pg")) {
      drain(test.substring("drain-".length()));
    } else if (test.equals("drain-pg-backlog")) {
      drainWithBacklog();
    } else {
      throw new IllegalArgumentException(
          "unknown test " + test + "; known: " + ALL_TESTS + ",enqueueall-pg,drain-pg-backlog");
    }
  }

  private void result(String test, String fields) {
    out.printf(Locale.ROOT, "impl=%s\ttest=%s\tround=%s\t%s%n", impl, test, round, fields);
  }

  // ---- the disk

  /**
   * 1 KB written and fdatasynced, appended to a growing file, then rewritten in place; for
   * information also rewritten in place with fsync (metadata too), which is what SQLite calls.
   */
  private void fsync() throws IOException {
    for (String kind : new String[] {"append", "overwrite", "overwrite-fsync"}) {
      boolean append = kind.equals("append");
      Path file = dir.resolve("fsync-" + kind + ".bin");
      ByteBuffer block = ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII));
      long n = 0;
      long cpu0;
      long start;
      long end;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        ch.write(block.duplicate(), 0);
        ch.force(true);
        cpu0 = cpuNanos();
        start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        do {
          ch.write(block.duplicate(), append ? n * block.capacity() : 0);
          ch.force(kind.equals("overwrite-fsync"));
          n++;
          end = System.nanoTime();
        } while (end < deadline);
      } finally {
        Files.deleteIfExists(file);
      }
      result("fsync", String.format(Locale.ROOT, "kind=%s\tn=%d\tsecs=%.3f\trate=%.1f\tcpu_us=%.1f",
          kind, n, (end - start) / 1e9, n / ((end - start) / 1e9), cpuPer(cpu0, n)));
    }
  }

  // ---- enqueue

  private void enqueue(String store, int threads) throws Exception {
    try (MailboxRegistry registry = registry();
        Store s = store(store);
        Outbox outbox = Outbox.builder().registry(registry).store(s.store).workers(0).build()) {
      OutgoingMailer mailer = registry.defaultOutgoing();
      enqueueLoop(outbox, mailer, threads, 1); // unmeasured: the JIT, the store's first pages
      long cpu0 = cpuNanos();
      long start = System.nanoTime();
      long n = enqueueLoop(outbox, mailer, threads, seconds);
      double secs = (System.nanoTime() - start) / 1e9;
      result("enqueue",
          String.format(Locale.ROOT, "store=%s\tthreads=%d\tn=%d\tsecs=%.3f\trate=%.1f\tcpu_us=%.1f", store,
              threads, n, secs, n / secs, cpuPer(cpu0, n)));
    }
  }

  private long enqueueLoop(Outbox outbox, OutgoingMailer mailer, int threads, double secs) throws Exception {
    AtomicLong n = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long deadline = System.nanoTime() + (long) (secs * 1e9);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(() -> {
        try {
          while (System.nanoTime() < deadline) {
            outbox.enqueue(mailer, mail(serial.incrementAndGet()));
            n.incrementAndGet();
          }
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination((long) secs + 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("enqueue threads did not finish");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("an enqueue failed", failure.get());
    }
    return n.get();
  }

  /** One thread, {@code enqueueAll} of {@code batch} mails at a time (this outbox only: the older one has no enqueueAll). */
  private void enqueueAll(String store) throws Exception {
    try (MailboxRegistry registry = registry();
        Store s = store(store);
        Outbox outbox = Outbox.builder().registry(registry).store(s.store).workers(0).build()) {
      OutgoingMailer mailer = registry.defaultOutgoing();
      long warm = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < warm) {
        outbox.enqueueAll(mailer, mails(batch), Priority.NORMAL);
      }
      long n = 0;
      long cpu0 = cpuNanos();
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
      do {
        n += outbox.enqueueAll(mailer, mails(batch), Priority.NORMAL).size();
      } while (System.nanoTime() < deadline);
      double secs = (System.nanoTime() - start) / 1e9;
      result("enqueueall",
          String.format(Locale.ROOT, "store=%s\tbatch=%d\tn=%d\tsecs=%.3f\trate=%.1f\tcpu_us=%.1f", store,
              batch, n, secs, n / secs, cpuPer(cpu0, n)));
    }
  }

  // ---- drain

  /** {@code count} mails handed to sendAsync at once; the rate from the first hand-over to the last mail sent. */
  private void burst() throws Exception {
    try (MailboxRegistry registry = registry()) {
      OutgoingMailer mailer = registry.defaultOutgoing();
      burst(mailer, Math.min(count, 1_000)); // unmeasured: the connection, the JIT
      long cpu0 = cpuNanos();
      long start = System.nanoTime();
      burst(mailer, count);
      double secs = (System.nanoTime() - start) / 1e9;
      result("burst", String.format(Locale.ROOT, "n=%d\tsecs=%.3f\trate=%.1f\tcpu_us=%.1f", count, secs, count / secs,
          cpuPer(cpu0, count)));
    }
  }

  private void burst(OutgoingMailer mailer, int n) throws Exception {
    List<CompletableFuture<?>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(mailer.sendAsync(mail(serial.incrementAndGet())));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
  }

  /** Queues {@code count} mails, then times an outbox with its default delivery settings until all are sent. */
  private void drain(String store) throws Exception {
    try (MailboxRegistry registry = registry(); Store s = store(store)) {
      warmConnection(registry);
      try (Outbox filler = Outbox.builder().registry(registry).store(s.store).workers(0).build()) {
        fill(filler, registry.defaultOutgoing(), count);
      }
      long cpu0 = cpuNanos();
      double secs = timeDrain(registry, s.store, count);
      result("drain",
          String.format(Locale.ROOT, "store=%s\twaiting=%d\tn=%d\tsecs=%.3f\trate=%.1f\tcpu_us=%.1f%s", store,
              count, count, secs, count / secs, cpuPer(cpu0, count), settings()));
    }
  }

  /** The first {@code count} of {@code backlog} waiting mails, {@code repeat} times, on PostgreSQL. */
  private void drainWithBacklog() throws Exception {
    try (MailboxRegistry registry = registry(); Store s = store("pg")) {
      warmConnection(registry);
      try (Outbox filler = Outbox.builder().registry(registry).store(s.store).workers(0).build()) {
        filler.enqueue(registry.defaultOutgoing(), mail(serial.incrementAndGet()));
      }
      long t0 = System.nanoTime();
      HikariDataSource pool = Objects.requireNonNull(s.pool, "the PostgreSQL store has a pool");
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, "outmail_outbox", null)) {
          while (rs.next()) {
            String name = rs.getString("COLUMN_NAME");
            if (!name.equals("id") && !name.equals("due_at")) {
              columns.add(name);
            }
          }
        }
        String cols = String.join(", ", columns);
        st.execute(
            "INSERT INTO outmail_outbox (" + cols + ", due_at) SELECT " + cols + ", due_at - g FROM outmail_outbox, "
                + "generate_series(1, " + (backlog - 1) + ") g");
        st.execute("ANALYZE outmail_outbox");
      }
      double fillSecs = (System.nanoTime() - t0) / 1e9;
      System.err.printf(Locale.ROOT, "OutboxBench: %,d mails waiting on PostgreSQL, copied in SQL in %.1f s%n", backlog,
          fillSecs);
      for (int r = 1; r <= repeat; r++) {
        long sentBefore;
        long waiting;
        try (Outbox o = Outbox.builder().registry(registry).store(s.store).workers(0).build()) {
          sentBefore = o.count(OutboxState.SENT);
          waiting = o.count(OutboxState.QUEUED);
        }
        long cpu0 = cpuNanos();
        double secs = timeDrain(registry, s.store, sentBefore + count);
        result("drain", String.format(Locale.ROOT,
            "store=pg\twaiting=%d\tn=%d\tsecs=%.3f\trate=%.1f\tcpu_us=%.1f\tfill=sql\tfill_secs=%.1f\trepeat=%d%s",
            waiting, count, secs, count / secs, cpuPer(cpu0, count), fillSecs, r, settings()));
      }
    }
  }

  /** Sends a few mails so that the registry's connection is open and warm, as for the burst. */
  private void warmConnection(MailboxRegistry registry) throws Exception {
    burst(registry.defaultOutgoing(), Math.min(count, 1_000));
  }

  /** Queues n mails: with enqueueAll where the outbox has it, else from 8 threads. */
  private void fill(Outbox outbox, OutgoingMailer mailer, int n) throws Exception {
    if (impl.equals("new")) {
      for (int done = 0; done < n; done += batch) {
        outbox.enqueueAll(mailer, mails(Math.min(batch, n - done)), Priority.NORMAL);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.execute(() -> {
        while (next.getAndIncrement() < n) {
          outbox.enqueue(mailer, mail(serial.incrementAndGet()));
        }
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("filling the outbox took over 10 minutes");
    }
  }

  /** Seconds from building an outbox on the store until {@code sentTotal} of its mails are stored as sent. */
  private double timeDrain(MailboxRegistry registry, OutboxStore store, long sentTotal) throws Exception {
    long start = System.nanoTime();
    Outbox.Builder builder = Outbox.builder().registry(registry).store(store);
    if (drainWorkers > 0) {
      builder.workers(drainWorkers);
    }
    if (drainBatch > 0) {
      builder.batchSize(drainBatch);
    }
    try (Outbox outbox = builder.build()) {
      long deadline = start + TimeUnit.MINUTES.toNanos(10);
      while (outbox.count(OutboxState.SENT) < sentTotal) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the drain did not finish in 10 minutes: " + outbox.count(OutboxState.SENT)
              + " of " + sentTotal + " sent");
        }
        Thread.sleep(20);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** The drain's settings other than the defaults, as fields of a result line. */
  private String settings() {
    return (drainWorkers > 0 ? "\tworkers=" + drainWorkers : "") + (drainBatch > 0 ? "\tbatch_size=" + drainBatch : "");
  }

  // ---- what is sent, and where

  private Email mail(int i) {
    return Throughput.email(i, body);
  }

  private List<Email> mails(int n) {
    List<Email> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(mail(serial.incrementAndGet()));
    }
    return list;
  }

  /** A text body of {@code size} bytes of ASCII lines. */
  private static String body(int size) {
    StringBuilder b = new StringBuilder(size);
    while (b.length() < size) {
      b.append("The quick brown fox jumps over the lazy dog 0123456789.\r\n");
    }
    b.setLength(size);
    return b.toString();
  }

  /** One mailbox on smtp-sink, one connection (pipelining, many mails in flight on it), as a host would set it up. */
  private MailboxRegistry registry() {
    Mailbox mailbox = Mailbox.builder("bench")
        .name("Benchmark")
        .emailDisplay(Throughput.FROM)
        .displayName("Benchmark")
        .protocol("smtp")
        .host("127.0.0.1")
        .port(port)
        .encryption(Encryption.NONE)
        .prefix("TICKET#")
        .options(SmtpOptions.builder().maxConnections(1).build())
        .defaultOutgoing(true)
        .build();
    return MailboxRegistry.builder().mailbox(mailbox).asyncQueueCapacity(Math.max(10_000, count + 1_000)).build();
  }

  /** A store, and what to close after the outbox: a PostgreSQL pool, or the embedded store's directory. */
  private static final class Store implements AutoCloseable {
    final OutboxStore store;
    final @Nullable HikariDataSource pool;
    final @Nullable Path directory;

    Store(OutboxStore store, @Nullable HikariDataSource pool, @Nullable Path directory) {
      this.store = store;
      this.pool = pool;
      this.directory = directory;
    }

    @Override
    public void close() throws IOException {
      if (pool != null) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
          dropTables(s);
        } catch (SQLException e) {
          System.err.println("OutboxBench: dropping the outbox's tables failed: " + e);
        }
        pool.close();
      }
      if (directory != null) {
        deleteTree(directory);
      }
    }
  }

  private Store store(String kind) throws Exception {
    switch (kind) {
      case "embedded", "nofsync" -> {
        Path d = Files.createTempDirectory(dir, "store-" + kind + "-");
        return new Store(kind.equals("embedded") ? OutboxStore.embedded(d) : OutboxStore.embeddedWithoutFsync(d), null,
            d);
      }
      case "pg" -> {
        if (pgUrl == null) {
          throw new IllegalArgumentException("the PostgreSQL tests need --pg-url");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pgUrl);
        config.setMaximumPoolSize(24);
        config.setPoolName("outbox-bench");
        HikariDataSource pool = new HikariDataSource(config);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
          dropTables(s);
        }
        return new Store(OutboxStore.jdbc(pool), pool, null);
      }
      default -> throw new IllegalArgumentException("unknown store " + kind + ": embedded, nofsync or pg");
    }
  }

  private static void dropTables(Statement s) throws SQLException {
    for (String t : TABLES) {
      s.execute("DROP TABLE IF EXISTS " + t);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The process's CPU time so far, less the JIT compiler threads' (see {@link Throughput#jitCpuNanos()}). */
  private static long cpuNanos() {
    return OS.getProcessCpuTime() - Throughput.jitCpuNanos();
  }

  /** CPU microseconds per mail between two {@link #cpuNanos()} readings. */
  private static double cpuPer(long cpu0, long n) {
    return n == 0 ? 0 : (cpuNanos() - cpu0) / 1e3 / n;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2]
        : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
