package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;
import org.outmail.micrometer.OutmailMetrics;
import org.outmail.outbox.Outbox;
import org.outmail.test.MailCapture;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Meters for every mailbox before the first send; the outbox's gauges and health. */
class MetricsAndHealthFromTheStartTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailMetricsAutoConfiguration.class,
          OutmailOutboxAutoConfiguration.class, OutmailHealthAutoConfiguration.class))
      .withUserConfiguration(OutmailAutoConfigurationTest.Captured.class)
      .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
      .withPropertyValues(OutmailAutoConfigurationTest.SUPPORT);

  @Test
  void everyMailboxHasItsMetersBeforeTheFirstSend() {
    runner.run(context -> {
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "support", "outcome", "sent", "exception", "none")
          .counter().count()).isZero();
      assertThat(meters.get(OutmailMetrics.SEND_DURATION).tags("mailbox", "support").timer().count()).isZero();
      context.getBean(MailboxRegistry.class).defaultOutgoing().send(OutboxAutoConfigurationTest.mail(1));
      assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "support", "outcome", "sent").counter().count())
          .as("the send counts on the meter registered at start-up").isEqualTo(1);
      assertThat(meters.find(OutmailMetrics.OUTBOX_MAILS).gauges()).as("no outbox, no outbox gauges").isEmpty();
    });
  }

  @Test
  void theOutboxsGaugesAreBoundWhenTheOutboxIsOn(@TempDir Path dir) {
    runner
        .withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.directory=" + dir,
            "outmail.outbox.workers=0")
        .run(context -> {
          Outbox outbox = context.getBean(Outbox.class);
          outbox.enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(), OutboxAutoConfigurationTest.mail(1));
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          assertThat(meters.get(OutmailMetrics.OUTBOX_MAILS).tag("state", "queued").gauge().value()).isEqualTo(1);
          assertThat(meters.get(OutmailMetrics.OUTBOX_OLDEST_WAITING).timeGauge()).isNotNull();
        });
  }

  @Test
  void outboxHealthIsDownWhenTheOldestMailWaitsTooLong(@TempDir Path dir) {
    runner.withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.directory=" + dir,
        "outmail.outbox.workers=0",
        "outmail.outbox.health.max-waiting=1ms").run(context -> {
          HealthIndicator health = context.getBean("outmailOutboxHealthIndicator", HealthIndicator.class);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
          Outbox outbox = context.getBean(Outbox.class);
          outbox.enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(), OutboxAutoConfigurationTest.mail(1));
          Thread.sleep(1100); // the age is reported in whole seconds; 1 ms is the threshold
          Health down = health.health();
          assertThat(down.getStatus()).isEqualTo(Status.DOWN);
          assertThat(down.getDetails()).containsEntry("queued", 1L);
          assertThat((String) down.getDetails().get("reason")).startsWith("the oldest mail has waited ");
        });
  }

  @Test
  void outboxHealthIsDownWhenFailedMailsExceedTheThreshold(@TempDir Path dir) {
    runner.withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.directory=" + dir,
        "outmail.outbox.workers=0",
        "outmail.outbox.health.max-failed=1").run(context -> {
          HealthIndicator health = context.getBean("outmailOutboxHealthIndicator", HealthIndicator.class);
          Outbox outbox = context.getBean(Outbox.class);
          MailboxRegistry registry = context.getBean(MailboxRegistry.class);
          context.getBean(MailCapture.class).failAlways(TransportException.Kind.PERMANENT);
          outbox.enqueue(registry.defaultOutgoing(), OutboxAutoConfigurationTest.mail(1));
          outbox.deliverDue();
          assertThat(health.health().getStatus()).as("one failed mail is within the threshold").isEqualTo(Status.UP);
          outbox.enqueue(registry.defaultOutgoing(), OutboxAutoConfigurationTest.mail(2));
          outbox.deliverDue();
          Health down = health.health();
          assertThat(down.getStatus()).isEqualTo(Status.DOWN);
          assertThat(down.getDetails()).containsEntry("failed", 2L).containsEntry("reason",
              "2 failed mail(s), more than 1");
        });
  }
}
