package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailboxRegistry;

/** The mail server refuses every session for a while, then comes back. */
class OutageTest {
  @TempDir Path temp;

  @Test
  @Timeout(120)
  void everythingQueuedDuringAnOutageIsDeliveredInBackoffOrderWithItsAttemptsRecorded() throws Exception {
    MutableClock clock = new MutableClock();
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = Fixtures.registry(smtp.port(), new Fixtures.Audit());
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("store")))
            .workers(0).clock(clock).backoff(Duration.ofMinutes(1), Duration.ofMinutes(30)).build()) {
      smtp.refusing(true);
      Map<Long, Integer> mails = new HashMap<>();
      for (int n = 0; n < 50; n++) {
        mails.put(outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(n)), n);
        clock.advance(Duration.ofSeconds(1));
      }

      // ten minutes of outage: every due mail is tried and deferred
      Instant outageEnds = clock.instant().plus(Duration.ofMinutes(10));
      while (clock.instant().isBefore(outageEnds)) {
        outbox.deliverDue();
        clock.advance(Duration.ofSeconds(10));
      }
      assertThat(smtp.received()).isEmpty();
      assertThat(outbox.count(OutboxState.DEFERRED)).isEqualTo(50);
      List<OutboxEntry> waiting = outbox.list(OutboxState.DEFERRED, 100);
      assertThat(waiting).allSatisfy(e -> {
        assertThat(e.attempts()).isGreaterThanOrEqualTo(3);
        assertThat(e.lastError()).hasValueSatisfying(err -> assertThat(err).contains("421"));
      });

      smtp.refusing(false);
      List<String> expectedOrder = waiting.stream()
          .sorted(
              Comparator.comparing((OutboxEntry e) -> e.nextAttemptAt().orElseThrow()).thenComparing(OutboxEntry::id))
          .map(OutboxEntry::messageId).toList();
      Instant lastDue = waiting.stream().map(e -> e.nextAttemptAt().orElseThrow()).max(Comparator.naturalOrder())
          .orElseThrow();
      while (!clock.instant().isAfter(lastDue)) {
        outbox.deliverDue();
        clock.advance(Duration.ofSeconds(1));
      }
      outbox.deliverDue();

      assertThat(outbox.count(OutboxState.SENT)).isEqualTo(50);
      assertThat(smtp.messageIds()).containsExactlyElementsOf(expectedOrder);
      for (long id : mails.keySet()) {
        List<OutboxAttempt> attempts = outbox.attempts(id);
        assertThat(attempts.get(attempts.size() - 1).outcome()).contains("SENT");
        assertThat(attempts.subList(0, attempts.size() - 1)).allSatisfy(a -> {
          assertThat(a.outcome()).contains("DEFERRED");
          assertThat(a.detail()).hasValueSatisfying(d -> assertThat(d).contains("421"));
        });
        for (int i = 1; i < attempts.size(); i++) {
          Duration gap = Duration.between(attempts.get(i - 1).startedAt(), attempts.get(i).startedAt());
          Duration ceiling = Duration.ofMinutes(1L << (i - 1));
          assertThat(gap).as("wait before attempt %d", i + 1).isBetween(ceiling.dividedBy(2), ceiling.plusSeconds(10));
        }
      }
    }
  }
}
