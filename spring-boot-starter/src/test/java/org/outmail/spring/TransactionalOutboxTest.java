package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.outmail.test.MailCapture;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@link TransactionalOutbox} in {@code @Transactional} methods on a real PostgreSQL: the mail is
 * queued when, and only when, the ticket update commits.
 */
class TransactionalOutboxTest {
  private final Postgres pg = new Postgres();
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class, OutmailOutboxAutoConfiguration.class))
      .withUserConfiguration(OutmailAutoConfigurationTest.Captured.class, Tickets.Config.class)
      .withBean(DataSource.class, () -> pg.dataSource)
      .withPropertyValues(OutmailAutoConfigurationTest.SUPPORT)
      // no workers: the test delivers with deliverDue(), so the rows it counts stay as they are
      .withPropertyValues("outmail.outbox.enabled=true", "outmail.outbox.store=jdbc", "outmail.outbox.workers=0");

  TransactionalOutboxTest() {
    pg.inSchema("CREATE TABLE ticket (id BIGINT PRIMARY KEY, title TEXT NOT NULL)");
  }

  @AfterEach
  void dropSchema() {
    pg.close();
  }

  /** The host's service: a ticket row and its notification. */
  static class Tickets {
    final JdbcTemplate jdbc;
    final TransactionalOutbox outbox;
    final MailboxRegistry registry;
    Inner inner;
    Propagation mode = Propagation.REQUIRES_NEW;

    Tickets(JdbcTemplate jdbc, TransactionalOutbox outbox, MailboxRegistry registry) {
      this.jdbc = jdbc;
      this.outbox = outbox;
      this.registry = registry;
    }

    /** Through the proxy: a field set on it would not reach the target. */
    public void mode(Propagation propagation) {
      this.mode = propagation;
    }

    @Transactional
    public void open(long id, String title) {
      jdbc.update("INSERT INTO ticket (id, title) VALUES (?, ?)", id, title);
      outbox.enqueue(registry.defaultOutgoing(), notification(id, title), "ticket-" + id);
    }

    @Transactional
    public void openThenFail(long id, String title) {
      open(id, title);
      throw new IllegalStateException("the ticket's workflow refused it");
    }

    @Transactional
    public void openWithInner(long id, String title, boolean innerFails, boolean outerFails) {
      jdbc.update("INSERT INTO ticket (id, title) VALUES (?, ?)", id, title);
      try {
        // through the proxy, so that the propagation applies
        if (mode == Propagation.REQUIRES_NEW) {
          inner.requiresNew(id, title, innerFails);
        } else {
          inner.nested(id, title, innerFails);
        }
      } catch (IllegalStateException expected) {
        // the inner part failed; the ticket goes on
      }
      if (outerFails) {
        throw new IllegalStateException("the outer part failed");
      }
    }

    static Email notification(long id, String title) {
      return Email.builder().to("watcher@example.org").subject(title).text("Ticket " + id + " was opened")
          .recordId(Long.toString(id)).build();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Config {
      @Bean
      PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new DataSourceTransactionManager(dataSource);
      }

      @Bean
      JdbcTemplate jdbcTemplate(DataSource dataSource) {
        return new JdbcTemplate(dataSource);
      }

      @Bean
      Tickets tickets(JdbcTemplate jdbc, TransactionalOutbox outbox, MailboxRegistry registry, Inner inner) {
        Tickets t = new Tickets(jdbc, outbox, registry);
        t.inner = inner;
        return t;
      }

      @Bean
      Inner inner(TransactionalOutbox outbox, MailboxRegistry registry) {
        return new Inner(outbox, registry);
      }
    }
  }

  /** The notification part, in a transaction of its own ({@code REQUIRES_NEW}) or a savepoint ({@code NESTED}). */
  static class Inner {
    final TransactionalOutbox outbox;
    final MailboxRegistry registry;

    Inner(TransactionalOutbox outbox, MailboxRegistry registry) {
      this.outbox = outbox;
      this.registry = registry;
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void requiresNew(long id, String title, boolean fail) {
      enqueue(id, title, fail);
    }

    @Transactional(propagation = Propagation.NESTED)
    public void nested(long id, String title, boolean fail) {
      enqueue(id, title, fail);
    }

    private void enqueue(long id, String title, boolean fail) {
      outbox.enqueue(registry.defaultOutgoing(), Tickets.notification(id, title), "ticket-" + id);
      if (fail) {
        throw new IllegalStateException("the notification part failed");
      }
    }
  }

  private long queued() {
    return pg.count("SELECT COUNT(*) FROM outmail_outbox");
  }

  private long tickets() {
    return pg.count("SELECT COUNT(*) FROM ticket");
  }

  @Test
  void committedTicketUpdateIsQueuedAndSent() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      context.getBean(Tickets.class).open(1, "Printer on floor 2 is jammed");
      assertThat(tickets()).isEqualTo(1);
      assertThat(queued()).isEqualTo(1);
      Outbox outbox = context.getBean(Outbox.class);
      assertThat(outbox.deliverDue()).isEqualTo(1);
      assertThat(outbox.count(OutboxState.SENT)).isEqualTo(1);
      assertThat(context.getBean(MailCapture.class).mailsForRecord("1")).hasSize(1);
    });
  }

  @Test
  void exceptionAfterEnqueueRollsBackTheTicketAndItsMail() {
    runner.run(context -> {
      Tickets tickets = context.getBean(Tickets.class);
      assertThatThrownBy(() -> tickets.openThenFail(2, "Refused")).hasMessage("the ticket's workflow refused it");
      assertThat(tickets()).isZero();
      assertThat(queued()).as("the mail went with the rolled-back transaction").isZero();
      assertThat(context.getBean(Outbox.class).deliverDue()).isZero();
      assertThat(context.getBean(MailCapture.class).count()).isZero();
    });
  }

  @Test
  void rollbackByTheTransactionManagerSendsNothing() {
    runner.run(context -> {
      var template = new org.springframework.transaction.support.TransactionTemplate(
          context.getBean(PlatformTransactionManager.class));
      template.executeWithoutResult(status -> {
        context.getBean(JdbcTemplate.class).update("INSERT INTO ticket (id, title) VALUES (3, 'x')");
        context.getBean(TransactionalOutbox.class).enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(),
            Tickets.notification(3, "x"));
        assertThat(queued()).as("not visible before the commit").isZero();
        status.setRollbackOnly();
      });
      assertThat(tickets()).isZero();
      assertThat(queued()).isZero();
    });
  }

  @Test
  void withoutATransactionTheMailIsQueuedAtOnce() {
    runner.run(context -> {
      context.getBean(TransactionalOutbox.class).enqueue(context.getBean(MailboxRegistry.class).defaultOutgoing(),
          Tickets.notification(4, "no transaction"));
      assertThat(queued()).isEqualTo(1);
    });
  }

  @Test
  void requiresNewCommitsTheMailEvenWhenTheOuterTransactionRollsBack() {
    runner.run(context -> {
      Tickets tickets = context.getBean(Tickets.class);
      tickets.mode(Propagation.REQUIRES_NEW);
      assertThatThrownBy(() -> tickets.openWithInner(5, "outer fails", false, true))
          .hasMessage("the outer part failed");
      assertThat(tickets()).isZero();
      assertThat(queued()).as("the inner transaction committed on its own").isEqualTo(1);
      // and a failing inner transaction takes its mail with it, the outer one commits its ticket
      tickets.openWithInner(6, "inner fails", true, false);
      assertThat(tickets()).isEqualTo(1);
      assertThat(queued()).isEqualTo(1);
    });
  }

  @Test
  void nestedRollsTheMailBackToTheSavepointAndCommitsItWithTheOuterTransaction() {
    runner.run(context -> {
      Tickets tickets = context.getBean(Tickets.class);
      tickets.mode(Propagation.NESTED);
      tickets.openWithInner(7, "inner fails", true, false);
      assertThat(tickets()).isEqualTo(1);
      assertThat(queued()).as("rolled back to the savepoint").isZero();
      tickets.openWithInner(8, "inner succeeds", false, false);
      assertThat(queued()).isEqualTo(1);
      assertThatThrownBy(() -> tickets.openWithInner(9, "outer fails", false, true))
          .hasMessage("the outer part failed");
      assertThat(queued()).as("a nested enqueue goes with the outer rollback").isEqualTo(1);
      assertThat(tickets()).isEqualTo(2);
    });
  }
}
