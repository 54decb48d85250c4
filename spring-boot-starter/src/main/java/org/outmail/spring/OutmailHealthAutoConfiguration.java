package org.outmail.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.outmail.outbox.Outbox;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Health of the registry's mailboxes, as Spring's mail health indicator but per mailbox and cached:
 * {@code /actuator/health/outmail/ID} runs the mailbox's Check at most once per {@code
 * outmail.health.cache} (60 s unless set), so the endpoint never hammers a mail server or Graph.
 *
 * <p>Made when Spring Boot's health support is on the classpath, there is a {@link MailboxRegistry}
 * bean, and {@code management.health.outmail.enabled} is not {@code false}. Replace it with a bean
 * named {@code outmailHealthContributor}.
 */
@AutoConfiguration(after = OutmailAutoConfiguration.class, afterName = "org.outmail.spring.OutmailOutboxAutoConfiguration")
@ConditionalOnClass({MailboxRegistry.class, HealthContributor.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(MailboxRegistry.class)
@ConditionalOnEnabledHealthIndicator("outmail")
public class OutmailHealthAutoConfiguration {
  /** Created by Spring. */
  public OutmailHealthAutoConfiguration() {}

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
    java.time.Duration cache = StarterSettings.healthCache(environment);
    Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
    registry.mailboxes().stream().filter(m -> m.type() == MailboxType.OUT)
        .forEach(m -> indicators.put(m.id(), new MailboxHealthIndicator(registry.outgoing(m.id()), cache)));
    if (indicators.isEmpty()) {
      HealthIndicator none = () -> Health.unknown().withDetail("mailboxes", "no OUT mailbox").build();
      return none;
    }
    return CompositeHealthContributor.fromMap(indicators);
  }

  /** The outbox's health, when there is an outbox: {@code /actuator/health/outmailOutbox}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Outbox.class)
  @ConditionalOnBean(Outbox.class)
  static class OutboxHealthOnBoot4 {
    @Bean
    @ConditionalOnMissingBean(name = "outmailOutboxHealthIndicator")
    HealthIndicator outmailOutboxHealthIndicator(Outbox outbox, Environment environment) {
      OutboxHealth health = OutboxHealth.of(outbox, environment);
      return () -> MailboxHealthIndicator.convert(health.read());
    }
  }
}
