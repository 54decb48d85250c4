package org.outmail.outbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.MailboxRegistry;

/**
 * The process the crash and lock tests start with {@code java}: a host application with an
 * embedded outbox.
 *
 * <ul>
 *   <li>{@code deliver STORE PORT COUNT LOG}: enqueues mails 0..COUNT-1 not yet in LOG from 8 threads
 *       (idempotency key {@code mail-N}, so one whose enqueue was cut short by a kill is queued once), appending N to LOG once enqueue(N)
 *       returned; workers deliver to the SMTP server on PORT meanwhile; exits 0 when every mail is
 *       finished.
 *   <li>{@code open STORE}: opens the store and prints {@code opened}, or the error's message.
 *   <li>{@code large DIR PORT MB}: one mail with an MB-megabyte file attachment through an
 *       embedded outbox; prints its final state.
 * </ul>
 */
public final class OutboxChild {
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
    Path store = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    Path log = Path.of(args[4]);
    MailboxRegistry registry = Fixtures.registry(port, new Fixtures.Audit());
    Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(4)
        .lease(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
        .backoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    System.out.println("started");
    System.out.flush();
    java.util.Set<Integer> done = new java.util.HashSet<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        if (!line.isBlank()) {
          done.add(Integer.parseInt(line.strip()));
        }
      }
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService enqueuers = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      enqueuers.execute(() -> {
        for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
          if (done.contains(n)) {
            continue; // enqueue returned before a kill; enqueuing it again would only return its id
          }
          outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(n), "mail-" + n);
          append(log, n + "\n");
        }
      });
    }
    enqueuers.shutdown();
    enqueuers.awaitTermination(10, TimeUnit.MINUTES);
    while (outbox.count(OutboxState.QUEUED) + outbox.count(OutboxState.DEFERRED) + outbox.count(OutboxState.SENDING) > 0) {
      Thread.sleep(50);
    }
    outbox.close();
    registry.close();
    System.out.println("done");
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
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(dir.resolve("store"))).workers(0).build()) {
      long id = outbox.enqueue(registry.defaultOutgoing(), org.outmail.Email.builder().to("alice@example.org")
          .subject("large").text("see attachment").attach("large.bin", "application/octet-stream", file).build());
      Files.delete(file);
      outbox.deliverDue();
      System.out.println(outbox.status(id).orElseThrow().state() + " max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
    }
  }

  private static synchronized void append(Path log, String line) {
    try {
      Files.writeString(log, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
