package org.outmail.spring;

import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.outmail.micrometer.OutboxMetrics;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.outmail.MailboxRegistry;
import org.outmail.SendListener;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * The outbox as a bean: {@code outmail.outbox.enabled=true} makes an {@link Outbox} on the
 * registry's mailboxes, its store the embedded SQLite file ({@code outmail.outbox.directory}) or the
 * application's {@link DataSource} ({@code outmail.outbox.store=jdbc}), its workers, lease, backoff,
 * rate limits and priorities from {@code outmail.outbox.*}. {@link SendListener} beans (the metrics
 * among them) hear its queued mails and recorded deliveries, as the registry gives them its sends;
 * {@link OutboxListener} beans (deprecated) are still told about failed mails. The outbox is closed with the context, before the registry: the workers stop
 * and the sends in flight finish (within {@code outmail.outbox.close-timeout}); what is left is
 * delivered after the next start.
 *
 * <p>With the jdbc store and spring-jdbc on the classpath, a {@link TransactionalOutbox} bean
 * enqueues in Spring's transaction.
 */
@AutoConfiguration(after = {OutmailAutoConfiguration.class, OutmailMetricsAutoConfiguration.class}, afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration", // Spring Boot 4
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration" // Spring Boot 3
})
@ConditionalOnClass({MailboxRegistry.class, Outbox.class})
@ConditionalOnProperty(prefix = "outmail.outbox", name = "enabled", havingValue = "true")
@ConditionalOnBean(MailboxRegistry.class)
public class OutmailOutboxAutoConfiguration {
  /** Created by Spring. */
  public OutmailOutboxAutoConfiguration() {}

  /**
   * The outbox.
   *
   * @param environment where {@code outmail.outbox.*} is read
   * @param registry the mailboxes that deliver
   * @param dataSource the application's data source, for {@code outmail.outbox.store=jdbc}
   * @param listeners hear the outbox's events: queued mails and recorded deliveries
   * @param failureListeners told about failed, expired and unknown mails (deprecated)
   * @return the outbox, its workers started
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @SuppressWarnings("deprecation") // OutboxListener beans are still told, until the type goes
  public Outbox outmailOutbox(Environment environment, MailboxRegistry registry, ObjectProvider<DataSource> dataSource,
      ObjectProvider<SendListener> listeners, ObjectProvider<OutboxListener> failureListeners) {
    DataSource ds = OutboxFactory.jdbc(environment) ? dataSource.getIfUnique() : null;
    return OutboxFactory.build(environment, registry, ds, listeners.orderedStream().toList(),
        failureListeners.orderedStream().toList());
  }

  /** The outbox's gauges, when the application has a MeterRegistry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, OutboxMetrics.class})
  @ConditionalOnBean(MeterRegistry.class)
  static class Metrics {
    /** Binds {@code outmail.outbox.mails} (by state) and {@code outmail.outbox.oldest.waiting}. */
    @Bean
    SmartInitializingSingleton outmailOutboxMeters(Outbox outbox, MeterRegistry meterRegistry) {
      return () -> new OutboxMetrics(outbox).bindTo(meterRegistry);
    }
  }

  /** Enqueue in Spring's transaction, with the jdbc store. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DataSourceUtils.class)
  @ConditionalOnProperty(prefix = "outmail.outbox", name = "store", havingValue = "jdbc")
  static class Transactional {
    @Bean
    @ConditionalOnMissingBean
    TransactionalOutbox transactionalOutbox(Outbox outbox, DataSource dataSource) {
      return new TransactionalOutbox(outbox, dataSource);
    }
  }
}
