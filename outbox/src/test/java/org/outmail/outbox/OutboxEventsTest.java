package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailEvent;
import org.outmail.MailboxRegistry;
import org.outmail.SendEvent;
import org.outmail.TransportException;
import org.outmail.testing.RecordedEvents;

/**
 * The outbox speaks the one event model: a listener given to the registry and to the outbox hears a
 * queued mail's life in order, each event once: queued, then for each delivery the attempt, how its
 * send ended, and the delivery the outbox recorded (deferred, sent, or dead).
 */
class OutboxEventsTest {
  @TempDir Path temp;

  private static MailboxRegistry registry(int port, RecordedEvents events) {
    return MailboxRegistry.builder().mailbox(Fixtures.mailbox("support", port).defaultOutgoing(true).build())
        .listener(events).build();
  }

  @Test
  @Timeout(60)
  void aMailDeferredOnceThenSentIsQueuedThenTwoDeliveriesEachWithItsSend() throws Exception {
    MutableClock clock = new MutableClock();
    RecordedEvents events = new RecordedEvents();
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = registry(smtp.port(), events);
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("store")))
            .workers(0).clock(clock).backoff(Duration.ofMinutes(1), Duration.ofMinutes(1)).listener(events).build()) {
      smtp.refusing(true);
      long id = outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(1));
      outbox.deliverDue();
      smtp.refusing(false);
      clock.advance(Duration.ofMinutes(2));
      outbox.deliverDue();

      assertThat(events.kinds()).containsExactly("Queued",
          "AttemptStarting", "SendEvent", "Delivery",
          "AttemptStarting", "SendEvent", "Delivery");
      String messageId = outbox.status(id).orElseThrow().messageId();
      assertThat(events.heard).allSatisfy(e -> assertThat(e.mailboxId()).isEqualTo("support"));
      MailEvent.Queued queued = (MailEvent.Queued) events.heard.get(0);
      assertThat(queued.queueId()).isEqualTo(id);
      assertThat(queued.messageId()).isEqualTo(messageId);

      SendEvent refused = (SendEvent) events.heard.get(2);
      assertThat(refused.outcome()).isEqualTo(SendEvent.Outcome.FAILED);
      assertThat(refused.messageId()).contains(messageId);
      assertThat(refused.stage()).isPresent();
      MailEvent.Delivery deferred = (MailEvent.Delivery) events.heard.get(3);
      assertThat(deferred.queueId()).isEqualTo(id);
      assertThat(deferred.messageId()).isEqualTo(messageId);
      assertThat(deferred.attempt()).isEqualTo(1);
      assertThat(deferred.state()).isEqualTo(MailEvent.Delivery.State.DEFERRED);
      assertThat(deferred.dead()).isFalse();
      assertThat(deferred.nextAttemptAt()).isPresent();
      assertThat(deferred.error()).hasValueSatisfying(e -> assertThat(e).contains("421"));

      assertThat(((MailEvent.AttemptStarting) events.heard.get(4)).messageId()).isEqualTo(messageId);
      SendEvent sent = (SendEvent) events.heard.get(5);
      assertThat(sent.outcome()).isEqualTo(SendEvent.Outcome.SENT);
      assertThat(sent.server()).contains("127.0.0.1:" + smtp.port());
      MailEvent.Delivery delivered = (MailEvent.Delivery) events.heard.get(6);
      assertThat(delivered.attempt()).isEqualTo(2);
      assertThat(delivered.state()).isEqualTo(MailEvent.Delivery.State.SENT);
      assertThat(delivered.error()).isEmpty();
      assertThat(delivered.nextAttemptAt()).isEmpty();
      assertThat(smtp.messageIds()).containsExactly(messageId);
    }
  }

  @Test
  @Timeout(60)
  void anEnqueueWhoseIdempotencyKeyIsTakenIsNotQueuedAgain() throws Exception {
    RecordedEvents events = new RecordedEvents();
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = registry(smtp.port(), events);
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("store")))
            .workers(0).listener(events).build()) {
      long first = outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(3), "ticket-4711-comment-9");
      long again = outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(3), "ticket-4711-comment-9");

      assertThat(again).isEqualTo(first);
      assertThat(events.heard).singleElement().isInstanceOfSatisfying(MailEvent.Queued.class,
          q -> assertThat(q.queueId()).isEqualTo(first));
    }
  }

  @Test
  @Timeout(60)
  @SuppressWarnings("deprecation") // the failure listener still hears a dead mail, until it goes
  void aMailRefusedForGoodIsDeadAndTheOldFailureListenerStillHearsIt() throws Exception {
    MutableClock clock = new MutableClock();
    RecordedEvents events = new RecordedEvents();
    List<OutboxEntry> failures = Collections.synchronizedList(new ArrayList<>());
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = registry(smtp.port(), events);
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("store")))
            .workers(0).clock(clock).listener(events).failureListener(failures::add).build()) {
      smtp.rcptReply(a -> "550 5.1.1 <" + a + ">: no such user");
      long id = outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(2));
      outbox.deliverDue();

      assertThat(events.kinds()).containsExactly("Queued", "AttemptStarting", "SendEvent", "Delivery");
      SendEvent refused = (SendEvent) events.heard.get(2);
      assertThat(refused.outcome()).isEqualTo(SendEvent.Outcome.FAILED);
      assertThat(refused.stage()).contains(TransportException.Stage.RECIPIENTS);
      MailEvent.Delivery dead = (MailEvent.Delivery) events.heard.get(3);
      assertThat(dead.state()).isEqualTo(MailEvent.Delivery.State.FAILED);
      assertThat(dead.dead()).isTrue();
      assertThat(dead.attempt()).isEqualTo(1);
      assertThat(dead.error()).hasValueSatisfying(e -> assertThat(e).contains("550"));
      assertThat(failures).extracting(OutboxEntry::id).containsExactly(id);
    }
  }

  @Test
  @Timeout(60)
  void aMailWhoseSenderStoppedWithoutAnOutcomeIsToldDeferredAndThenSentAgain() throws Exception {
    RecordedEvents events = new RecordedEvents();
    Path store = temp.resolve("store");
    try (RecordingSmtpServer smtp = new RecordingSmtpServer();
        MailboxRegistry registry = registry(smtp.port(), events)) {
      long id;
      try (Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(0)
          .build()) {
        id = outbox.enqueue(registry.defaultOutgoing(), Fixtures.mail(4));
      }
      // what a process killed while sending leaves behind: the mail claimed by a node, one attempt begun
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.resolve("outbox.db"));
          Statement s = c.createStatement()) {
        assertThat(s.executeUpdate("UPDATE outmail_outbox SET state = 'SENDING', claimed_by = 'gone', "
            + "attempts = 1 WHERE id = " + id)).isEqualTo(1);
      }

      // opening the embedded store again ends that attempt; the default policy (RESEND) sends it again
      try (Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(0)
          .listener(events).build()) {
        assertThat(events.kinds()).containsExactly("Delivery");
        MailEvent.Delivery lost = (MailEvent.Delivery) events.heard.get(0);
        assertThat(lost.queueId()).isEqualTo(id);
        assertThat(lost.attempt()).isEqualTo(1);
        assertThat(lost.state()).isEqualTo(MailEvent.Delivery.State.DEFERRED);
        assertThat(lost.dead()).isFalse();
        assertThat(lost.nextAttemptAt()).isPresent();
        assertThat(lost.error()).hasValueSatisfying(e -> assertThat(e).contains("stopped before recording an outcome"));

        outbox.deliverDue();

        assertThat(events.kinds()).containsExactly("Delivery", "AttemptStarting", "SendEvent", "Delivery");
        MailEvent.Delivery sent = (MailEvent.Delivery) events.heard.get(3);
        assertThat(sent.attempt()).isEqualTo(2);
        assertThat(sent.state()).isEqualTo(MailEvent.Delivery.State.SENT);
        assertThat(smtp.messageIds()).containsExactly(lost.messageId());
      }
    }
  }
}
