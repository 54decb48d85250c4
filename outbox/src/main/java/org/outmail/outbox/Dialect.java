package org.outmail.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the embedded store (SQLite) and the shared one (PostgreSQL): the schema's
 * scripts, row locks (SQLite has one writer, so it needs none), and a function name. Everything else
 * is the same SQL.
 */
enum Dialect {
  SQLITE("sqlite"), POSTGRESQL("postgresql");

  private final String schemaFolder;

  Dialect(String schemaFolder) {
    this.schemaFolder = schemaFolder;
  }

  static Dialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    if (product.equalsIgnoreCase("PostgreSQL")) {
      return POSTGRESQL;
    }
    if (product.equalsIgnoreCase("SQLite")) {
      return SQLITE;
    }
    throw new OutboxException("the outbox stores mail in PostgreSQL (OutboxStore.jdbc) or in its embedded SQLite file "
        + "(OutboxStore.embedded), not in " + product);
  }

  /** The folder of this database's schema scripts, beside {@link Schema}. */
  String schemaFolder() {
    return schemaFolder;
  }

  /** What a select of rows to update ends with: row locks that skip rows other nodes hold (PostgreSQL only). */
  String skipLocked() {
    return this == POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
  }

  /** What a select of a row to hold until the transaction ends ends with (PostgreSQL only). */
  String forUpdate() {
    return this == POSTGRESQL ? " FOR UPDATE" : "";
  }

  /** The larger of two numbers in one row. */
  String greatest() {
    return this == POSTGRESQL ? "GREATEST" : "MAX";
  }

  /** Keeps two nodes from migrating the schema at once (within the migration's transaction). */
  void lockSchema(Statement s) throws SQLException {
    if (this == POSTGRESQL) {
      s.execute("LOCK TABLE outmail_outbox_schema IN ACCESS EXCLUSIVE MODE");
    }
  }
}
