package org.outmail.spring;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxType;
import org.outmail.outbox.Outbox;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@link OutmailHealthAutoConfiguration} for Spring Boot 3.5, whose health API is {@code
 * org.springframework.boot.actuate.health}: the same components ({@code outmail} with one per OUT
 * mailbox, {@code outmailOutbox}), the same caching and details. Made only on Boot 3 (its
 * actuator's health auto-configuration is on the classpath) and unless {@code
 * management.health.outmail.enabled=false}.
 */
@AutoConfiguration(after = OutmailAutoConfiguration.class, afterName = "org.outmail.spring.OutmailOutboxAutoConfiguration")
@ConditionalOnClass(value = MailboxRegistry.class, name = {
    "org.springframework.boot.actuate.health.HealthIndicator",
    "org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration"
})
@ConditionalOnBean(MailboxRegistry.class)
@ConditionalOnProperty(prefix = "management.health.outmail", name = "enabled", havingValue = "true", matchIfMissing = true)
public class OutmailBoot3HealthAutoConfiguration {
  /** Created by Spring. */
  public OutmailBoot3HealthAutoConfiguration() {}

  static Health convert(HealthReading reading) {
    return Health.status(new Status(reading.status())).withDetails(reading.details()).build();
  }

  /**
   * One health indicator per OUT mailbox, under the mailbox's id.
   *
   * @param registry the mailboxes
   * @param environment where {@code outmail.health.cache} is read
   * @return the contributor named {@code outmail}
   */
  @Bean
  @ConditionalOnMissingBean(name = {"outmailHealthIndicator", "outmailHealthContributor"})
  public HealthContributor outmailHealthContributor(MailboxRegistry registry, Environment environment) {
    Duration cache = StarterSettings.healthCache(environment);
    Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
    registry.mailboxes().stream().filter(m -> m.type() == MailboxType.OUT).forEach(m -> {
      MailboxHealth health = new MailboxHealth(registry.outgoing(m.id()), cache, Clock.systemUTC(), System::nanoTime);
      indicators.put(m.id(), () -> convert(health.read()));
    });
    if (indicators.isEmpty()) {
      HealthIndicator none = () -> Health.unknown().withDetail("mailboxes", "no OUT mailbox").build();
      return none;
    }
    return CompositeHealthContributor.fromMap(indicators);
  }

  /** The outbox's health, when there is an outbox. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Outbox.class)
  @ConditionalOnBean(Outbox.class)
  static class OutboxHealthOnBoot3 {
    @Bean
    @ConditionalOnMissingBean(name = "outmailOutboxHealthIndicator")
    HealthIndicator outmailOutboxHealthIndicator(Outbox outbox, Environment environment) {
      OutboxHealth health = OutboxHealth.of(outbox, environment);
      return () -> convert(health.read());
    }
  }
}
