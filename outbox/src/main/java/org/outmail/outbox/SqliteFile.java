package org.outmail.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

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
}
