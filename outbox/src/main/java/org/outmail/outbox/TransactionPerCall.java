package org.outmail.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Each write in its own transaction on a connection of the host's pool, whose commit is durable:
 * PostgreSQL, or the host's SQLite file (its transactions take the write lock when they begin, so
 * writers queue behind each other within the busy timeout).
 */
final class TransactionPerCall implements Writes {
  private final DataSource dataSource;
  private final Dialect dialect;
  private final AtomicLong commits = new AtomicLong();

  TransactionPerCall(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  @Override
  public <T> T write(Work<T> work) throws SQLException {
    return run(work, false);
  }

  /**
   * Commits without waiting for PostgreSQL's log flush ({@code synchronous_commit = off} for this
   * transaction alone); on SQLite, like {@link #write}.
   */
  @Override
  public <T> T writeLight(Work<T> work) throws SQLException {
    return run(work, true);
  }

  private <T> T run(Work<T> work, boolean light) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (light && dialect == Dialect.POSTGRESQL) {
          try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit TO OFF");
          }
        }
        T result = work.run(c);
        c.commit();
        commits.incrementAndGet();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  @Override
  public long commits() {
    return commits.get();
  }

  @Override
  public void close() {
    // the host owns the data source
  }
}
