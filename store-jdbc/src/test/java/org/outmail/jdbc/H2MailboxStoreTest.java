package org.outmail.jdbc;

/** The JDBC mailbox store on an embedded H2 database. */
class H2MailboxStoreTest extends JdbcMailboxStoreContract {
  @Override
  String newDatabase() {
    return Databases.h2();
  }
}
