package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on the host's own SQLite database through its pooled {@code DataSource}
 * ({@link OutboxStore#jdbc}): the host's tables and the outbox's in one file, so that a mail can be
 * queued in the host's transaction without a database server.
 */
class SqliteDataSourceStoreTest extends OutboxStoreContract {
  /** What the host's URL must say: WAL, a busy timeout, and transactions that take the write lock when they begin. */
  static final String PARAMETERS = "?journal_mode=WAL&synchronous=FULL&busy_timeout=10000&transaction_mode=IMMEDIATE";

  private final List<HikariDataSource> pools = new ArrayList<>();
  private int stores;
  private HikariDataSource last;

  private HikariDataSource pool(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(8);
    config.setPoolName("outmail-test-sqlite");
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    return pool;
  }

  @Override
  OutboxStore newStore() {
    last = pool("jdbc:sqlite:" + temp.resolve("host-" + (stores++) + ".db") + PARAMETERS);
    return OutboxStore.jdbc(last);
  }

  @AfterEach
  void closePools() throws Exception {
    if (outbox != null) {
      outbox.close();
      outbox = null;
    }
    pools.forEach(HikariDataSource::close);
  }

  @Override
  String plan(JdbcStore store, String claimQuery) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection c = last.getConnection();
        PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + claimQuery)) {
      p.setString(1, "support");
      p.setInt(2, Priority.NORMAL.rank());
      p.setLong(3, clock.millis());
      p.setInt(4, 16);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString("detail")).append('\n');
        }
      }
    }
    return plan.toString();
  }

  @Override
  String searchPlans() throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection c = last.getConnection()) {
      for (String[] q : SEARCHES) {
        try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + q[0])) {
          for (int i = 1; i < q.length; i++) {
            p.setString(i, q[i]);
          }
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              plan.append(rs.getString("detail")).append('\n');
            }
          }
        }
      }
    }
    return plan.toString();
  }

  @Test
  void aMailQueuedInTheHostsRolledBackTransactionIsNeverSentAndACommittedOneIs() throws Exception {
    try (Connection c = last.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ticket (id INT PRIMARY KEY, status VARCHAR(20))");
      s.execute("INSERT INTO ticket VALUES (4711, 'open')");
    }

    long committed;
    try (Connection c = last.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE ticket SET status = 'closed' WHERE id = 4711");
      }
      outbox.enqueue(c, registry().defaultOutgoing(), Fixtures.mail(1), "ticket-4711-closed");
      c.rollback();

      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE ticket SET status = 'solved' WHERE id = 4711");
      }
      committed = outbox.enqueue(c, registry().defaultOutgoing(), Fixtures.mail(2), "ticket-4711-solved");
      c.commit();
      c.setAutoCommit(true);
    }

    assertThat(outbox.deliverDue()).isEqualTo(1);
    // SQLite may give the committed mail the rolled-back one's id: what matters is what was sent
    assertThat(outbox.count(OutboxState.QUEUED)).isZero();
    assertThat(outbox.status(committed).orElseThrow().state()).isEqualTo(OutboxState.SENT);
    assertThat(smtp.received()).hasSize(1);
    assertThat(smtp.received().get(0).recipients()).containsExactly("user2@example.org");
    try (Connection c = last.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status FROM ticket WHERE id = 4711")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("solved");
    }
  }

  @Test
  void hostTransactionsAndTheOutboxsOwnWritesWaitForEachOtherInsteadOfFailing() throws Exception {
    try (Connection c = last.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ticket (id INT PRIMARY KEY)");
    }
    ExecutorService threads = Executors.newFixedThreadPool(6);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int thread = t;
      done.add(threads.submit(() -> {
        for (int i = 0; i < 30; i++) {
          int n = thread * 100 + i;
          if (thread % 2 == 0) {
            try (Connection c = last.getConnection()) {
              c.setAutoCommit(false);
              try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO ticket VALUES (" + n + ")");
              }
              outbox.enqueue(c, registry().defaultOutgoing(), Fixtures.mail(n), null);
              c.commit();
              c.setAutoCommit(true);
            }
          } else {
            outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(n));
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    threads.shutdown();

    assertThat(outbox.count(OutboxState.QUEUED)).isEqualTo(180);
    assertThat(outbox.deliverDue()).isEqualTo(180);
    assertThat(smtp.received()).hasSize(180);
  }

  @Test
  void aSqliteDataSourceWithoutWalOrImmediateTransactionsIsRefusedNamingTheUrlParameters() {
    HikariDataSource plain = pool("jdbc:sqlite:" + temp.resolve("plain.db"));

    assertThatThrownBy(() -> Outbox.builder().registry(registry()).store(OutboxStore.jdbc(plain)).workers(0).build())
        .isInstanceOf(OutboxException.class)
        .hasMessageContaining("journal_mode=WAL")
        .hasMessageContaining("transaction_mode=IMMEDIATE")
        .hasMessageContaining("busy_timeout");
  }

  @Test
  void theEmbeddedStoreStillRefusesTheHostsConnection() throws Exception {
    Path dir = temp.resolve("embedded");
    try (Outbox embedded = Outbox.builder().registry(registry()).store(OutboxStore.embedded(dir)).workers(0).build();
        Connection c = last.getConnection()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> embedded.enqueue(c, registry().defaultOutgoing(), Fixtures.mail(1), null))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("OutboxStore.jdbc(dataSource)");
      c.rollback();
      c.setAutoCommit(true);
    }
  }
}
