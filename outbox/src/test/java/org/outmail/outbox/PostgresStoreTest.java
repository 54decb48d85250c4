package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store contract on PostgreSQL (OUTMAIL_TEST_PG_URL; ./test.sh starts it). */
class PostgresStoreTest extends OutboxStoreContract {
  private HikariDataSource pool;

  @Override
  OutboxStore newStore() throws Exception {
    if (pool == null) {
      pool = Fixtures.postgres();
    }
    Fixtures.dropOutboxTables(pool);
    return OutboxStore.jdbc(pool);
  }

  @Override
  String plan(JdbcStore store, String claimQuery) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (java.sql.Connection c = pool.getConnection()) {
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("ANALYZE outmail_outbox");
      }
      try (java.sql.PreparedStatement p = c.prepareStatement("EXPLAIN " + claimQuery)) {
        p.setString(1, "support");
        p.setInt(2, Priority.NORMAL.rank());
        p.setLong(3, clock.millis());
        p.setInt(4, 16);
        try (java.sql.ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
      }
    }
    return plan.toString();
  }

  @Override
  String searchPlans() throws Exception {
    StringBuilder plan = new StringBuilder();
    try (java.sql.Connection c = pool.getConnection()) {
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("ANALYZE outmail_outbox_term");
      }
      for (String[] q : SEARCHES) {
        try (java.sql.PreparedStatement p = c.prepareStatement("EXPLAIN " + q[0])) {
          for (int i = 1; i < q.length; i++) {
            p.setString(i, q[i]);
          }
          try (java.sql.ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              plan.append(rs.getString(1)).append('\n');
            }
          }
        }
      }
    }
    return plan.toString();
  }

  /**
   * A claim of a rate-limited mailbox waits for the mailbox's row while another node claims; the
   * lease it stores runs from when it is stored, not from when delivery asked for it: otherwise the
   * lease may have ended before the mail is even sent, and another node takes the mail in flight
   * back and sends it a second time.
   */
  @Test
  void aClaimThatWaitedForItsMailboxStillHoldsAWholeLease() throws Exception {
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    CountDownLatch atServer = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    AtomicInteger ends = new AtomicInteger();
    smtp.endOfDataReply(() -> {
      if (ends.incrementAndGet() == 1) {
        atServer.countDown();
        try {
          answer.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return "250 2.0.0 Ok: queued";
    });
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (Outbox limited = Outbox.builder().registry(registry::get).store(OutboxStore.jdbc(pool)).clock(clock).workers(0)
        .nodeId("limited-node").lease(Duration.ofMinutes(1)).rateLimit("support", "1000/1h").build();
        Connection holder = pool.getConnection()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.executeQuery("SELECT mailbox_id FROM outmail_outbox_mailbox WHERE mailbox_id = 'support' FOR UPDATE").close();
      }
      Future<Integer> delivered = thread.submit(limited::deliverDue);
      awaitLockWait();
      clock.advance(Duration.ofMinutes(10)); // the claim waits longer than its lease
      holder.commit();
      assertThat(atServer.await(30, TimeUnit.SECONDS)).as("the mail is being sent").isTrue();

      assertThat(outbox.deliverDue()).as(() -> "another node finds the lease running and sends nothing; attempts: "
          + outbox.attempts(id)).isZero();
      answer.countDown();
      assertThat(delivered.get(30, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(outbox.attempts(id)).singleElement().satisfies(a -> assertThat(a.outcome()).contains("SENT"));
      assertThat(smtp.messageIds()).hasSize(1);
    } finally {
      answer.countDown();
      thread.shutdownNow();
    }
  }

  /**
   * A host's own scheduler ({@code workers(0)}) sends due mails one after another on its thread; a
   * mail still waiting its turn holds no lease yet, so a batch that takes longer than the lease
   * never lets another node take back (and send again) a mail this node is about to send.
   */
  @Test
  void aMailWaitingItsTurnInDeliverDueIsNotTakenBackByAnotherNode() throws Exception {
    long first = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    long second = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(2));
    CountDownLatch atServer = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    AtomicInteger ends = new AtomicInteger();
    smtp.endOfDataReply(() -> {
      clock.advance(Duration.ofSeconds(40)); // each send takes two thirds of the lease
      if (ends.incrementAndGet() == 2) {
        atServer.countDown();
        try {
          answer.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return "250 2.0.0 Ok: queued";
    });
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (Outbox scheduled = Outbox.builder().registry(registry::get).store(OutboxStore.jdbc(pool)).clock(clock)
        .workers(0)
        .nodeId("scheduled-node").lease(Duration.ofMinutes(1)).build()) {
      Future<Integer> delivered = thread.submit(scheduled::deliverDue);
      assertThat(atServer.await(30, TimeUnit.SECONDS)).as("the second mail is being sent").isTrue();

      // 80 s after the first claim, 40 s after the second mail's turn came
      assertThat(outbox.deliverDue()).as(() -> "another node finds the second mail's lease running and sends nothing; "
          + "attempts: " + outbox.attempts(second)).isZero();
      answer.countDown();
      assertThat(delivered.get(30, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(outbox.attempts(first)).singleElement().satisfies(a -> assertThat(a.outcome()).contains("SENT"));
      assertThat(outbox.attempts(second)).singleElement().satisfies(a -> assertThat(a.outcome()).contains("SENT"));
      assertThat(smtp.messageIds()).hasSize(2);
    } finally {
      answer.countDown();
      thread.shutdownNow();
    }
  }

  /** Until a statement of this database waits for a row lock. */
  private void awaitLockWait() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
              + "AND wait_event_type = 'Lock'")) {
        rs.next();
        if (rs.getInt(1) > 0) {
          return;
        }
      }
      assertThat(System.nanoTime()).as("the claim waits for the mailbox's row").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @AfterEach
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }
}
