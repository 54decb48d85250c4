package org.outmail.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.SecretsKey;
import org.outmail.oauth.TokenStore;
import org.outmail.oauth.TokenStoreException;

/**
 * Refresh tokens in a database, for nodes that share their OAuth clients: the table {@code
 * outmail_token} (one row per client, the token sealed with the host's {@link SecretsKey}, bound to
 * the client's name), beside the mailbox tables in the same database. A refresh runs while the
 * client's row is locked ({@link #locked}: {@code SELECT ... FOR UPDATE} on PostgreSQL, the file's
 * write lock on SQLite), so two nodes never present the same refresh token: the second waits, then
 * reads the token the first rotated.
 */
public final class JdbcTokenStore implements TokenStore {
  static final String TABLE = "outmail_token";

  private final DataSource dataSource;
  private final Dialect dialect;
  private final SecretsKey key;
  /** The connection of the lock this thread holds, which its loads and saves use. */
  @SuppressWarnings("ThreadLocalUsage") // per store: the lock is held on this store's database
  private final ThreadLocal<Connection> held = new ThreadLocal<>();

  private JdbcTokenStore(DataSource dataSource, SecretsKey key) {
    this.dataSource = dataSource;
    this.key = key;
    try (Connection c = dataSource.getConnection()) {
      this.dialect = Dialect.of(c);
      dialect.prepareFile(c);
      dialect.begin(c, true);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE IF NOT EXISTS " + TABLE + " (client VARCHAR(200) PRIMARY KEY,"
            + " refresh_token VARCHAR(65535), updated_at BIGINT NOT NULL)");
        dialect.commit(c);
      } catch (SQLException e) {
        dialect.rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw failure("cannot create the table " + TABLE, e);
    }
  }

  /**
   * Starts a store over the host's data source (a connection pool).
   *
   * @param dataSource where connections come from
   * @param key the key tokens are sealed with
   * @return the store, its table created if missing
   * @throws TokenStoreException if the database cannot be reached
   */
  public static JdbcTokenStore of(DataSource dataSource, SecretsKey key) {
    return new JdbcTokenStore(Objects.requireNonNull(dataSource, "dataSource == null"),
        Objects.requireNonNull(key, "key == null"));
  }

  /**
   * Starts a store over a JDBC URL: {@code jdbc:sqlite:FILE} is the embedded store, as {@link
   * #of(Path, SecretsKey)}; another URL connects through {@link java.sql.DriverManager}.
   *
   * @param jdbcUrl the URL, with its driver on the classpath (SQLite's comes with this module)
   * @param key the key tokens are sealed with
   * @return the store, its table created if missing
   * @throws MailboxConfigException for a URL the mailbox store refuses too (H2, in-memory SQLite)
   * @throws TokenStoreException if the database cannot be reached
   */
  public static JdbcTokenStore of(String jdbcUrl, SecretsKey key) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
    UrlDataSource url = new UrlDataSource(jdbcUrl);
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      throw SqliteFile.h2Url(jdbcUrl, url.toString());
    }
    return of(lower.startsWith(SqliteFile.URL_PREFIX) ? SqliteFile.ofUrl(jdbcUrl) : url, key);
  }

  /**
   * Starts the embedded store in a SQLite file (the mailbox store's, or one of its own).
   *
   * @param file the database file
   * @param key the key tokens are sealed with
   * @return the store, its table created if missing
   * @throws MailboxConfigException if the path holds an H2 database or is a directory
   */
  public static JdbcTokenStore of(Path file, SecretsKey key) {
    return of(SqliteFile.of(Objects.requireNonNull(file, "file == null"), "file"), key);
  }

  @Override
  public Optional<Secret> load(String clientName) {
    Objects.requireNonNull(clientName, "clientName == null");
    Connection c = held.get();
    if (c != null) {
      return read(c, clientName);
    }
    try (Connection own = begin(false)) {
      Optional<Secret> token = read(own, clientName);
      dialect.commit(own);
      return token;
    } catch (SQLException e) {
      throw failure("cannot read the refresh token of OAuth client '" + clientName + "'", e);
    }
  }

  @Override
  public void save(String clientName, Secret refreshToken) {
    Objects.requireNonNull(clientName, "clientName == null");
    Objects.requireNonNull(refreshToken, "refreshToken == null");
    Connection c = held.get();
    try {
      if (c != null) {
        write(c, clientName, refreshToken);
        return;
      }
      try (Connection own = begin(true)) {
        try {
          write(own, clientName, refreshToken);
          dialect.commit(own);
        } catch (SQLException | RuntimeException e) {
          dialect.rollback(own);
          throw e;
        }
      }
    } catch (SQLException e) {
      throw failure("cannot save the refresh token of OAuth client '" + clientName + "'", e);
    }
  }

  /**
   * Runs the action while this node holds the client's row: another node's refresh of the same
   * client waits until this one has saved its rotated token and committed. What the action saved
   * is committed even when it then throws, so a rotated token is never lost.
   */
  @Override
  @SuppressWarnings("Finally") // a token the action saved but that could not be committed is the failure to report
  public <T> T locked(String clientName, Supplier<T> action) {
    Objects.requireNonNull(clientName, "clientName == null");
    if (held.get() != null) {
      return action.get();
    }
    Connection c;
    try {
      c = begin(true);
    } catch (SQLException e) {
      throw failure("cannot lock the refresh token of OAuth client '" + clientName + "'", e);
    }
    try (c) {
      try {
        lock(c, clientName);
      } catch (SQLException e) {
        dialect.rollback(c);
        throw failure("cannot lock the refresh token of OAuth client '" + clientName + "'", e);
      }
      held.set(c);
      try {
        return action.get();
      } finally {
        held.remove();
        try {
          dialect.commit(c);
        } catch (SQLException e) {
          throw failure("cannot save the refresh token of OAuth client '" + clientName + "'", e);
        }
      }
    } catch (SQLException e) {
      throw failure("cannot release the lock on the refresh token of OAuth client '" + clientName + "'", e);
    }
  }

  private void lock(Connection c, String clientName) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (client, refresh_token, updated_at)"
        + " VALUES (?, NULL, ?) ON CONFLICT (client) DO NOTHING")) {
      s.setString(1, clientName);
      s.setLong(2, System.currentTimeMillis());
      s.executeUpdate();
    }
    if (dialect == Dialect.GENERIC) { // SQLite: BEGIN IMMEDIATE holds the file's write lock already
      try (PreparedStatement s = c.prepareStatement("SELECT client FROM " + TABLE + " WHERE client = ? FOR UPDATE")) {
        s.setString(1, clientName);
        s.executeQuery().close();
      }
    }
  }

  private Optional<Secret> read(Connection c, String clientName) {
    try (PreparedStatement s = c.prepareStatement("SELECT refresh_token FROM " + TABLE + " WHERE client = ?")) {
      s.setString(1, clientName);
      try (ResultSet r = s.executeQuery()) {
        String sealed = r.next() ? r.getString(1) : null;
        if (sealed == null || sealed.isEmpty()) {
          return Optional.empty();
        }
        try {
          return Optional.of(key.open(sealed, context(clientName)));
        } catch (IllegalArgumentException e) {
          throw new TokenStoreException(
              "token store " + dataSource + ": cannot open the refresh token of OAuth client '"
                  + clientName + "': " + e.getMessage(),
              e);
        }
      }
    } catch (SQLException e) {
      throw failure("cannot read the refresh token of OAuth client '" + clientName + "'", e);
    }
  }

  private void write(Connection c, String clientName, Secret token) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (client, refresh_token, updated_at)"
        + " VALUES (?, ?, ?) ON CONFLICT (client) DO UPDATE SET refresh_token = excluded.refresh_token,"
        + " updated_at = excluded.updated_at")) {
      s.setString(1, clientName);
      s.setString(2, key.seal(token, context(clientName)));
      s.setLong(3, System.currentTimeMillis());
      s.executeUpdate();
    }
  }

  private static String context(String clientName) {
    return "token:" + clientName;
  }

  /** A connection in a transaction just begun; {@code write} for one that changes rows. */
  private Connection begin(boolean write) throws SQLException {
    return dialect.begin(dataSource, write);
  }

  private TokenStoreException failure(String what, SQLException e) {
    return new TokenStoreException("token store " + dataSource + ": " + what + ": " + e.getMessage()
        + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"), e);
  }

  @Override
  public String toString() {
    return "JdbcTokenStore[" + dataSource + ", sealed with key " + key.id() + "]";
  }
}
