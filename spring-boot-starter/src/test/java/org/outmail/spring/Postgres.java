package org.outmail.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A schema of its own on the test PostgreSQL ({@code OUTMAIL_TEST_PG_URL}, which ./test.sh sets),
 * with a pooled data source whose connections use it; dropped on close. Fails, never skips, when
 * the database cannot be reached.
 */
final class Postgres implements AutoCloseable {
  final String schema = "starter_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  final HikariDataSource dataSource;
  private final String url;
  private final String schemaUrl;

  Postgres() {
    url = System.getenv("OUTMAIL_TEST_PG_URL");
    if (url == null || url.isBlank()) {
      throw new AssertionError("OUTMAIL_TEST_PG_URL is not set: these tests need PostgreSQL; run ./test.sh, which "
          + "installs and starts it and sets OUTMAIL_TEST_PG_URL");
    }
    execute("CREATE SCHEMA " + schema);
    schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(schemaUrl);
    config.setMaximumPoolSize(8);
    config.setPoolName(schema);
    dataSource = new HikariDataSource(config);
  }

  /** Runs a statement in the database (outside the schema unless it names it). */
  void execute(String sql) {
    try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL at OUTMAIL_TEST_PG_URL: " + e.getMessage() + " (run ./test.sh)", e);
    }
  }

  /** Runs statements in the schema (on a connection of its own: a context closes the pool it was given). */
  void inSchema(String... sql) {
    try (Connection c = java.sql.DriverManager.getConnection(schemaUrl); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** {@return the single number a query answers} */
  long count(String sql) {
    try (Connection c = java.sql.DriverManager.getConnection(schemaUrl);
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
    execute("DROP SCHEMA " + schema + " CASCADE");
  }
}
