package org.outmail.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.RetryPolicy;
import org.outmail.TransportException;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxStore;
import org.outmail.test.MailCapture;

/** The outbox's gauges read a real embedded outbox: mails by state and the age of the oldest waiting. */
class OutboxMetricsTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void gaugesCountMailsByStateAndAgeTheOldestWaiting(@TempDir Path dir) throws Exception {
    MailCapture capture = new MailCapture();
    try (MailboxRegistry registry = capture.install(MailboxRegistry.builder())
        .mailbox(Mailbox.builder("support").emailDisplay("support@example.com").host("127.0.0.1")
            .defaultOutgoing(true).build())
        .build();
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(dir.resolve("store")))
            .clock(Clock.fixed(T0, ZoneOffset.UTC)).workers(0).build()) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      new OutboxMetrics(outbox, Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC)).bindTo(meters);
      System.gc(); // nobody keeps the binder: its gauges must still read the outbox

      assertThat(meters.get(OutmailMetrics.OUTBOX_OLDEST_WAITING).timeGauge().value(TimeUnit.SECONDS)).isZero();

      outbox.enqueue(registry.defaultOutgoing(),
          Email.builder().to("alice@example.org").subject("a").text("t").build());
      outbox.enqueue(registry.defaultOutgoing(), Email.builder().to("bob@example.org").subject("b").text("t").build());

      assertThat(meters.get(OutmailMetrics.OUTBOX_MAILS).tag("state", "queued").gauge().value()).isEqualTo(2.0);
      assertThat(meters.get(OutmailMetrics.OUTBOX_MAILS).tag("state", "sent").gauge().value()).isZero();
      assertThat(meters.get(OutmailMetrics.OUTBOX_OLDEST_WAITING).timeGauge().value(TimeUnit.SECONDS)).isEqualTo(90.0);

      outbox.deliverDue();

      assertThat(capture.count()).isEqualTo(2);
      assertThat(meters.get(OutmailMetrics.OUTBOX_MAILS).tag("state", "sent").gauge().value()).isEqualTo(2.0);
      assertThat(meters.get(OutmailMetrics.OUTBOX_MAILS).tag("state", "queued").gauge().value()).isZero();
      assertThat(meters.get(OutmailMetrics.OUTBOX_OLDEST_WAITING).timeGauge().value(TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void theMetricsGivenToTheOutboxCountQueuedMailsAndDeliveriesByState(@TempDir Path dir) throws Exception {
    MailCapture capture = new MailCapture();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    OutmailMetrics metrics = new OutmailMetrics(meters);
    try (MailboxRegistry registry = capture.install(MailboxRegistry.builder())
        .mailbox(Mailbox.builder("support").emailDisplay("support@example.com").host("127.0.0.1")
            .retryPolicy(RetryPolicy.NONE).defaultOutgoing(true).build())
        .listener(metrics)
        .build();
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(dir.resolve("store")))
            .clock(Clock.fixed(T0, ZoneOffset.UTC)).workers(0).listener(metrics).build()) {
      capture.failNext(TransportException.Kind.TRANSIENT);
      outbox.enqueue(registry.defaultOutgoing(),
          Email.builder().to("alice@example.org").subject("a").text("t").build());
      outbox.enqueue(registry.defaultOutgoing(), Email.builder().to("bob@example.org").subject("b").text("t").build());

      outbox.deliverDue();

      assertThat(meters.get(OutmailMetrics.OUTBOX_QUEUED).tag("mailbox", "support").counter().count()).isEqualTo(2);
      assertThat(meters.get(OutmailMetrics.OUTBOX_DELIVERIES).tags("mailbox", "support", "state", "deferred")
          .counter().count()).isEqualTo(1);
      assertThat(meters.get(OutmailMetrics.OUTBOX_DELIVERIES).tags("mailbox", "support", "state", "sent")
          .counter().count()).isEqualTo(1);
      // each delivery is a send, counted once by the registry's listener, never again by the outbox's
      assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "support", "outcome", "sent").counter().count())
          .isEqualTo(1);
      assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "support", "outcome", "failed").counter().count())
          .isEqualTo(1);
    }
  }
}
