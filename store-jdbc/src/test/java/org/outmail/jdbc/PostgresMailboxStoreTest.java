package org.outmail.jdbc;

/** The JDBC mailbox store on PostgreSQL (./test.sh starts it and sets OUTMAIL_TEST_PG_URL). */
class PostgresMailboxStoreTest extends JdbcMailboxStoreContract {
  @Override
  String newDatabase() {
    return Databases.postgresSchema();
  }

  @Override
  void dropDatabase(String url) {
    Databases.dropPostgresSchema(url);
  }
}
