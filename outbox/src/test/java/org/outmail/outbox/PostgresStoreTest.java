package org.outmail.outbox;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;

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

  @AfterEach
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }
}
