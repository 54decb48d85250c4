package org.outmail.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A fresh, empty database for each test: a SQLite file of its own, or a schema of its own in the test PostgreSQL. */
final class Databases {
  private Databases() {}

  /** A SQLite file (not there yet) in the directory. */
  static String sqlite(Path dir) {
    return "jdbc:sqlite:" + dir.resolve("mailboxes-" + UUID.randomUUID() + ".db");
  }

  /** The test PostgreSQL of ./test.sh; fails (never skips) when it is not there. */
  static String postgresUrl() {
    String url = System.getenv("OUTMAIL_TEST_PG_URL");
    if (url == null || url.isBlank()) {
      throw new AssertionError("OUTMAIL_TEST_PG_URL is not set: these tests need PostgreSQL; run ./test.sh, which "
          + "installs and starts it and sets OUTMAIL_TEST_PG_URL");
    }
    try (Connection c = DriverManager.getConnection(url)) {
      return url;
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL at OUTMAIL_TEST_PG_URL does not answer (" + e.getMessage()
          + "); run ./test.sh, which starts it", e);
    }
  }

  /** A new schema in the test PostgreSQL; the URL connects to it. */
  static String postgresSchema() {
    String url = postgresUrl();
    String schema = "mbx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(url, "CREATE SCHEMA " + schema);
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  static void dropPostgresSchema(String url) {
    int at = url.indexOf("currentSchema=");
    if (at > 0) {
      execute(postgresUrl(), "DROP SCHEMA IF EXISTS " + url.substring(at + "currentSchema=".length()) + " CASCADE");
    }
  }

  static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }

  /** {@return the first column of the first row the query gives} */
  static String query(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery(sql)) {
      if (!r.next()) {
        throw new AssertionError(sql + ": no row");
      }
      return r.getString(1);
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }
}
