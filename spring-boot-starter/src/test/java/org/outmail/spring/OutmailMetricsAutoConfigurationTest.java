package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.RecipientsBlockedException;
import org.outmail.micrometer.OutmailMetrics;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Metrics of every send of the auto-configured registry, when the application has a MeterRegistry. */
class OutmailMetricsAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailMetricsAutoConfiguration.class))
      .withUserConfiguration(OutmailAutoConfigurationTest.Captured.class)
      .withPropertyValues(OutmailAutoConfigurationTest.SUPPORT)
      .withPropertyValues("outmail.mailbox.support.exclude-expression=.*@noreply\\.example\\.com");

  @Test
  void sendsAreRecordedWhenAMeterRegistryBeanExists() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      MailboxRegistry registry = context.getBean(MailboxRegistry.class);
      registry.defaultOutgoing().send(Email.builder().to("alice@example.org").cc("bot@noreply.example.com")
          .subject("Printer jammed").text("On it.").build());
      assertThatThrownBy(() -> registry.defaultOutgoing().send(Email.builder().to("bot@noreply.example.com")
          .subject("x").text("y").build())).isInstanceOf(RecipientsBlockedException.class);

      MeterRegistry meters = context.getBean(MeterRegistry.class);
      assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "support", "protocol", "smtp", "outcome", "sent")
          .counter().count()).isEqualTo(1);
      assertThat(meters.get(OutmailMetrics.SENDS).tags("outcome", "blocked").counter().count()).isEqualTo(1);
      assertThat(meters.get(OutmailMetrics.SEND_DURATION).tags("outcome", "sent").timer().count()).isEqualTo(1);
      assertThat(meters.get(OutmailMetrics.RECIPIENTS_BLOCKED).tags("reason", "excluded").counter().count())
          .isEqualTo(2);
    });
  }

  @Test
  void noMeterRegistryMeansNoMetrics() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(MailboxRegistry.class);
      assertThat(context).doesNotHaveBean(OutmailMetrics.class);
    });
  }
}
