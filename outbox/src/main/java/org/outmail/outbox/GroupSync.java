package org.outmail.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the embedded store: H2 makes a commit visible at once but writes it to its file
 * later, so a caller that must not return before its commit is on disk asks for a sync. One sync
 * ({@code CHECKPOINT SYNC}: write, then fsync) covers every commit made before it started; callers
 * that arrive while one runs share the next one. Eight threads then pay for about one fsync a
 * round instead of eight.
 */
final class GroupSync implements AutoCloseable {
  private final Connection connection;
  private final String statement;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition done = lock.newCondition();
  private long started;
  private long completed;
  private boolean running;
  private long failedRound = -1;
  private SQLException lastFailure;

  /**
   * @param fsync whether a sync forces the file to the device (survives a power cut) or only hands
   *     it to the operating system (survives the process being killed)
   */
  GroupSync(Connection connection, boolean fsync) {
    this.connection = connection;
    this.statement = fsync ? "CHECKPOINT SYNC" : "CHECKPOINT";
  }

  /** Returns once every commit this thread made before the call is on disk. */
  void await() throws SQLException {
    lock.lock();
    try {
      long target = started + 1; // a round that starts after our commit
      while (completed < target) {
        if (!running) {
          running = true;
          long round = ++started;
          SQLException failure = null;
          lock.unlock();
          try {
            syncNow();
          } catch (SQLException e) {
            failure = e;
          } finally {
            lock.lock();
          }
          running = false;
          completed = round;
          if (failure != null) {
            failedRound = round;
            lastFailure = failure;
          }
          done.signalAll();
        } else {
          done.awaitUninterruptibly();
        }
      }
      if (failedRound >= target) {
        throw new SQLException("the outbox store could not write its file to disk: " + lastFailure.getMessage(), lastFailure);
      }
    } finally {
      lock.unlock();
    }
  }

  private void syncNow() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(statement);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
