package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailboxRegistry;

/** The delivery threads: they deliver what is enqueued, and closing leaves nothing claimed. */
class WorkersTest {
  @TempDir Path temp;

  @Test
  @Timeout(120)
  void workersDeliverEverythingAndClosingLeavesNothingClaimed() throws Exception {
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = Fixtures.registry(smtp.port(), new Fixtures.Audit())) {
      Path store = temp.resolve("store");
      Set<Long> ids = new HashSet<>();
      try (Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(2)
          .batchSize(50).pollInterval(Duration.ofMillis(50)).build()) {
        for (int n = 0; n < 300; n++) {
          ids.add(
              outbox.enqueue(n % 2 == 0 ? registry.outgoing("support") : registry.outgoing("sales"), Fixtures.mail(n)));
        }
        // closed while the workers are busy: running sends finish, claimed mails not tried are given back
      }
      try (
          Outbox reopened = Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(0).build()) {
        assertThat(reopened.count(OutboxState.SENDING)).isZero();
        long sent = reopened.count(OutboxState.SENT);
        assertThat(sent + reopened.count(OutboxState.QUEUED)).isEqualTo(300);
        assertThat(smtp.received()).hasSize((int) sent);
        List<OutboxEntry> queued = reopened.list(OutboxState.QUEUED, 300);
        assertThat(queued).allSatisfy(e -> assertThat(e.nextAttemptAt()).isPresent());
      }
      try (Outbox again = Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(2)
          .pollInterval(Duration.ofMillis(50)).build()) {
        while (again.count(OutboxState.SENT) < 300) {
          Thread.sleep(50);
        }
        assertThat(again.count(OutboxState.SENDING)).isZero();
      }
      assertThat(smtp.messageIds()).doesNotHaveDuplicates().hasSize(300);
    }
  }

  @Test
  @Timeout(120)
  void aThrottledMailboxDoesNotHoldUpTheOthersOnTheWorkers() throws Exception {
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = Fixtures.registry(smtp.port(), new Fixtures.Audit());
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("s"))).workers(2)
            .rateLimit("support", "5/1h").pollInterval(Duration.ofMillis(50)).build()) {
      for (int n = 0; n < 40; n++) {
        outbox.enqueue(registry.outgoing("support"), Fixtures.mail(n));
        outbox.enqueue(registry.outgoing("sales"), Fixtures.mail(100 + n));
      }
      while (outbox.count(OutboxState.SENT) < 45) {
        Thread.sleep(50);
      }
      assertThat(outbox.count(OutboxState.QUEUED)).isEqualTo(35);
      assertThat(outbox.list(OutboxState.QUEUED, 100)).allMatch(e -> e.mailboxId().equals("support"));
    }
  }
}
