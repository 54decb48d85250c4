package org.outmail.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's two tables, created and migrated by outmail: {@code outmail_mailbox_store} (one row:
 * the version every change moves forward, and the schema's version) and {@code outmail_mailbox}
 * (one row per mailbox: its fields in the clear, its secrets sealed). The same SQL on SQLite and
 * PostgreSQL.
 */
final class Schema {
  /** The version of the tables this code writes; a newer one in the database is refused. */
  static final int VERSION = 1;
  static final String STORE = "outmail_mailbox_store";
  static final String MAILBOX = "outmail_mailbox";

  private Schema() {}

  static void migrate(Connection c, Dialect dialect) throws SQLException {
    dialect.begin(c, true);
    try (Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE IF NOT EXISTS " + STORE + " (id INTEGER PRIMARY KEY, version BIGINT NOT NULL,"
          + " schema_version INTEGER NOT NULL)");
      s.executeUpdate("CREATE TABLE IF NOT EXISTS " + MAILBOX + " (id VARCHAR(64) PRIMARY KEY,"
          + " position BIGINT NOT NULL, fields VARCHAR(65535) NOT NULL, secrets VARCHAR(65535) NOT NULL,"
          + " revision BIGINT NOT NULL)");
      dialect.commit(c);
    } catch (SQLException e) {
      dialect.rollback(c);
      throw e;
    }
    dialect.begin(c, true);
    if (schemaVersion(c) < 0) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO " + STORE + " (id, version, schema_version) VALUES (1, 0, " + VERSION + ")");
        dialect.commit(c);
      } catch (SQLException e) {
        dialect.rollback(c); // another node inserted it first
      }
    } else {
      dialect.commit(c);
    }
    dialect.begin(c, false);
    int found = schemaVersion(c);
    dialect.commit(c);
    if (found > VERSION) {
      throw new SQLException("the mailbox tables are of schema version " + found + ", written by a newer outmail; "
          + "this one knows version " + VERSION);
    }
  }

  private static int schemaVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT schema_version FROM " + STORE + " WHERE id = 1")) {
      return r.next() ? r.getInt(1) : -1;
    }
  }
}
