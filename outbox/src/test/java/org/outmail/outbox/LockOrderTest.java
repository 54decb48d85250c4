package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.MailboxRegistry;

/**
 * Lease renewal and outcome recording run at once on many mails and never wait for each other in a
 * circle: 8 mails in flight, leases renewed every 100 ms, over 50,000 mails, with no process killed.
 * Every mail is received exactly once and no attempt ends as unknown (an outcome lost to a
 * deadlock would send its mail again).
 */
class LockOrderTest {
  static final int MAILS = Integer.getInteger("outmail.test.lock-order.mails", 50_000);

  @TempDir
  Path temp;

  @Test
  @Timeout(600)
  void embeddedStoreRenewsAndRecordsWithoutLosingAnOutcome() throws Exception {
    deliverAllOnce(OutboxStore.embedded(temp.resolve("store")), null);
  }

  @Test
  @Timeout(600)
  void postgresStoreRenewsAndRecordsWithoutLosingAnOutcome() throws Exception {
    try (HikariDataSource pool = Fixtures.postgres()) {
      Fixtures.dropOutboxTables(pool);
      deliverAllOnce(OutboxStore.jdbc(pool), pool);
    }
  }

  private void deliverAllOnce(OutboxStore store, HikariDataSource pool) throws Exception {
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = Fixtures.registry(smtp.port(), new Fixtures.Audit());
        Outbox outbox = Outbox.builder().registry(registry).store(store).workers(8)
            .lease(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(50)).build()) {
      List<Email> batch = new ArrayList<>();
      for (int i = 0; i < MAILS; i++) {
        batch.add(Fixtures.mail(i));
        if (batch.size() == 1_000) {
          outbox.enqueueAll(registry.defaultOutgoing(), batch, null);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        outbox.enqueueAll(registry.defaultOutgoing(), batch, null);
      }
      while (outbox.count(OutboxState.SENT) < MAILS) {
        assertThat(outbox.count(OutboxState.FAILED) + outbox.count(OutboxState.EXPIRED)).isZero();
        Thread.sleep(200);
      }
      Map<String, Long> received = smtp.messageIds().stream()
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(received).hasSize(MAILS);
      assertThat(received.values()).as("no mail was sent twice").allMatch(n -> n == 1);
      assertThat(unknownAttempts(outbox)).as("attempts that ended unknown (an outcome lost)").isZero();
    }
  }

  /** Mails that took more than one attempt: with no failure and no kill, only an outcome lost would make one. */
  private static long unknownAttempts(Outbox outbox) {
    return outbox.list(OutboxState.SENT, Integer.MAX_VALUE).stream().filter(e -> e.attempts() != 1).count();
  }
}
