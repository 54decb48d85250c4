package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.TransportException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health of each mailbox: its Check, cached, and never a secret. */
class OutmailHealthTest {
  private final CountingTransportProvider transport = new CountingTransportProvider();
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailHealthAutoConfiguration.class))
      .withBean(CountingTransportProvider.class, () -> transport)
      .withPropertyValues(
          "outmail.mailbox.support.email-display=support@example.com",
          "outmail.mailbox.support.host=127.0.0.1",
          "outmail.mailbox.support.protocol=counting",
          "outmail.mailbox.support.username=svc-desk",
          "outmail.mailbox.support.password=s3cr3t-Pa55",
          "outmail.mailbox.archive.email-display=archive@example.com",
          "outmail.mailbox.archive.host=127.0.0.1",
          "outmail.mailbox.archive.protocol=counting",
          "outmail.mailbox.archive.status=DISABLED",
          "outmail.mailbox.inbox.type=IN");

  private static HealthIndicator indicator(HealthContributor contributor, String mailbox) {
    return (HealthIndicator) ((CompositeHealthContributor) contributor).getContributor(mailbox);
  }

  @Test
  void eachOutMailboxHasAnIndicatorThatRunsItsCheck() {
    runner.run(context -> {
      HealthContributor outmail = context.getBean("outmailHealthContributor", HealthContributor.class);
      assertThat(((CompositeHealthContributor) outmail).stream().map(c -> c.name()))
          .containsExactlyInAnyOrder("support", "archive");

      Health health = indicator(outmail, "support").health();

      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("protocol", "counting").containsEntry("host", "127.0.0.1")
          .containsEntry("port", 587).containsEntry("message", "counted").containsEntry("elapsed", 3L)
          .containsKey("checkedAt");
      assertThat(transport.checks).hasValue(1);
    });
  }

  @Test
  void healthIsCachedSoTheEndpointNeverHammersTheServer() {
    runner.withPropertyValues("outmail.health.cache=10m").run(context -> {
      HealthIndicator support = indicator(context.getBean("outmailHealthContributor", HealthContributor.class),
          "support");

      Health first = support.health();
      Health second = support.health();

      assertThat(second).isSameAs(first);
      assertThat(transport.checks).hasValue(1);
    });
  }

  @Test
  void cachedHealthIsCheckedAgainOnceTheCacheTimeHasPassed() {
    AtomicLong nanos = new AtomicLong();
    try (MailboxRegistry registry = MailboxRegistry.builder().transportProvider(transport)
        .mailbox(Mailbox.builder("support").emailDisplay("support@example.com").protocol("counting").build()).build()) {
      MailboxHealthIndicator indicator = new MailboxHealthIndicator(registry.outgoing("support"),
          Duration.ofSeconds(60),
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), nanos::get);

      indicator.health();
      nanos.addAndGet(Duration.ofSeconds(59).toNanos());
      indicator.health();
      assertThat(transport.checks).hasValue(1);

      nanos.addAndGet(Duration.ofSeconds(1).toNanos());
      transport.answer = CheckResult.failed(TransportException.Stage.CONNECT, "connection refused", Duration.ZERO);
      Health after = indicator.health();

      assertThat(transport.checks).hasValue(2);
      assertThat(after.getStatus()).isEqualTo(Status.DOWN);
      assertThat(after.getDetails()).containsEntry("checkedAt", "2026-01-01T00:00:00Z");
    }
  }

  @Test
  void failedCheckIsDownWithItsStageAndNeverShowsTheSecret() {
    transport.answer = CheckResult.failed(TransportException.Stage.AUTHENTICATE,
        "535 5.7.8 authentication failed for svc-desk/s3cr3t-Pa55",
        Duration.ofMillis(12));
    runner.run(context -> {
      Health health = indicator(context.getBean("outmailHealthContributor", HealthContributor.class), "support")
          .health();

      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("stage", "authenticate")
          .containsEntry("message", "535 5.7.8 authentication failed for svc-desk/****");
      assertThat(health.toString()).doesNotContain("s3cr3t-Pa55");
      Secret password = context.getBean(MailboxRegistry.class).mailbox("support").password().orElseThrow();
      assertThat(health.getDetails().values()).noneMatch(v -> String.valueOf(v).contains(password.value()));
    });
  }

  @Test
  void disabledMailboxIsUnknownAndNeverChecked() {
    runner.run(context -> {
      Health health = indicator(context.getBean("outmailHealthContributor", HealthContributor.class), "archive")
          .health();

      assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
      assertThat(health.getDetails()).containsEntry("enabled", false);
      assertThat(transport.checks).hasValue(0);
    });
  }

  @Test
  void healthIndicatorCanBeSwitchedOff() {
    runner.withPropertyValues("management.health.outmail.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("outmailHealthContributor"));
  }

  @Test
  void noRegistryMeansNoHealthContributor() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailHealthAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("outmailHealthContributor"));
  }

  @Test
  void badCacheTimeFailsStartUpNamingTheKey() {
    runner.withPropertyValues("outmail.health.cache=soon")
        .run(context -> assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("soon")
            .satisfies(e -> assertThat(OutmailAutoConfigurationTest.messages(context.getStartupFailure()))
                .contains("outmail.health.cache: ")));
  }
}
