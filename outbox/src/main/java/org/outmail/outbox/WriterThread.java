package org.outmail.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's one writer: SQLite allows one writer at a time, so every write (enqueue,
 * claim, outcome, lease) is queued to this thread, which owns the write connection. It takes every
 * write waiting and commits them in one transaction (group commit): one fsync covers every caller
 * waiting, so eight threads enqueuing pay for about one fsync a round instead of eight. Each write
 * runs under its own savepoint, so one that fails is undone alone and its caller gets the failure.
 */
final class WriterThread implements Writes {
  private static final Logger LOG = LoggerFactory.getLogger(WriterThread.class);
  /** The most writes committed together: bounds a transaction's size, not the wait. */
  static final int MAX_BATCH = 1_000;

  private final Connection connection;
  private final String description;
  private final boolean fsync;
  /** Whether the connection's next commit fsyncs ({@code synchronous=FULL}) or not ({@code NORMAL}). */
  private boolean syncing = true;
  private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param connection the write connection, in auto-commit mode; owned (closed) by this writer
   * @param description the store, for messages and the thread's name
   * @param fsync whether durable commits fsync ({@code synchronous=FULL}, as the connection was
   *     opened) or never do ({@code NORMAL})
   */
  WriterThread(Connection connection, String description, boolean fsync) {
    this.connection = connection;
    this.description = description;
    this.fsync = fsync;
    this.syncing = fsync;
    this.thread = new Thread(this::run, "outmail-outbox-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  @Override
  public <T> T write(Work<T> work) throws SQLException {
    return submit(work, true);
  }

  @Override
  public <T> T writeLight(Work<T> work) throws SQLException {
    return submit(work, false);
  }

  private <T> T submit(Work<T> work, boolean durable) throws SQLException {
    if (Thread.currentThread() == thread) {
      return work.run(connection); // a write made by a write: part of the same transaction
    }
    Task<T> task = new Task<>(work, durable);
    if (closed) {
      throw new SQLException(description + " is closed");
    }
    queue.add(task);
    if (closed) {
      // close() may have drained the queue between the check above and add(): fail rather than wait forever
      if (queue.remove(task)) {
        throw new SQLException(description + " is closed");
      }
    }
    return task.await();
  }

  @Override
  public long commits() {
    return commits.get();
  }

  private void run() {
    List<Task<?>> batch = new ArrayList<>();
    while (true) {
      Task<?> first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (first == Task.STOP) {
        return;
      }
      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
      boolean stop = batch.remove(Task.STOP);
      commit(batch);
      batch.clear();
      if (stop) {
        return;
      }
    }
  }

  /**
   * Runs the writes in one transaction and commits it; tells each caller how its write went. The
   * connection stays in auto-commit mode and the transaction is SQL's own ({@code BEGIN IMMEDIATE}
   * ... {@code COMMIT}), so that whether the commit fsyncs can be set between transactions.
   */
  private void commit(List<Task<?>> batch) {
    boolean alone = batch.size() == 1;
    int done = 0;
    try {
      syncFor(batch);
      sql("BEGIN IMMEDIATE");
    } catch (SQLException | RuntimeException e) {
      for (Task<?> task : batch) {
        task.failure = e;
      }
      batch.forEach(Task::complete);
      return;
    }
    for (Task<?> task : batch) {
      try {
        if (!alone) {
          sql("SAVEPOINT w");
        }
        task.run(connection);
        if (!alone) {
          sql("RELEASE w");
        }
        done++;
      } catch (SQLException | RuntimeException | Error e) {
        task.failure = e;
        if (!alone) {
          undo("ROLLBACK TO w", "RELEASE w");
        }
      }
    }
    if (done > 0) {
      try {
        sql("COMMIT");
        commits.incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        LOG.warn("{}: a commit of {} write(s) failed: {}", description, done, e.toString());
        undo("ROLLBACK");
        for (Task<?> task : batch) {
          if (task.failure == null) {
            task.failure = e;
          }
        }
      }
    } else {
      undo("ROLLBACK");
    }
    batch.forEach(Task::complete);
  }

  /**
   * Sets whether the next commit fsyncs: only when a write in it must survive a power cut. A
   * commit without fsync still survives the process; the next one with fsync makes the log durable
   * up to it (SQLite's write-ahead log is written in order).
   */
  private void syncFor(List<Task<?>> batch) throws SQLException {
    boolean wanted = false;
    if (fsync) {
      for (Task<?> task : batch) {
        if (task.durable) {
          wanted = true;
          break;
        }
      }
    }
    if (wanted != syncing) {
      sql(wanted ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      syncing = wanted;
    }
  }

  private void sql(String statement) throws SQLException {
    try (java.sql.Statement s = connection.createStatement()) {
      s.execute(statement);
    }
  }

  private void undo(String... statements) {
    try {
      for (String statement : statements) {
        sql(statement);
      }
    } catch (SQLException e) {
      LOG.warn("{}: rolling back failed: {}", description, e.toString());
    }
  }

  /** Commits what is queued, stops the thread and closes the connection. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(Task.STOP);
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Task<?>> left = new ArrayList<>();
    queue.drainTo(left);
    for (Task<?> task : left) {
      if (task != Task.STOP) {
        task.failure = new SQLException(description + " is closed");
        task.complete();
      }
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("{}: closing the write connection failed: {}", description, e.toString());
    }
  }

  /** One caller's write and its outcome. */
  @SuppressWarnings("NullAway") // a Void task's result is null; the others' results are what their work returned
  private static final class Task<T> {
    static final Task<Void> STOP = new Task<>(c -> null, false);

    private final Work<T> work;
    private final boolean durable;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition completed = lock.newCondition();
    private T result;
    private Throwable failure;
    private boolean done;

    Task(Work<T> work, boolean durable) {
      this.work = work;
      this.durable = durable;
    }

    void run(Connection c) throws SQLException {
      result = work.run(c);
    }

    void complete() {
      lock.lock();
      try {
        done = true;
        completed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Waits, not interruptibly: the caller must learn whether its write is stored. */
    T await() throws SQLException {
      lock.lock();
      try {
        while (!done) {
          completed.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
      if (failure instanceof SQLException e) {
        throw new SQLException(e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return result;
    }
  }
}
