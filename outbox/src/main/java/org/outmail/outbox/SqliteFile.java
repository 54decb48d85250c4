package org.outmail.outbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * How the embedded store opens its SQLite file: write-ahead log (readers never wait for the writer),
 * {@code synchronous=FULL} (every commit fsyncs the log before it returns: it survives a power cut)
 * or {@code NORMAL} without fsync (it survives the process being killed), a busy timeout for
 * readers, and a bounded log.
 */
final class SqliteFile {
  /** How long a connection waits for a lock before it fails. */
  static final int BUSY_TIMEOUT_MILLIS = 10_000;
  /** The log is truncated to this after a checkpoint: a 100 MB attachment does not leave a 100 MB log. */
  static final int JOURNAL_SIZE_LIMIT = 64 << 20;

  private SqliteFile() {}

  static Connection open(String url, boolean fsync, boolean reader) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(fsync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setJournalSizeLimit(JOURNAL_SIZE_LIMIT);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    if (!reader) {
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    }
    return config.createConnection(url);
  }

  /**
   * Checks that a connection of the host's SQLite data source can share the file with the outbox:
   * the write-ahead log (readers never wait for a writer), a busy timeout (a writer waits for
   * another instead of failing) and transactions that take the write lock when they begin (a
   * transaction that read first could not get it later).
   *
   * @throws OutboxException naming every URL parameter that is missing
   */
  static void checkHostConnection(Connection c) throws SQLException {
    StringBuilder missing = new StringBuilder();
    if (!"wal".equalsIgnoreCase(pragma(c, "journal_mode"))) {
      missing.append(" journal_mode=WAL");
    }
    String busy = pragma(c, "busy_timeout");
    if (busy == null || Long.parseLong(busy) <= 0) {
      missing.append(" busy_timeout=10000");
    }
    if (!c.isWrapperFor(SQLiteConnection.class) || c.unwrap(SQLiteConnection.class).getConnectionConfig()
        .getTransactionMode() != SQLiteConfig.TransactionMode.IMMEDIATE) {
      missing.append(" transaction_mode=IMMEDIATE");
    }
    if (missing.length() > 0) {
      throw new OutboxException("OutboxStore.jdbc on SQLite (" + c.getMetaData().getURL() + ") needs the data source's "
          + "URL to set" + missing + ", e.g. jdbc:sqlite:app.db?journal_mode=WAL&synchronous=FULL&busy_timeout=10000"
          + "&transaction_mode=IMMEDIATE: the outbox and the application write to the file in turn");
    }
  }

  private static @Nullable String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
