package org.outmail.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Where an {@link Outbox} keeps its mail: {@link #embedded(Path)} (a file, nothing to start, one
 * process at a time) or {@link #jdbc(DataSource)} (PostgreSQL, shared by several nodes). Opened by
 * {@link Outbox.Builder#build()} and closed with the outbox.
 */
public final class OutboxStore {
  private final Path directory;
  private final boolean fsync;
  private final DataSource dataSource;

  private OutboxStore(Path directory, boolean fsync, DataSource dataSource) {
    this.directory = directory;
    this.fsync = fsync;
    this.dataSource = dataSource;
  }

  /**
   * An H2 database in {@code directory} (created if missing: {@code outbox.mv.db} and a lock file).
   * An enqueue returns once its mail is written and fsynced; concurrent enqueues share an fsync.
   * One process at a time: a second one (or a second outbox in the same process) fails with an
   * {@link OutboxException} naming the directory.
   *
   * @param directory where the store's files are, created if missing
   * @return the store, opened when the outbox is built
   */
  public static OutboxStore embedded(Path directory) {
    return new OutboxStore(Objects.requireNonNull(directory, "directory == null").toAbsolutePath(), true, null);
  }

  /**
   * Like {@link #embedded(Path)}, but an enqueue returns once its mail is handed to the operating
   * system, without fsync: it survives the process being killed, not a power cut or a kernel crash.
   * Faster on disks where fsync is slow.
   *
   * @param directory where the store's files are, created if missing
   * @return the store, opened when the outbox is built
   */
  public static OutboxStore embeddedWithoutFsync(Path directory) {
    return new OutboxStore(Objects.requireNonNull(directory, "directory == null").toAbsolutePath(), false, null);
  }

  /**
   * Tables in the database of the data source (PostgreSQL), created or migrated when the outbox is
   * built; every node that uses the same database shares one queue. Use a pooled data source; the
   * outbox does not close it.
   *
   * @param dataSource a pooled data source of the database (PostgreSQL; H2 works too)
   * @return the store, opened when the outbox is built
   */
  public static OutboxStore jdbc(DataSource dataSource) {
    return new OutboxStore(null, true, Objects.requireNonNull(dataSource, "dataSource == null"));
  }

  JdbcStore open() {
    return dataSource != null ? openJdbc() : openEmbedded();
  }

  private JdbcStore openJdbc() {
    try (Connection c = dataSource.getConnection()) {
      Dialect dialect = Dialect.of(c);
      Schema.migrate(c, dialect);
      return new JdbcStore(dataSource, dialect, null, null, null, "outbox store " + c.getMetaData().getURL());
    } catch (SQLException e) {
      throw new OutboxException("the outbox store could not be opened: " + e.getMessage(), e);
    }
  }

  private JdbcStore openEmbedded() {
    FileChannel lockFile = null;
    FileLock lock;
    try {
      Files.createDirectories(directory);
      lockFile = FileChannel.open(directory.resolve("outbox.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      close(lockFile);
      throw new OutboxException("the outbox store in " + directory + " is already open in this process: "
          + "one outbox at a time may use it (close the other first)");
    } catch (IOException e) {
      close(lockFile);
      throw new OutboxException("the outbox store in " + directory + " could not be opened: " + e, e);
    }
    if (lock == null) {
      close(lockFile);
      throw new OutboxException("the outbox store in " + directory + " is in use by another process: "
          + "one process at a time may open it (stop the other, or give this one its own directory)");
    }
    FileChannel held = lockFile;
    String url = "jdbc:h2:file:" + directory.resolve("outbox") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;CACHE_SIZE=4096";
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
    pool.setMaxConnections(64);
    try {
      GroupSync sync = new GroupSync(DriverManager.getConnection(url, "sa", ""), fsync);
      GroupSync claimSync = new GroupSync(DriverManager.getConnection(url, "sa", ""), false);
      try (Connection c = pool.getConnection()) {
        Schema.migrate(c, Dialect.H2);
      }
      AutoCloseable release = () -> {
        pool.dispose();
        held.close(); // releases the lock
      };
      return new JdbcStore(pool, Dialect.H2, sync, claimSync, release, "outbox store " + directory);
    } catch (SQLException | RuntimeException e) {
      pool.dispose();
      close(held);
      throw new OutboxException("the outbox store in " + directory + " could not be opened: " + e.getMessage(), e);
    }
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }

  @Override
  public String toString() {
    return dataSource != null ? "OutboxStore{jdbc}" : "OutboxStore{embedded " + directory + (fsync ? "" : ", no fsync") + "}";
  }
}
