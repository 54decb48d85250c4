package org.outmail.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcConnectionPool;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.outmail.outbox.OutboxStore;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * The outbox's figures, side by side in one run: durable enqueue of 1 KB mails (1 and 8 threads;
 * embedded store with and without fsync, PostgreSQL), and the drain of N queued mails through one
 * SMTP connection against N direct sends on one connection, to smtp-sink on 127.0.0.1.
 *
 * <pre>
 * java -cp benchmarks.jar org.outmail.bench.OutboxBench --port 2525 [--seconds 5] [--drain 10000] [--pg-url jdbc:postgresql://...]
 * </pre>
 */
public final class OutboxBench {
  private final Throughput smtp;
  private final int seconds;
  private final int drain;
  private final String pgUrl;
  private final String body = "x".repeat(1000);
  private final List<String[]> rows = new ArrayList<>();

  private OutboxBench(Throughput smtp, int seconds, int drain, String pgUrl) {
    this.smtp = smtp;
    this.seconds = seconds;
    this.drain = drain;
    this.pgUrl = pgUrl;
  }

  public static void main(String[] args) throws Exception {
    int port = 0;
    int seconds = 5;
    int drain = 10_000;
    String pg = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--drain" -> drain = Integer.parseInt(args[i + 1]);
        case "--pg-url" -> pg = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Throughput smtp = new Throughput("127.0.0.1", port, 0, null, 0, Duration.ofSeconds(1), Duration.ZERO);
    OutboxBench b = new OutboxBench(smtp, seconds, drain, pg);
    b.run();
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("outbox-bench");
    try (MailboxRegistry registry = smtp.outmail(false, 1)) {
      for (int threads : new int[] {1, 8}) {
        enqueue("embedded (H2, fsync)", OutboxStore.embedded(dir.resolve("fsync-" + threads)), registry, threads);
        enqueue("embedded (H2, no fsync)", OutboxStore.embeddedWithoutFsync(dir.resolve("nofsync-" + threads)), registry, threads);
        if (pgUrl != null) {
          JdbcConnectionPool pool = postgres();
          try {
            enqueue("PostgreSQL", OutboxStore.jdbc(pool), registry, threads);
          } finally {
            pool.dispose();
          }
        }
      }
      drainVersusSend(dir, registry);
      if (pgUrl != null) {
        JdbcConnectionPool pool = postgres();
        try {
          drainOnly("PostgreSQL", OutboxStore.jdbc(pool), registry);
        } finally {
          pool.dispose();
        }
      }
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "%-44s %-26s %12s%n", "what", "store", "rate");
    for (String[] r : rows) {
      System.out.printf(Locale.ROOT, "%-44s %-26s %12s%n", r[0], r[1], r[2]);
    }
  }

  private void enqueue(String storeName, OutboxStore store, MailboxRegistry registry, int threads) throws Exception {
    try (Outbox outbox = Outbox.builder().registry(registry).store(store).workers(0).build()) {
      OutgoingMailer mailer = registry.defaultOutgoing();
      run(outbox, mailer, threads, 1); // warm up
      long n = run(outbox, mailer, threads, seconds);
      rows.add(new String[] {"durable enqueue, 1 KB, " + threads + " thread(s)", storeName,
          String.format(Locale.ROOT, "%,.0f/s", n / (double) seconds)});
    }
  }

  private long run(Outbox outbox, OutgoingMailer mailer, int threads, int secs) throws InterruptedException {
    AtomicLong count = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
    AtomicInteger ids = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(() -> {
        while (System.nanoTime() < end) {
          outbox.enqueue(mailer, mail(ids.incrementAndGet()));
          count.incrementAndGet();
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(secs + 60L, TimeUnit.SECONDS);
    return count.get();
  }

  private Email mail(int i) {
    return Email.builder().to("bench@example.org").subject("Benchmark message " + i).recordId(Integer.toString(i))
        .text(body).build();
  }

  /** N direct sends on one connection, then N queued mails drained through one connection. */
  private void drainVersusSend(Path dir, MailboxRegistry registry) throws Exception {
    OutgoingMailer mailer = registry.defaultOutgoing();
    for (int i = 0; i < 500; i++) {
      mailer.send(mail(i));
    }
    long start = System.nanoTime();
    for (int i = 0; i < drain; i++) {
      mailer.send(mail(i));
    }
    double direct = drain / ((System.nanoTime() - start) / 1e9);
    rows.add(new String[] {"direct send, 1 connection, " + drain + " mails", "-", String.format(Locale.ROOT, "%,.0f/s", direct)});
    double drained = drainOnly("embedded (H2, fsync)", OutboxStore.embedded(dir.resolve("drain")), registry);
    rows.add(new String[] {"drain / direct send", "embedded (H2, fsync)", String.format(Locale.ROOT, "%.2fx", drained / direct)});
  }

  private double drainOnly(String storeName, OutboxStore store, MailboxRegistry registry) throws Exception {
    try (Outbox filler = Outbox.builder().registry(registry).store(store).workers(0).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      AtomicInteger next = new AtomicInteger();
      for (int t = 0; t < 8; t++) {
        pool.execute(() -> {
          for (int i = next.getAndIncrement(); i < drain; i = next.getAndIncrement()) {
            filler.enqueue(registry.defaultOutgoing(), mail(i));
          }
        });
      }
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.MINUTES);
    }
    long start = System.nanoTime();
    try (Outbox outbox = Outbox.builder().registry(registry).store(store).workers(4).batchSize(64)
        .pollInterval(Duration.ofMillis(20)).build()) {
      while (outbox.count(OutboxState.SENT) < drain) {
        Thread.sleep(20);
      }
    }
    double rate = drain / ((System.nanoTime() - start) / 1e9);
    rows.add(new String[] {"drain " + drain + " queued mails, 1 connection", storeName, String.format(Locale.ROOT, "%,.0f/s", rate)});
    return rate;
  }

  private JdbcConnectionPool postgres() throws Exception {
    PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
    ds.setURL(pgUrl);
    JdbcConnectionPool pool = JdbcConnectionPool.create(ds);
    pool.setMaxConnections(32);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      for (String t : new String[] {"outmail_outbox_part", "outmail_outbox_attempt", "outmail_outbox_mailbox",
          "outmail_outbox", "outmail_outbox_schema"}) {
        s.execute("DROP TABLE IF EXISTS " + t);
      }
    }
    return pool;
  }

}
