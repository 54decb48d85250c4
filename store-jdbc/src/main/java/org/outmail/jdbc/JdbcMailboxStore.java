package org.outmail.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxStore;
import org.outmail.MailboxStoreException;
import org.outmail.SecretsKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailboxes in a database, through JDBC: embedded in one SQLite file for one node ({@link
 * #builder(Path)}), PostgreSQL when several nodes share them; the tables and statements are the same
 * on both. The store creates and migrates its two tables ({@code outmail_mailbox_store}, {@code
 * outmail_mailbox}) when it is built.
 *
 * <p>The SQLite file is in write-ahead-log mode and fsyncs each commit ({@code synchronous=FULL}):
 * a saved mailbox survives a killed process and a power cut. SQLite has one writer at a time; a
 * change takes the write lock when it begins, so changes from several threads (or several stores on
 * one file) wait for each other, up to 10 s. A file that holds an H2 database, which earlier
 * snapshots of outmail wrote, is refused with what to do instead.
 *
 * <p>A mailbox's fields are kept in the clear; its secrets (password, trust-store password, OAuth
 * client secret and refresh token) are sealed with the host's {@link SecretsKey} (AES-GCM) before
 * they reach the database, so the database never holds one in plain text. Reading them with another
 * key is a {@link MailboxStoreException} that names both keys' ids.
 *
 * <p>Every change moves the store's version forward in the same transaction; a change made with an
 * expected version is refused when another came first. Listeners hear of changes made through this
 * store at once and of changes made elsewhere (another node) when the store next polls the version,
 * every {@link Builder#pollInterval} (2 s unless set), from the first listener on.
 *
 * <pre>{@code
 * MailboxStore store = JdbcMailboxStore.builder(dataSource)
 *     .secretsKey(SecretsKey.of(Secret.env("OUTMAIL_SECRETS_KEY")))
 *     .build();
 * MailboxRegistry registry = MailboxRegistry.builder().store(store).build();
 * }</pre>
 */
public final class JdbcMailboxStore implements MailboxStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcMailboxStore.class);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Codec codec;
  private final Duration pollInterval;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object pollLock = new Object();
  /** Started with the first listener. */
  private @Nullable ScheduledExecutorService poller;
  private long seen;
  private volatile boolean closed;

  private JdbcMailboxStore(DataSource dataSource, SecretsKey key, Duration pollInterval) {
    this.dataSource = dataSource;
    this.codec = new Codec(key);
    this.pollInterval = pollInterval;
    try (Connection c = dataSource.getConnection()) {
      this.dialect = Dialect.of(c);
      dialect.prepareFile(c);
      Schema.migrate(c, dialect);
    } catch (SQLException e) {
      throw failure(null, "cannot create or migrate the mailbox tables", e);
    }
    this.seen = version();
  }

  /**
   * Starts a store over the host's data source (a connection pool).
   *
   * @param dataSource where connections come from
   * @return a builder; {@link Builder#secretsKey} is required
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource == null"));
  }

  /**
   * Starts a store over a JDBC URL, connecting for each operation: {@code jdbc:sqlite:FILE} is the
   * embedded store, as {@link #builder(Path)}; another URL connects through {@link
   * java.sql.DriverManager}, for tools and tests (a host gives its connection pool to {@link
   * #builder(DataSource)}).
   *
   * @param jdbcUrl the URL, with its driver on the classpath (SQLite's comes with this module)
   * @return a builder; {@link Builder#secretsKey} is required
   * @throws MailboxConfigException for a {@code jdbc:h2:} URL (H2 is no longer a store of outmail's;
   *     the message says what to do instead), an in-memory SQLite database, or a SQLite file as
   *     {@link #builder(Path)} refuses it
   */
  public static Builder builder(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
    UrlDataSource url = new UrlDataSource(jdbcUrl);
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      throw SqliteFile.h2Url(jdbcUrl, url.toString());
    }
    if (lower.startsWith(SqliteFile.URL_PREFIX)) {
      return new Builder(SqliteFile.ofUrl(jdbcUrl));
    }
    return new Builder(url);
  }

  /**
   * Starts the embedded store: one SQLite file (created with its directories when missing), in
   * write-ahead-log mode with every commit fsynced. Several stores (in one process or several) may
   * open the same file; for nodes on several machines use PostgreSQL.
   *
   * @param file the database file, e.g. {@code data/mailboxes.db}
   * @return a builder; {@link Builder#secretsKey} is required
   * @throws MailboxConfigException if the path holds an H2 database (the message says what to do
   *     instead), is a directory, or its directory cannot be created
   */
  public static Builder builder(Path file) {
    return new Builder(SqliteFile.of(Objects.requireNonNull(file, "file == null"), "file"));
  }

  @Override
  public Contents contents() {
    try (Connection c = begin(false)) {
      long version = version(c);
      List<Mailbox> mailboxes = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT id, fields, secrets FROM " + Schema.MAILBOX
          + " ORDER BY position"); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          mailboxes.add(codec.read(r.getString(1), r.getString(2), r.getString(3)));
        }
      }
      dialect.commit(c);
      return new Contents(version, mailboxes);
    } catch (SQLException e) {
      throw failure(null, "cannot read the mailboxes", e);
    }
  }

  @Override
  public long version() {
    try (Connection c = begin(false)) {
      long v = version(c);
      dialect.commit(c);
      return v;
    } catch (SQLException e) {
      throw failure(null, "cannot read the version of the mailboxes", e);
    }
  }

  @Override
  public long save(Mailbox mailbox, long expectedVersion) {
    Objects.requireNonNull(mailbox, "mailbox == null");
    return saveAll(List.of(mailbox), expectedVersion);
  }

  /**
   * Saves the mailboxes in one transaction with one step of the version: other readers (on this
   * node or another) see all of them or none.
   */
  @Override
  public long saveAll(List<Mailbox> mailboxes, long expectedVersion) {
    List<Mailbox> list = List.copyOf(Objects.requireNonNull(mailboxes, "mailboxes == null"));
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no mailbox to save");
    }
    if (list.stream().map(Mailbox::id).distinct().count() != list.size()) {
      throw new IllegalArgumentException("a mailbox id is given twice: " + list.stream().map(Mailbox::id).toList());
    }
    List<String[]> rows = new ArrayList<>();
    for (Mailbox m : list) {
      rows.add(new String[] {m.id(), codec.fields(m), codec.secrets(m)});
    }
    return write(list.size() == 1 ? list.get(0).id() : null, expectedVersion, (c, version) -> {
      for (String[] row : rows) {
        upsert(c, version, row[0], row[1], row[2]);
      }
    });
  }

  private static void upsert(Connection c, long version, String id, String fields, String secrets) throws SQLException {
    try (PreparedStatement u = c.prepareStatement("UPDATE " + Schema.MAILBOX
        + " SET fields = ?, secrets = ?, revision = ? WHERE id = ?")) {
      u.setString(1, fields);
      u.setString(2, secrets);
      u.setLong(3, version);
      u.setString(4, id);
      if (u.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement i = c.prepareStatement("INSERT INTO " + Schema.MAILBOX
        + " (id, position, fields, secrets, revision) SELECT ?, COALESCE(MAX(position), 0) + 1, ?, ?, ? FROM "
        + Schema.MAILBOX)) {
      i.setString(1, id);
      i.setString(2, fields);
      i.setString(3, secrets);
      i.setLong(4, version);
      i.executeUpdate();
    }
  }

  @Override
  public long delete(String id, long expectedVersion) {
    Objects.requireNonNull(id, "id == null");
    return write(id, expectedVersion, (c, version) -> {
      try (PreparedStatement d = c.prepareStatement("DELETE FROM " + Schema.MAILBOX + " WHERE id = ?")) {
        d.setString(1, id);
        d.executeUpdate();
      }
    });
  }

  private interface Change {
    void apply(Connection c, long version) throws SQLException;
  }

  /** Moves the version forward (if it is still the one expected) and makes the change, in one transaction. */
  private long write(@Nullable String id, long expectedVersion, Change change) {
    checkOpen();
    long v;
    try (Connection c = begin(true)) {
      try {
        String sql = "UPDATE " + Schema.STORE + " SET version = version + 1 WHERE id = 1"
            + (expectedVersion == ANY_VERSION ? "" : " AND version = ?");
        try (PreparedStatement s = c.prepareStatement(sql)) {
          if (expectedVersion != ANY_VERSION) {
            s.setLong(1, expectedVersion);
          }
          if (s.executeUpdate() != 1) {
            long found = version(c);
            throw MailboxStoreException.conflict(id, expectedVersion, found);
          }
        }
        v = version(c);
        change.apply(c, v);
        dialect.commit(c);
      } catch (SQLException | RuntimeException e) {
        try {
          dialect.rollback(c);
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure(id, "not saved", e);
    }
    synchronized (pollLock) {
      seen = Math.max(seen, v);
    }
    notifyListeners();
    return v;
  }

  @Override
  public Subscription onChange(Runnable listener) {
    Objects.requireNonNull(listener, "listener == null");
    checkOpen();
    listeners.add(listener);
    synchronized (pollLock) {
      if (poller == null) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "outmail-mailbox-store-poll");
          t.setDaemon(true);
          return t;
        });
        long ms = pollInterval.toMillis();
        // poll() logs its own failures, so the schedule never stops on one
        Future<?> unused = poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
      }
    }
    return () -> listeners.remove(listener);
  }

  /** Reads the version; tells the listeners if it moved since last seen. */
  private void poll() {
    if (closed || listeners.isEmpty()) {
      return;
    }
    long v;
    try {
      v = version();
    } catch (MailException e) {
      LOG.warn("{}", e.getMessage());
      return;
    } catch (RuntimeException e) {
      // a host's data source may fail unchecked (a pool closing, a driver's bug): the next poll tries again
      LOG.warn("cannot read the version of the mailboxes: {}", e.toString());
      return;
    }
    synchronized (pollLock) {
      if (v == seen) {
        return;
      }
      seen = v;
    }
    notifyListeners();
  }

  private void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.warn("a mailbox store listener failed", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (pollLock) {
      if (poller != null) {
        poller.shutdownNow();
      }
    }
    listeners.clear();
  }

  private void checkOpen() {
    if (closed) {
      throw new MailboxStoreException(null, "the mailbox store " + dataSource + " is closed", null);
    }
  }

  /** A connection in a transaction just begun; {@code write} for one that changes rows. */
  private Connection begin(boolean write) throws SQLException {
    return dialect.begin(dataSource, write);
  }

  private static long version(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT version FROM " + Schema.STORE + " WHERE id = 1");
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("the table " + Schema.STORE + " has no row");
      }
      return r.getLong(1);
    }
  }

  private MailboxStoreException failure(@Nullable String id, String what, SQLException e) {
    return new MailboxStoreException(id, MailException.mailboxPrefix(id) + "mailbox store " + dataSource + ": " + what
        + ": " + e.getMessage() + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"), e);
  }

  @Override
  public String toString() {
    return "JdbcMailboxStore[" + dataSource + "]";
  }

  /** Builds a {@link JdbcMailboxStore}; each setting is refused when set a second time. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable SecretsKey key;
    private @Nullable Duration pollInterval;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The key secrets are sealed with; required. Keep it outside the database.
     *
     * @param key the host's key
     * @return this builder
     * @throws MailboxConfigException if set before
     */
    public Builder secretsKey(SecretsKey key) {
      Objects.requireNonNull(key, "key == null");
      if (this.key != null) {
        throw new MailboxConfigException(null, "secretsKey", "secretsKey was already set to " + this.key);
      }
      this.key = key;
      return this;
    }

    /**
     * How often the store reads the version to learn of changes made by other nodes; 2 s unless
     * set.
     *
     * @param interval the interval
     * @return this builder
     * @throws MailboxConfigException unless at least 10 ms, or if set before
     */
    public Builder pollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      if (interval.toMillis() < 10) {
        throw new MailboxConfigException(null, "pollInterval", "pollInterval must be at least 10ms, was " + interval);
      }
      if (this.pollInterval != null) {
        throw new MailboxConfigException(null, "pollInterval", "pollInterval was already set to " + this.pollInterval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Creates or migrates the tables and builds the store.
     *
     * @return the store
     * @throws MailboxConfigException without a secrets key
     * @throws MailboxStoreException if the database cannot be reached or its tables are of a newer
     *     outmail
     */
    public JdbcMailboxStore build() {
      SecretsKey k = key;
      if (k == null) {
        throw new MailboxConfigException(null, "secretsKey", "secretsKey is required: the database never holds a "
            + "password or client secret in plain text; give SecretsKey.of(Secret.env(\"OUTMAIL_SECRETS_KEY\")) "
            + "(make a key with SecretsKey.generate())");
      }
      return new JdbcMailboxStore(dataSource, k, pollInterval != null ? pollInterval : Duration.ofSeconds(2));
    }
  }
}
