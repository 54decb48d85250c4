package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.SecretsKey;
import org.outmail.jdbc.JdbcMailboxStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code outmail.store.jdbc.enabled=true}: the registry follows mailboxes in the application's database. */
class MailboxStoreAutoConfigurationTest {
  private static final String KEY = SecretsKey.generate();

  private ApplicationContextRunner runner(Postgres pg) {
    // a pool per context: each context closes the DataSource it was given
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailStoreAutoConfiguration.class))
        .withBean(DataSource.class, () -> {
          com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
          ds.setJdbcUrl(pg.dataSource.getJdbcUrl());
          ds.setMaximumPoolSize(4);
          return ds;
        })
        .withPropertyValues("outmail.store.jdbc.enabled=true", "OUTMAIL_SECRETS_KEY=" + KEY,
            "outmail.store.jdbc.secrets-key=${env:OUTMAIL_SECRETS_KEY}", "outmail.store.jdbc.poll-interval=50ms");
  }

  private static Mailbox support(String host) {
    return Mailbox.builder("support").emailDisplay("support@example.com").host(host).port(2525)
        .encryption(Encryption.NONE).username("svc-desk").password(Secret.of("correct horse battery"))
        .defaultOutgoing(true).build();
  }

  @Test
  void twoInstancesOfTheApplicationSeeOneSetOfMailboxesWithSecretsSealed() throws Exception {
    try (Postgres pg = new Postgres()) {
      runner(pg).run(first -> runner(pg).run(second -> {
        assertThat(first).hasNotFailed().hasSingleBean(JdbcMailboxStore.class);
        MailboxRegistry a = first.getBean(MailboxRegistry.class);
        MailboxRegistry b = second.getBean(MailboxRegistry.class);
        assertThat(a.store()).containsSame(first.getBean(JdbcMailboxStore.class));
        assertThat(b.mailboxes()).isEmpty();
        a.save(support("smtp.example.com"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (b.mailboxes().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(b.mailboxes()).extracting(Mailbox::id).containsExactly("support");
        assertThat(b.defaultOutgoing().mailbox().host()).contains("smtp.example.com");
        assertThat(b.defaultOutgoing().mailbox().password().orElseThrow().value()).isEqualTo("correct horse battery");
      }));
      AtomicReference<String> stored = new AtomicReference<>();
      try (Connection c = DriverManager.getConnection(pg.dataSource.getJdbcUrl());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT fields || secrets FROM outmail_mailbox")) {
        rs.next();
        stored.set(rs.getString(1));
      }
      assertThat(stored.get()).contains("smtp.example.com").doesNotContain("correct horse battery");
    }
  }

  @Test
  void withoutASecretsKeyStartUpFailsNamingTheKey() {
    try (Postgres pg = new Postgres()) {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailStoreAutoConfiguration.class))
          .withBean(DataSource.class, () -> pg.dataSource)
          .withPropertyValues("outmail.store.jdbc.enabled=true")
          .run(context -> assertThat(OutmailAutoConfigurationTest.configFailure(context.getStartupFailure()))
              .hasMessageStartingWith(
                  "outmail.store.jdbc.secrets-key is required with outmail.store.jdbc.enabled=true"));
    }
  }
}
