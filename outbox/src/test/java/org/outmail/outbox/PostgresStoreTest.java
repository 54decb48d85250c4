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

  @AfterEach
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }
}
