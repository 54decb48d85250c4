package org.outmail.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.outmail.MailboxRegistry;
import org.outmail.micrometer.OutmailMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Records every send of the auto-configured registry with Micrometer ({@link OutmailMetrics}: {@code
 * outmail.sends}, {@code outmail.send.duration}, {@code outmail.recipients.blocked}, {@code
 * outmail.send.retries}) when the application has a {@link MeterRegistry} bean. The metrics are a
 * {@link org.outmail.MailListener} bean, which {@link OutmailAutoConfiguration} gives the registry;
 * an application with a registry of its own adds it with {@code builder.listener(metrics)}.
 *
 * <p>The outbox's meters ({@value OutmailMetrics#OUTBOX_MAILS}, {@value
 * OutmailMetrics#OUTBOX_OLDEST_WAITING}) come from the outbox module's own binder, not from here.
 */
@AutoConfiguration(
    before = OutmailAutoConfiguration.class,
    afterName = {
      // Spring Boot 4
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      // Spring Boot 3
      "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass({MailboxRegistry.class, MeterRegistry.class, OutmailMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
public class OutmailMetricsAutoConfiguration {
  /** Created by Spring. */
  public OutmailMetricsAutoConfiguration() {}

  /**
   * The metrics of every send.
   *
   * @param meterRegistry where the meters go
   * @return a listener of every send
   */
  @Bean
  @ConditionalOnMissingBean
  public OutmailMetrics outmailMetrics(MeterRegistry meterRegistry) {
    return new OutmailMetrics(meterRegistry);
  }
}
