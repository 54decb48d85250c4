package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.MailEvent;
import org.outmail.MailboxRegistry;
import org.outmail.SendEvent;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.outmail.test.MailCapture;
import org.outmail.testing.RecordedEvents;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code outmail.outbox.*}: the outbox as a bean, on the embedded store or the application's DataSource. */
class OutboxAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailOutboxAutoConfiguration.class))
      .withUserConfiguration(OutmailAutoConfigurationTest.Captured.class)
      .withPropertyValues(OutmailAutoConfigurationTest.SUPPORT);

  static Email mail(int n) {
    return Email.builder().to("user" + n + "@example.org").subject("Notification " + n).text("Body " + n).build();
  }

  static void awaitSent(Outbox outbox, long id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (outbox.status(id).orElseThrow().state() != OutboxState.SENT) {
      assertThat(System.nanoTime()).as("mail %s still %s", id, outbox.status(id).orElseThrow().state())
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void noOutboxUnlessEnabled() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(MailboxRegistry.class);
      assertThat(context).doesNotHaveBean(Outbox.class);
    });
  }

  @Test
  void embeddedOutboxDeliversThroughTheRegistryAndClosesWithTheContext(@TempDir Path dir) {
    Path store = dir.resolve("outbox");
    Outbox[] kept = new Outbox[1];
    runner.withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.directory=" + store,
        "outmail.outbox.workers=2", "outmail.outbox.poll-interval=100ms").run(context -> {
          assertThat(context).hasNotFailed();
          Outbox outbox = context.getBean(Outbox.class);
          kept[0] = outbox;
          MailboxRegistry registry = context.getBean(MailboxRegistry.class);
          long id = outbox.enqueue(registry.defaultOutgoing(), mail(1));
          awaitSent(outbox, id);
          assertThat(context.getBean(MailCapture.class).mailsTo("user1@example.org")).hasSize(1);
          assertThat(Files.exists(store.resolve("outbox.db"))).isTrue();
          assertThat(context).doesNotHaveBean(TransactionalOutbox.class);
        });
    assertThatThrownBy(() -> kept[0].count(OutboxState.SENT)).hasMessage("the outbox is closed");
  }

  /** A host's listener bean: keeps what it hears. */
  @Configuration(proxyBeanMethods = false)
  static class Listening {
    @Bean
    RecordedEvents heard() {
      return new RecordedEvents();
    }
  }

  @Test
  void aSendListenerBeanHearsTheOutboxAndTheRegistryAsOneMailsLife(@TempDir Path dir) {
    runner.withUserConfiguration(Listening.class).withPropertyValues("outmail.outbox.enabled=true",
        "outmail.outbox.directory=" + dir.resolve("outbox"), "outmail.outbox.workers=1",
        "outmail.outbox.poll-interval=100ms").run(context -> {
          assertThat(context).hasNotFailed();
          Outbox outbox = context.getBean(Outbox.class);
          RecordedEvents heard = context.getBean(RecordedEvents.class);
          long id = outbox.enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(), mail(2));
          awaitSent(outbox, id);
          long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          while (heard.heard.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }

          assertThat(heard.kinds())
              .containsExactly("Queued", "AttemptStarting", "SendEvent", "Delivery");
          assertThat(((MailEvent.Queued) heard.heard.get(0)).queueId()).isEqualTo(id);
          assertThat(((MailEvent.Delivery) heard.heard.get(3)).state()).isEqualTo(MailEvent.Delivery.State.SENT);
        });
  }

  @Test
  void jdbcStoreCreatesItsTablesInTheApplicationsDatabase() {
    try (Postgres pg = new Postgres()) {
      runner.withBean(DataSource.class, () -> pg.dataSource)
          .withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.store=jdbc",
              "outmail.outbox.poll-interval=100ms")
          .run(context -> {
            assertThat(context).hasNotFailed();
            Outbox outbox = context.getBean(Outbox.class);
            long id = outbox.enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(), mail(1));
            awaitSent(outbox, id);
            assertThat(pg.count("SELECT COUNT(*) FROM outmail_outbox WHERE state = 'SENT'")).isEqualTo(1);
            assertThat(context).hasSingleBean(TransactionalOutbox.class);
          });
    }
  }

  @Test
  void schemaLeftToTheHostFailsStartUpNamingTheScriptsWhenTheTablesAreMissing() {
    try (Postgres pg = new Postgres()) {
      runner.withBean(DataSource.class, () -> pg.dataSource)
          .withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.store=jdbc", "outmail.outbox.schema=none")
          .run(context -> {
            assertThat(context).hasFailed();
            assertThat(OutmailAutoConfigurationTest.messages(context.getStartupFailure()))
                .contains("the outbox's tables are missing or older than this outmail needs (schema managed by the "
                    + "host): apply org/outmail/outbox/schema/postgresql/V1.sql, org/outmail/outbox/schema/postgresql/"
                    + "V2.sql, org/outmail/outbox/schema/postgresql/V3.sql from the outmail-outbox jar, in order");
          });
      assertThat(pg.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + pg.schema + "'"))
          .as("nothing created").isZero();
    }
  }

  @Test
  void schemaLeftToTheHostWorksOnTheShippedScriptsAppliedAsFlywayWould() throws IOException {
    try (Postgres pg = new Postgres()) {
      pg.inSchema(script("V1.sql"), script("V2.sql"), script("V3.sql"));
      runner.withBean(DataSource.class, () -> pg.dataSource)
          .withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.store=jdbc", "outmail.outbox.schema=none",
              "outmail.outbox.poll-interval=100ms")
          .run(context -> {
            assertThat(context).hasNotFailed();
            Outbox outbox = context.getBean(Outbox.class);
            awaitSent(outbox, outbox.enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(), mail(1)));
          });
      assertThat(pg.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + pg.schema
          + "' AND table_name = 'outmail_outbox_schema'")).as("the outbox kept its hands off the schema").isZero();
    }
  }

  /** A shipped script as one text (PostgreSQL's JDBC driver runs several statements in one execute). */
  private static String script(String name) throws IOException {
    try (InputStream in = Outbox.class.getResourceAsStream("/org/outmail/outbox/schema/postgresql/" + name)) {
      assertThat(in).as(name + " in the outbox jar").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void jdbcStoreWithoutADataSourceFailsNamingTheKey() {
    runner.withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.store=jdbc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(OutmailAutoConfigurationTest.messages(context.getStartupFailure()))
          .contains("outmail.outbox.store=jdbc needs a DataSource bean");
    });
  }

  @Test
  void settingsReachTheOutboxAndBadOnesNameTheirKey(@TempDir Path dir) {
    runner.withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.directory=" + dir,
        "outmail.outbox.rate-limit.support=30/1m,many").run(context -> {
          assertThat(context).hasFailed();
          assertThat(OutmailAutoConfigurationTest.messages(context.getStartupFailure()))
              .contains("outmail.outbox.rate-limit.support: ");
        });
    runner.withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.directory=" + dir,
        "outmail.outbox.workers=0", "outmail.outbox.node-id=node-7", "outmail.outbox.priority.support=bulk",
        "outmail.outbox.rate-limit.support[0]=30/1m", "outmail.outbox.rate-limit.support[1]=10000/1d").run(context -> {
          assertThat(context).hasNotFailed();
          Outbox outbox = context.getBean(Outbox.class);
          assertThat(outbox.nodeId()).isEqualTo("node-7");
          assertThat(outbox.toString()).contains("workers=0");
          long id = outbox.enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(), mail(1));
          assertThat(outbox.status(id).orElseThrow().priority().name()).isEqualTo("BULK");
        });
  }
}
