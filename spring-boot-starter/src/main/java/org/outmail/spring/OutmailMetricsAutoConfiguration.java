package org.outmail.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.outmail.Mailbox;
import org.outmail.MailboxType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
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
 * {@link org.outmail.SendListener} bean, which {@link OutmailAutoConfiguration} gives the registry;
 * an application with a registry of its own adds it with {@code builder.listener(metrics)}.
 *
 * <p>The outbox's meters ({@value OutmailMetrics#OUTBOX_MAILS}, {@value
 * OutmailMetrics#OUTBOX_OLDEST_WAITING}) come from the outbox module's own binder, not from here.
 */
@AutoConfiguration(before = OutmailAutoConfiguration.class, afterName = {
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

  /**
   * Meters from the start: once every bean is made, {@code outmail.sends} (outcome {@code sent},
   * exception {@code none}) and {@code outmail.send.duration} exist at zero for every OUT mailbox of
   * the registry, so that {@code /actuator/metrics/outmail.sends} and dashboards answer before the
   * first send. Mailboxes added later (a store) get theirs with their first send.
   *
   * @param meterRegistry where the meters go
   * @param registry the mailboxes, when there is a registry
   * @return the registration, run after the singletons are made
   */
  @Bean
  public SmartInitializingSingleton outmailMailboxMeters(MeterRegistry meterRegistry,
      ObjectProvider<MailboxRegistry> registry) {
    return () -> {
      MailboxRegistry mailboxes = registry.getIfUnique();
      if (mailboxes == null) {
        return;
      }
      for (Mailbox m : mailboxes.mailboxes()) {
        if (m.type() != MailboxType.OUT) {
          continue;
        }
        Tags tags = Tags.of("mailbox", m.id(), "protocol", m.protocol(), "outcome", "sent");
        Counter.builder(OutmailMetrics.SENDS).description("Sends, by how they ended: sent, blocked, failed or unknown")
            .tags(tags).tag("exception", "none").tag("server", "none").register(meterRegistry); // the tag keys of every send; "none" until a transport names its server
        Timer.builder(OutmailMetrics.SEND_DURATION)
            .description("How long sends took, retries and post-send hooks included")
            .tags(tags).register(meterRegistry);
      }
    };
  }
}
