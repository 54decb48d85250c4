package org.outmail.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;
import org.sqlite.JDBC;

/**
 * The embedded store's database: one SQLite file, a connection per operation. {@link Dialect#SQLITE}
 * sets each connection up. A path that holds an H2 database (what earlier snapshots of outmail
 * wrote) is refused with what to do instead: no release has shipped one, so there is no migration.
 */
final class SqliteFile implements DataSource {
  static final String URL_PREFIX = "jdbc:sqlite:";
  private static final String H2_SUFFIX = ".mv.db";
  /** An H2 MVStore file begins with its header block, in text: {@code H:2,block:...}. */
  private static final byte[] H2_HEADER = "H:2,".getBytes(StandardCharsets.US_ASCII);

  private final String url;
  private final Path file;

  private SqliteFile(String url, Path file) {
    this.url = url;
    this.file = file;
  }

  /**
   * The store in a file, created (with its directories) when missing.
   *
   * @param field the setting that named the file, for errors
   * @throws MailboxConfigException if the path holds an H2 database, is a directory, or cannot be created
   */
  static SqliteFile of(Path file, String field) {
    refuseH2(file, field);
    if (Files.isDirectory(file)) {
      throw new MailboxConfigException(null, field, file + " is a directory; the embedded mailbox store is one "
          + "SQLite file: give its path, e.g. " + file.resolve("mailboxes.db"));
    }
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new MailboxConfigException(null, field, "cannot create the directory " + parent
          + " of the embedded mailbox store: " + e, e);
    }
    return new SqliteFile(URL_PREFIX + file, file);
  }

  /**
   * The store in the file a {@code jdbc:sqlite:} URL names; the URL's parameters are kept.
   *
   * @throws MailboxConfigException for an in-memory database (it lasts as long as one connection),
   *     or as {@link #of(Path, String)}
   */
  static SqliteFile ofUrl(String url) {
    String rest = url.substring(URL_PREFIX.length());
    int query = rest.indexOf('?');
    String name = query < 0 ? rest : rest.substring(0, query);
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    }
    if (name.isEmpty() || name.contains(":memory:") || url.contains("mode=memory")) {
      throw new MailboxConfigException(null, "jdbcUrl", url + " is an in-memory SQLite database, which lasts "
          + "as long as one connection; the mailbox store needs a file: jdbc:sqlite:/path/to/mailboxes.db");
    }
    SqliteFile f = of(Path.of(name), "jdbcUrl");
    return new SqliteFile(url, f.file);
  }

  /**
   * Why a {@code jdbc:h2:} URL is refused: H2 is no longer a store of outmail's.
   *
   * @param shownUrl the URL as errors show it (without a password)
   * @return the error to throw, naming the H2 file when the URL's file is there
   */
  static MailboxConfigException h2Url(String url, String shownUrl) {
    String rest = url.substring("jdbc:h2:".length());
    int semicolon = rest.indexOf(';');
    String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    }
    if (!name.isEmpty() && !name.contains(":")) {
      Path h2 = Path.of(name + H2_SUFFIX);
      if (Files.exists(h2)) {
        return heldH2(h2, "jdbcUrl");
      }
    }
    return new MailboxConfigException(null, "jdbcUrl", shownUrl + " is an H2 database; outmail's embedded store "
        + "is SQLite now: give a file (jdbc:sqlite:/path/to/mailboxes.db) or a PostgreSQL URL");
  }

  /** Refuses a path that holds an H2 database, or whose H2 twin ({@code path.mv.db}) exists. */
  private static void refuseH2(Path file, String field) {
    Path h2 = null;
    if (Files.isDirectory(file)) {
      try (DirectoryStream<Path> found = Files.newDirectoryStream(file, "*" + H2_SUFFIX)) {
        for (Path p : found) {
          h2 = p;
          break;
        }
      } catch (IOException e) {
        throw new MailboxConfigException(null, field, "cannot read the directory " + file + ": " + e, e);
      }
    } else if (Files.exists(file) && (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(H2_SUFFIX)
        || startsWithH2Header(file))) {
      h2 = file;
    } else if (file.getFileName() != null && Files.exists(file.resolveSibling(file.getFileName() + H2_SUFFIX))) {
      h2 = file.resolveSibling(file.getFileName() + H2_SUFFIX);
    }
    if (h2 != null) {
      throw heldH2(h2, field);
    }
  }

  private static MailboxConfigException heldH2(Path h2, String field) {
    return new MailboxConfigException(null, field, h2 + " holds an H2 database from an earlier snapshot; outmail's "
        + "embedded store is SQLite now: re-import the mailboxes into a new file (from their properties file: "
        + "outmail console --jdbc mailboxes.db --import mailboxes.properties), then delete " + h2);
  }

  private static boolean startsWithH2Header(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(H2_HEADER.length), H2_HEADER);
    } catch (IOException e) {
      return false; // SQLite says what is wrong with a file it cannot read
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    return JDBC.createConnection(url, new Properties());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public @Nullable PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }

  /** The file. */
  @Override
  public String toString() {
    return file.toString();
  }
}
