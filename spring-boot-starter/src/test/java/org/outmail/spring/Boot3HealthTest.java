package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;
import org.outmail.outbox.Outbox;
import org.outmail.test.MailCapture;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Health on Spring Boot 3.5's actuator API. Runs in spring-boot-starter-boot3-test, on Boot 3.5's
 * classpath (the starter's own build runs on Boot 4 and leaves it out).
 */
class Boot3HealthTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailOutboxAutoConfiguration.class,
          OutmailBoot3HealthAutoConfiguration.class))
      .withUserConfiguration(OutmailAutoConfigurationTest.Captured.class)
      .withPropertyValues(OutmailAutoConfigurationTest.SUPPORT);

  @Test
  void eachMailboxHasItsHealthOnBoot3() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      HealthContributor outmail = context.getBean("outmailHealthContributor", HealthContributor.class);
      assertThat(outmail).isInstanceOf(CompositeHealthContributor.class);
      HealthIndicator support = (HealthIndicator) ((CompositeHealthContributor) outmail).getContributor("support");
      assertThat(support.health().getStatus()).isEqualTo(Status.UP);
      assertThat(support.health().getDetails()).containsEntry("protocol", "smtp").containsEntry("host", "127.0.0.1");
    });
  }

  @Test
  void outboxHealthOnBoot3IsDownWhenFailedMailsExceedTheThreshold(@TempDir Path dir) {
    runner
        .withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.directory=" + dir,
            "outmail.outbox.workers=0")
        .run(context -> {
          HealthIndicator health = context.getBean("outmailOutboxHealthIndicator", HealthIndicator.class);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
          context.getBean(MailCapture.class).failAlways(TransportException.Kind.PERMANENT);
          Outbox outbox = context.getBean(Outbox.class);
          outbox.enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(), OutboxAutoConfigurationTest.mail(1));
          outbox.deliverDue();
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.health().getDetails()).containsEntry("failed", 1L);
        });
  }
}
