package org.outmail.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What differs between the databases the store runs on: how a connection is set up and how a
 * transaction begins and ends. The tables and statements are the same on each.
 */
enum Dialect {
  /**
   * One file, one writer at a time. Each connection waits for the lock ({@code busy_timeout}),
   * fsyncs every commit ({@code synchronous=FULL}) and checks foreign keys; a write transaction takes
   * the write lock when it begins ({@code BEGIN IMMEDIATE}), so two writers queue instead of one of
   * them failing halfway. The journal is a write-ahead log ({@code journal_mode=WAL}, a setting of
   * the file, made when the tables are migrated): readers never wait for the writer.
   */
  SQLITE {
    @Override
    void begin(Connection c, boolean write) throws SQLException {
      // transactions are begun and ended here by statement: the driver's own begins a new one
      // (and with IMMEDIATE takes the write lock again) right after each commit
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
        s.execute("PRAGMA synchronous = FULL");
        s.execute("PRAGMA foreign_keys = ON");
        s.execute(write ? "BEGIN IMMEDIATE" : "BEGIN");
      }
    }

    @Override
    void commit(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    }

    @Override
    void rollback(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      }
    }

    @Override
    void prepareFile(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
        s.execute("PRAGMA journal_mode = WAL");
      }
    }
  },

  /** PostgreSQL, and any database with JDBC transactions and row locks. */
  GENERIC {
    @Override
    void begin(Connection c, boolean write) throws SQLException {
      // a write waits for the version row another writer holds, then sees its change; a read sees one snapshot
      c.setTransactionIsolation(write ? Connection.TRANSACTION_READ_COMMITTED : Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
    }

    @Override
    void commit(Connection c) throws SQLException {
      c.commit();
    }

    @Override
    void rollback(Connection c) throws SQLException {
      c.rollback();
    }

    @Override
    void prepareFile(Connection c) {}
  };

  /** How long a SQLite connection waits for another's lock before it fails. */
  static final int BUSY_TIMEOUT_MS = 10_000;

  /** Sets the connection up and begins a transaction; {@code write} for one that changes rows. */
  abstract void begin(Connection c, boolean write) throws SQLException;

  /**
   * A connection of {@code dataSource} in a transaction just begun ({@link #begin}); closed again
   * when the transaction cannot begin.
   */
  Connection begin(DataSource dataSource, boolean write) throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      begin(c, write);
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return c;
  }

  abstract void commit(Connection c) throws SQLException;

  abstract void rollback(Connection c) throws SQLException;

  /** Settings of the database itself, made once when the tables are migrated, outside a transaction. */
  abstract void prepareFile(Connection c) throws SQLException;

  /** The dialect of the database a connection reaches. */
  static Dialect of(Connection c) throws SQLException {
    return "SQLite".equalsIgnoreCase(c.getMetaData().getDatabaseProductName()) ? SQLITE : GENERIC;
  }
}
