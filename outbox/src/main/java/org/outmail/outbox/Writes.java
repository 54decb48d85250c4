package org.outmail.outbox;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * How the store's writes reach the database, durably: {@link #write} returns once the work is
 * committed (on the embedded store: fsynced). Two ways: a transaction per call on a pooled
 * connection ({@link TransactionPerCall}, PostgreSQL), or one writer thread that commits the work
 * of every waiting caller in one transaction ({@link WriterThread}, SQLite: one fsync for all).
 */
interface Writes extends AutoCloseable {
  /** Statements run in a transaction they must not commit or roll back themselves. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs the work in a transaction and commits it; on failure nothing of the work is stored.
   *
   * @return what the work returned, once its transaction is durable
   */
  <T> T write(Work<T> work) throws SQLException;

  /**
   * Like {@link #write}, for what need only survive the process, not a power cut (claims, lease
   * renewals, outcomes: losing one to a power cut sends a mail again, never loses one): the
   * embedded store commits it without an fsync of its own when nothing durable shares the commit
   * (the next durable commit makes it durable too); PostgreSQL commits it without waiting for its
   * log flush ({@code synchronous_commit = off}).
   */
  default <T> T writeLight(Work<T> work) throws SQLException {
    return write(work);
  }

  /** {@return how many transactions were committed: one fsync each on the embedded store} */
  long commits();

  @Override
  void close();
}
