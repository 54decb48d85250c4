package org.outmail.spring;

import static org.outmail.spring.StarterSettings.PREFIX;

import java.time.Duration;
import javax.sql.DataSource;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.SecretsKey;
import org.outmail.jdbc.JdbcMailboxStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Mailboxes in the application's database: {@code outmail.store.jdbc.enabled=true} makes a {@link
 * JdbcMailboxStore} on the application's {@link DataSource} (PostgreSQL for several instances;
 * tables created at start-up), its secrets sealed with {@code outmail.store.jdbc.secrets-key}, and
 * the registry follows it: a mailbox saved by one instance (the console, {@code registry.save}) is
 * in effect on every instance within the poll interval. The mailboxes then come from the store, not
 * from {@code outmail.mailbox.*} keys. The store is closed with the context, after the registry.
 */
@AutoConfiguration(before = OutmailAutoConfiguration.class, afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration", // Spring Boot 4
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration" // Spring Boot 3
})
@ConditionalOnClass({MailboxRegistry.class, JdbcMailboxStore.class})
@ConditionalOnProperty(prefix = "outmail.store.jdbc", name = "enabled", havingValue = "true")
public class OutmailStoreAutoConfiguration {
  /** Created by Spring. */
  public OutmailStoreAutoConfiguration() {}

  /**
   * The mailbox store.
   *
   * @param environment where {@code outmail.store.jdbc.*} is read
   * @param dataSource the application's data source
   * @return the store, its tables created or migrated
   * @throws MailboxConfigException without a secrets key, naming the key
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public JdbcMailboxStore outmailMailboxStore(Environment environment, DataSource dataSource) {
    String key = PREFIX + StarterSettings.STORE_JDBC_SECRETS_KEY.name();
    String text = environment instanceof ConfigurableEnvironment env ? OutmailProperties.value(env, key)
        : OutmailKeys.value(environment, key);
    if (text == null || text.isBlank()) {
      throw new MailboxConfigException(null, key, key + " is required with outmail.store.jdbc.enabled=true: the key "
          + "that seals the mailboxes' passwords and client secrets in the database (base64 of 32 bytes, e.g. "
          + "${env:OUTMAIL_SECRETS_KEY}; SecretsKey.generate() makes one). Keep it outside the database");
    }
    SecretsKey secretsKey;
    try {
      secretsKey = SecretsKey.of(Secret.parse(text.strip(), environment::getProperty));
    } catch (IllegalArgumentException e) {
      throw new MailboxConfigException(null, key, key + ": " + e.getMessage(), e);
    }
    return JdbcMailboxStore.builder(dataSource).secretsKey(secretsKey)
        .pollInterval((Duration) StarterSettings.get(environment, StarterSettings.STORE_JDBC_POLL).orElseThrow())
        .build();
  }

  /**
   * Gives the store to the registry's builder.
   *
   * @param store the mailbox store
   * @return the customizer
   */
  @Bean
  public MailboxRegistryCustomizer outmailMailboxStoreCustomizer(JdbcMailboxStore store) {
    return builder -> builder.store(store);
  }
}
