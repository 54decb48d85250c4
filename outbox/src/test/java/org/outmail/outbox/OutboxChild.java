package org.outmail.outbox;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.PostSendHook;
import org.outmail.SentEmail;

/**
 * The process the crash and lock tests start with {@code java}: a host application with an outbox.
 *
 * <ul>
 *   <li>{@code deliver --port=P --mails=N --log=FILE (--store=DIR | --postgres) [options]}: enqueues
 *       the mails with keys {@code first, first+step, ...} below N that are not yet in LOG, from 8
 *       threads, with idempotency key {@code mail-K} and the header {@value #KEY_HEADER} (so one
 *       whose enqueue was cut short by a kill is queued once, and the server can count each), and
 *       appends K to LOG once enqueue(K) returned (written to the operating system at once, so it
 *       survives a kill). Workers deliver to the SMTP server on port P meanwhile. Prints
 *       {@code started} once the outbox is open, {@code delivering} once the server took a mail,
 *       {@code enqueued} once every mail is acknowledged,
 *       and {@code done} after closing the outbox: when nothing waits or is being sent ({@code
 *       --until=idle}), or when a line {@code stop} comes on standard input ({@code --until=stop},
 *       the default). Options: {@code --first=0 --step=1}; {@code --rate=R} enqueues at most R
 *       mails a second (0: as fast as it can); {@code --lease=MILLIS}; {@code --node=ID}; {@code
 *       --burn=T} threads that burn CPU beside the outbox. {@code --postgres} uses the test
 *       PostgreSQL ({@code OUTMAIL_TEST_PG_URL}) through a small HikariCP pool.
 *   <li>{@code open STORE}: opens the store and prints {@code opened}, or the error's message.
 *   <li>{@code large DIR PORT MB}: one mail with an MB-megabyte file attachment through an
 *       embedded outbox; prints its final state.
 * </ul>
 */
public final class OutboxChild {
  /** The header that carries a mail's idempotency key to the receiving server. */
  static final String KEY_HEADER = "X-Outmail-Test-Key";

  private OutboxChild() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("large")) {
      large(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      return;
    }
    if (args[0].equals("open")) {
      try (Outbox outbox = Outbox.builder().registry(MailboxRegistry.builder().build())
          .store(OutboxStore.embedded(Path.of(args[1]))).workers(0).build()) {
        System.out.println("opened");
      } catch (OutboxException e) {
        System.out.println(e.getMessage());
      }
      return;
    }
    if (args[0].equals("deliver")) {
      try {
        deliver(options(args));
      } catch (Exception | Error e) {
        e.printStackTrace();
        System.exit(1); // the outbox's threads would keep a failed host alive
      }
      return;
    }
    throw new IllegalArgumentException("unknown command " + args[0]);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("not an option: " + args[i]);
      }
      int eq = args[i].indexOf('=');
      out.put(eq < 0 ? args[i].substring(2) : args[i].substring(2, eq), eq < 0 ? "" : args[i].substring(eq + 1));
    }
    return out;
  }

  /** The mail with key {@code mail-K}: like {@link Fixtures#mail}, with the key in a header. */
  static Email mail(int k) {
    return Email.builder().to("user" + k + "@example.org").subject("Notification " + k)
        .text("Body of notification " + k)
        .recordId(Integer.toString(4700 + k)).header(KEY_HEADER, "mail-" + k).build();
  }

  private static void deliver(Map<String, String> o) throws Exception {
    int port = Integer.parseInt(o.get("port"));
    int mails = Integer.parseInt(o.get("mails"));
    int first = Integer.parseInt(o.getOrDefault("first", "0"));
    int step = Integer.parseInt(o.getOrDefault("step", "1"));
    double rate = Double.parseDouble(o.getOrDefault("rate", "0"));
    Path log = Path.of(o.get("log"));
    AtomicBoolean delivering = new AtomicBoolean();
    MailboxRegistry registry = MailboxRegistry.builder()
        .mailbox(
            Fixtures.mailbox("support", port).defaultOutgoing(true).prefix("TICKET#").postSendHooks("progress").build())
        .hook(new PostSendHook() {
          @Override
          public String name() {
            return "progress";
          }

          @Override
          public void afterSend(SentEmail sent) {
            if (delivering.compareAndSet(false, true)) {
              System.out.println("delivering");
              System.out.flush();
            }
          }
        })
        .build();
    HikariDataSource pool = o.containsKey("postgres") ? Fixtures.postgres(8) : null;
    Outbox.Builder builder = Outbox.builder().registry(registry)
        .store(pool != null ? OutboxStore.jdbc(pool) : OutboxStore.embedded(Path.of(o.get("store"))))
        .lease(Duration.ofMillis(Long.parseLong(o.getOrDefault("lease", "2000"))))
        .pollInterval(Duration.ofMillis(100)).backoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    if (o.containsKey("node")) {
      builder.nodeId(o.get("node"));
    }
    Outbox outbox = builder.build();
    System.out.println("started");
    System.out.flush();
    for (int t = 0; t < Integer.parseInt(o.getOrDefault("burn", "0")); t++) {
      Thread burner = new Thread(OutboxChild::burn, "cpu-burner-" + t);
      burner.setDaemon(true);
      burner.start();
    }

    Set<Integer> done = readLog(log);
    List<Integer> todo = new ArrayList<>();
    for (int k = first; k < mails; k += step) {
      if (!done.contains(k)) {
        todo.add(k); // a mail whose enqueue returned before a kill is not enqueued again (that would only return its id)
      }
    }
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
      ExecutorService enqueuers = Executors.newFixedThreadPool(8);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        running.add(enqueuers.submit(() -> {
          for (int i = next.getAndIncrement(); i < todo.size(); i = next.getAndIncrement()) {
            if (rate > 0) {
              long at = start + (long) (i * 1e9 / rate);
              long wait = at - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              }
            }
            int k = todo.get(i);
            outbox.enqueue(registry.defaultOutgoing(), mail(k), "mail-" + k);
            synchronized (out) {
              out.write((k + "\n").getBytes(StandardCharsets.US_ASCII)); // one write: in the OS at once, whole
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get(); // an enqueue that failed fails the child, with its stack trace
      }
      enqueuers.shutdown();
    }
    System.out.println("enqueued");
    System.out.flush();

    if (o.getOrDefault("until", "stop").equals("idle")) {
      while (waiting(outbox) > 0 || waiting(outbox) > 0) {
        Thread.sleep(50);
      }
    } else {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.strip().equals("stop")) {
        // wait for the test to say stop (or to go away)
      }
    }
    outbox.close();
    registry.close();
    if (pool != null) {
      pool.close();
    }
    System.out.println("done");
  }

  private static long waiting(Outbox outbox) {
    return outbox.count(OutboxState.QUEUED) + outbox.count(OutboxState.DEFERRED) + outbox.count(OutboxState.SENDING);
  }

  /** Keeps a core busy, as a host's own work would. */
  private static void burn() {
    long x = 1;
    while (true) {
      for (int i = 0; i < 1_000_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
      sink = x;
    }
  }

  @SuppressWarnings("unused") private static volatile long sink;

  /** The keys in a child's log of acknowledged mails (a line cut short by a kill is not one). */
  static Set<Integer> readLog(Path log) throws IOException {
    Set<Integer> out = new HashSet<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
        if (line.matches("[0-9]+")) {
          out.add(Integer.parseInt(line));
        }
      }
    }
    return out;
  }

  /** Enqueues one mail with a file attachment of {@code mb} MB, deletes the file, delivers the mail. */
  private static void large(Path dir, int port, int mb) throws Exception {
    Path file = dir.resolve("large.bin");
    byte[] block = new byte[1 << 20];
    try (java.io.OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mb; i++) {
        java.util.Arrays.fill(block, (byte) ('a' + i % 26));
        out.write(block);
      }
    }
    try (MailboxRegistry registry = Fixtures.registry(port, new Fixtures.Audit());
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(dir.resolve("store"))).workers(0)
            .build()) {
      long id = outbox.enqueue(registry.defaultOutgoing(), org.outmail.Email.builder().to("alice@example.org")
          .subject("large").text("see attachment").attach("large.bin", "application/octet-stream", file).build());
      Files.delete(file);
      outbox.deliverDue();
      System.out.println(
          outbox.status(id).orElseThrow().state() + " max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
    }
  }
}
