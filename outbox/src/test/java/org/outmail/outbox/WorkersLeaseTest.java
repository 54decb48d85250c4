package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailboxRegistry;

/**
 * A node renews the lease of every mail it is sending, whatever order its threads run in: no mail
 * in flight is taken back as "lease ended" by the node's own heartbeat (which would send it twice
 * without any process dying). The threads are paused where the order matters, and the outbox's
 * clock is moved by the test.
 */
class WorkersLeaseTest {
  private static final Duration LEASE = Duration.ofMillis(300);

  @TempDir Path temp;

  /**
   * Attempt 1 of a mail is deferred; attempt 2 is claimed before the recorder has taken attempt 1
   * off the node's held mails. Attempt 2, still being sent, keeps its lease.
   */
  @Test
  @Timeout(60)
  void aMailClaimedAgainBeforeItsLastOutcomeWasListedKeepsItsLease() throws Exception {
    MutableClock clock = new MutableClock();
    AtomicInteger dataEnds = new AtomicInteger();
    CountDownLatch serverAnswers = new CountDownLatch(1);
    try (RecordingSmtpServer smtp = new RecordingSmtpServer().endOfDataReply(() -> {
      if (dataEnds.incrementAndGet() == 1) {
        return "451 4.3.0 Try again later";
      }
      await(serverAnswers); // attempt 2 (and any later one) is in flight until the test lets it end
      return "250 2.0.0 Ok: queued";
    });
        MailboxRegistry registry = Fixtures.registry(smtp.port(), new Fixtures.Audit())) {
      long id;
      try (Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp)).clock(clock).workers(0)
          .build()) {
        id = outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(1));
      }
      JdbcStore store = OutboxStore.embedded(temp).open();
      CountDownLatch firstStored = new CountDownLatch(1);
      CountDownLatch recorderGoesOn = new CountDownLatch(1);
      AtomicInteger recordings = new AtomicInteger();
      Outbox.Recorder recorder = new Outbox.Recorder() {
        @Override
        public void record(List<Outcome> outcomes) throws SQLException {
          store.record(outcomes);
          if (recordings.incrementAndGet() == 1) {
            firstStored.countDown();
            await(recorderGoesOn); // paused after attempt 1's outcome is stored, before the node lists it as done
          }
        }

        @Override
        public void reap(long now) throws SQLException {
          store.reapExpired(now, clock.millis(), true, "its lease ended");
        }
      };
      Outbox.Settings settings = new Outbox.Settings(() -> registry, clock, 4, 16, LEASE, Duration.ofMillis(20),
          Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(5), OutcomeUnknownPolicy.RESEND, List.of(),
          Map.of(),
          Map.of(), "node-a", Duration.ofSeconds(5), List.of());
      Workers workers = new Workers(settings, store, new Delivery(() -> registry, store, clock,
          new Backoff(Duration.ofMinutes(1), Duration.ofHours(1)), OutcomeUnknownPolicy.RESEND), recorder);
      workers.start();
      try {
        assertThat(firstStored.await(20, TimeUnit.SECONDS)).as("attempt 1 ends deferred").isTrue();
        assertThat(store.entry(id).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);
        clock.advance(Duration.ofMinutes(2)); // attempt 2 is due
        awaitAttempts(store, id, 2);
        recorderGoesOn.countDown();
        // attempt 2 is at the server; its lease must be renewed, not ended, by this node's heartbeat
        for (int beat = 0; beat < 3; beat++) {
          clock.advance(LEASE.multipliedBy(2));
          long renewedTo = clock.millis() + LEASE.toMillis();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (true) {
            OutboxEntry e = store.entry(id).orElseThrow();
            if (e.attempts() > 2 || e.state() != OutboxState.SENDING
                || e.nextAttemptAt().map(Instant::toEpochMilli).orElse(0L) >= renewedTo) {
              break;
            }
            assertThat(System.nanoTime()).as("the heartbeat runs").isLessThan(deadline);
            Thread.sleep(10);
          }
          assertThat(store.attempts(id)).as("attempt 2 is still being sent: its lease was renewed, the mail not taken "
              + "back").hasSize(2).noneMatch(a -> a.outcome().filter("UNKNOWN"::equals).isPresent());
        }
        serverAnswers.countDown();
        awaitState(store, id, OutboxState.SENT);
        assertThat(smtp.messageIds()).as("sent once").hasSize(1);
      } finally {
        recorderGoesOn.countDown();
        serverAnswers.countDown();
        workers.close();
        store.close();
      }
    }
  }

  private static void awaitAttempts(JdbcStore store, long id, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (store.attempts(id).size() < n) {
      assertThat(System.nanoTime()).as("attempt %d of mail %d is claimed", n, id).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void awaitState(JdbcStore store, long id, OutboxState state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (store.entry(id).orElseThrow().state() != state) {
      assertThat(System.nanoTime()).as("mail %d becomes %s: %s", id, state, store.attempts(id)).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
