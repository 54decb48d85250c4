package org.outmail.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The few statements that differ between H2 and PostgreSQL: inserting a mail whose idempotency
 * key may already be taken (PostgreSQL must not abort the host's transaction on a conflict), and
 * making sure a mailbox row exists. Everything else is the same SQL.
 */
enum Dialect {
  H2,
  POSTGRESQL;

  static final String INSERT_COLUMNS = "INSERT INTO outmail_outbox (mailbox_id, idempotency_key, message_id, subject, "
      + "state, due_at, created_at, expires_at, attempts, payload) VALUES (?, ?, ?, ?, 'QUEUED', ?, ?, ?, 0, ?)";

  static Dialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    if (product.equalsIgnoreCase("H2")) {
      return H2;
    }
    if (product.equalsIgnoreCase("PostgreSQL")) {
      return POSTGRESQL;
    }
    throw new OutboxException("the outbox stores mail in H2 or PostgreSQL, not in " + product);
  }

  /** The statement that inserts a mail; parameters as {@link #INSERT_COLUMNS}. */
  PreparedStatement prepareInsert(Connection c) throws SQLException {
    if (this == POSTGRESQL) {
      return c.prepareStatement(INSERT_COLUMNS + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id");
    }
    return c.prepareStatement(INSERT_COLUMNS, Statement.RETURN_GENERATED_KEYS);
  }

  /**
   * Runs the prepared insert; the new id, or null when the idempotency key is taken.
   */
  Long executeInsert(PreparedStatement insert) throws SQLException {
    if (this == POSTGRESQL) {
      try (ResultSet rs = insert.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
    try {
      insert.executeUpdate();
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
    try (ResultSet rs = insert.getGeneratedKeys()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** What the claim's select ends with: row locks that skip rows other nodes hold (PostgreSQL only). */
  String skipLocked() {
    return this == POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
  }

  String ensureMailbox() {
    return this == POSTGRESQL
        ? "INSERT INTO outmail_outbox_mailbox (mailbox_id) VALUES (?) ON CONFLICT DO NOTHING"
        : "MERGE INTO outmail_outbox_mailbox KEY (mailbox_id) VALUES (?)";
  }

  /** Keeps two nodes from migrating the schema at once (within the migration's transaction). */
  void lockSchema(Statement s) throws SQLException {
    if (this == POSTGRESQL) {
      s.execute("LOCK TABLE outmail_outbox_schema IN ACCESS EXCLUSIVE MODE");
    }
  }
}
