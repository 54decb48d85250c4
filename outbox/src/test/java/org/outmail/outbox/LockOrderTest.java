package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  @TempDir Path temp;

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
          .collect(Collectors.groupingBy(String::valueOf, Collectors.counting()));
      List<String> twice = received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted()
          .toList();
      assertThat(twice).as(() -> twice.size() + " mail(s) received more than once; each with its copies and its "
          + "attempts:\n" + describe(outbox, twice, received)).isEmpty();
      assertThat(received).as(() -> "each mail received (Message-IDs seen: " + received.size() + ", other than the "
          + "outbox's: " + received.keySet().stream().filter(m -> outbox.search(m, 0, 1).isEmpty()).limit(20).toList()
          + ")")
          .hasSize(MAILS);
      List<OutboxEntry> retried = outbox.list(OutboxState.SENT, Integer.MAX_VALUE).stream()
          .filter(e -> e.attempts() != 1)
          .toList();
      assertThat(retried)
          .as(() -> "mails that took more than one attempt (with no failure and no kill, only an outcome "
              + "lost or a lease ended too early makes one):\n"
              + describe(outbox, retried.stream().map(OutboxEntry::messageId).toList(), received))
          .isEmpty();
    }
  }

  /** The mails with these Message-IDs: how often each was received, and each of its attempts as the store recorded it. */
  static String describe(Outbox outbox, List<String> messageIds, Map<String, Long> received) {
    StringBuilder out = new StringBuilder();
    for (String messageId : messageIds.stream().limit(20).toList()) {
      out.append(messageId).append(": received ").append(received.getOrDefault(messageId, 0L)).append(" time(s)");
      List<OutboxEntry> entries = outbox.search(messageId, 0, 5);
      if (entries.isEmpty()) {
        out.append(", not in the outbox\n");
      }
      for (OutboxEntry e : entries) {
        out.append(", mail ").append(e.id()).append(' ').append(e.state()).append(" after ").append(e.attempts())
            .append(" attempt(s)\n");
        for (OutboxAttempt a : outbox.attempts(e.id())) {
          out.append("  attempt ").append(a.number()).append(" node ").append(a.node()).append(" started ")
              .append(a.startedAt()).append(" finished ").append(a.finishedAt().map(Object::toString).orElse("-"))
              .append(' ').append(a.outcome().orElse("-")).append(": ").append(a.detail().orElse("")).append('\n');
        }
      }
    }
    return out.toString();
  }
}
