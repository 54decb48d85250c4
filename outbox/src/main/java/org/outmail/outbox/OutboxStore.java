package org.outmail.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where an {@link Outbox} keeps its mail: {@link #embedded(Path)} (a file, nothing to start, one
 * process at a time) or {@link #jdbc(DataSource)} (the host's database: PostgreSQL, shared by
 * several nodes, or the host's own SQLite file). Opened by
 * {@link Outbox.Builder#build()} and closed with the outbox.
 */
public final class OutboxStore {
  /** The directory of the embedded store; null for a host's database. */
  private final @Nullable Path directory;
  private final boolean fsync;
  /** The host's database; null for the embedded store. */
  private final @Nullable DataSource dataSource;
  /** Whether the host creates and migrates the tables (Flyway, Liquibase): then they are checked, not changed. */
  private final boolean hostSchema;

  private OutboxStore(@Nullable Path directory, boolean fsync, @Nullable DataSource dataSource) {
    this(directory, fsync, dataSource, false);
  }

  private OutboxStore(@Nullable Path directory, boolean fsync, @Nullable DataSource dataSource, boolean hostSchema) {
    this.directory = directory;
    this.fsync = fsync;
    this.dataSource = dataSource;
    this.hostSchema = hostSchema;
  }

  /**
   * A SQLite database in {@code directory} ({@code outbox.db} with its write-ahead log, and a lock
   * file; created if missing), nothing to install or start. An enqueue returns once its mail is
   * committed and fsynced; the commits of every caller waiting are made together, one fsync for
   * all. One process at a time: a second one (or a second outbox in the same process) fails with an
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
   * Tables in the database of the data source, created or migrated when the outbox is built, beside
   * the host's own tables, so that {@link Outbox#enqueue(Connection, org.outmail.OutgoingMailer,
   * org.outmail.Email, String)} queues a mail in the host's transaction. Use a pooled data source;
   * the outbox does not close it.
   *
   * <ul>
   *   <li><b>PostgreSQL</b>: every node that uses the same database shares one queue.
   *   <li><b>SQLite</b>, the host's own file, for an application that runs without a database
   *       server: one writer at a time, so the host's transactions and the outbox's wait for each
   *       other. The data source's URL must ask for the write-ahead log, a busy timeout and
   *       transactions that take the write lock when they begin: {@code
   *       jdbc:sqlite:app.db?journal_mode=WAL&synchronous=FULL&busy_timeout=10000&transaction_mode=IMMEDIATE}
   *       (building the outbox fails naming what is missing).
   * </ul>
   *
   * @param dataSource a pooled data source of a PostgreSQL or SQLite database
   * @return the store, opened when the outbox is built
   */
  public static OutboxStore jdbc(DataSource dataSource) {
    return new OutboxStore(null, true, Objects.requireNonNull(dataSource, "dataSource == null"));
  }

  /**
   * This {@link #jdbc(DataSource)} store with tables that the host creates and migrates itself
   * (Flyway, Liquibase) from the plain SQL shipped in this jar, {@code
   * org/outmail/outbox/schema/postgresql/V1.sql}, {@code V2.sql}, ... in order ({@code schema/sqlite/}
   * for SQLite). The outbox then
   * changes no table: when it is built it checks that the tables of the newest version are there,
   * and fails naming the scripts when they are not.
   *
   * @return the store, with the host's schema
   * @throws IllegalStateException for an embedded store, which keeps its own database
   */
  public OutboxStore schemaManagedByHost() {
    if (dataSource == null) {
      throw new IllegalStateException("schemaManagedByHost() is for OutboxStore.jdbc(dataSource); "
          + "the embedded store keeps its own database");
    }
    return new OutboxStore(null, fsync, dataSource, true);
  }

  JdbcStore open() {
    DataSource host = dataSource;
    return host != null ? openJdbc(host) : openEmbedded(Objects.requireNonNull(directory, "directory == null"));
  }

  private JdbcStore openJdbc(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      Dialect dialect = Dialect.of(c);
      if (dialect == Dialect.SQLITE) {
        SqliteFile.checkHostConnection(c);
      }
      if (hostSchema) {
        Schema.verify(c, dialect);
      } else {
        Schema.migrate(c, dialect);
      }
      return new JdbcStore(new TransactionPerCall(dataSource, dialect), dataSource::getConnection, dialect, false,
          null, "outbox store " + c.getMetaData().getURL());
    } catch (SQLException e) {
      throw new OutboxException("the outbox store could not be opened: " + e.getMessage(), e);
    }
  }

  private JdbcStore openEmbedded(Path directory) {
    if (Files.exists(directory.resolve("outbox.mv.db"))) {
      throw new OutboxException("the outbox store in " + directory + " is an H2 database (outbox.mv.db) of an earlier "
          + "outmail snapshot; the embedded store is SQLite now and does not read it. Deliver or export what it "
          + "holds with the snapshot that wrote it, then give the outbox an empty directory");
    }
    FileChannel lockFile = null;
    FileLock lock;
    try {
      Files.createDirectories(directory);
      lockFile = FileChannel.open(directory.resolve("outbox.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
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
    String url = "jdbc:sqlite:" + directory.resolve("outbox.db");
    ReadConnections readers = new ReadConnections(() -> SqliteFile.open(url, fsync, true));
    WriterThread writer = null;
    try {
      Connection write = SqliteFile.open(url, fsync, false);
      try {
        Schema.migrate(write, Dialect.SQLITE);
      } catch (SQLException | RuntimeException e) {
        write.close();
        throw e;
      }
      String description = "outbox store " + directory;
      writer = new WriterThread(write, description, fsync);
      AutoCloseable release = () -> {
        readers.close();
        held.close(); // releases the lock
      };
      return new JdbcStore(writer, readers::get, Dialect.SQLITE, true, release, description);
    } catch (SQLException | RuntimeException e) {
      if (writer != null) {
        writer.close();
      }
      readers.close();
      close(held);
      throw new OutboxException("the outbox store in " + directory + " could not be opened: " + e.getMessage(), e);
    }
  }

  private static void close(@Nullable FileChannel channel) {
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
    return dataSource != null ? "OutboxStore{jdbc" + (hostSchema ? ", schema managed by the host" : "") + "}"
        : "OutboxStore{embedded " + directory + (fsync ? "" : ", no fsync") + "}";
  }
}
