package org.outmail.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the outbox's tables with plain versioned SQL: {@code
 * schema/postgresql/V1.sql}, {@code V2.sql}, ... beside this class, and {@code schema/sqlite/...}
 * for the embedded store (plain files a host that manages its schema can apply itself). Applied
 * versions are rows of {@code outmail_outbox_schema}; each version is applied in one transaction,
 * with the table locked on PostgreSQL so that nodes starting together migrate once.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
  /** The newest version this code knows, per database. */
  static int latest(Dialect dialect) {
    return dialect == Dialect.POSTGRESQL ? 3 : 2;
  }

  private Schema() {}

  static void migrate(Connection c, Dialect dialect) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      try {
        s.execute(
            "CREATE TABLE IF NOT EXISTS outmail_outbox_schema (version INT PRIMARY KEY, applied_at BIGINT NOT NULL)");
      } catch (SQLException e) {
        // two nodes creating it at once on PostgreSQL: one wins, the other finds it
        if (!tableExists(c)) {
          throw e;
        }
      }
      c.setAutoCommit(false);
      dialect.lockSchema(s);
      int current = 0;
      try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM outmail_outbox_schema")) {
        if (rs.next()) {
          current = rs.getInt(1);
        }
      }
      if (current > latest(dialect)) {
        throw new OutboxException("the outbox store has schema version " + current
            + ", newer than this outmail knows (" + latest(dialect) + "); upgrade outmail on this node");
      }
      for (int v = current + 1; v <= latest(dialect); v++) {
        for (String statement : statements(dialect, v)) {
          s.execute(statement);
        }
        try (PreparedStatement p = c
            .prepareStatement("INSERT INTO outmail_outbox_schema (version, applied_at) VALUES (?, ?)")) {
          p.setInt(1, v);
          p.setLong(2, System.currentTimeMillis());
          p.executeUpdate();
        }
        LOG.info("outbox store: schema version {} applied", v);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Checks, without changing anything, that the tables and columns of the newest version are there:
   * for a host that applies the scripts itself (Flyway, Liquibase).
   */
  static void verify(Connection c, Dialect dialect) throws SQLException {
    // one probe per table, naming every column the code reads or writes that a later version added
    List<String> probes = List.of(
        "SELECT id, mailbox_id, state, due_at, priority FROM outmail_outbox WHERE 1 = 0",
        "SELECT * FROM outmail_outbox_part WHERE 1 = 0",
        "SELECT * FROM outmail_outbox_attempt WHERE 1 = 0",
        "SELECT * FROM outmail_outbox_mailbox WHERE 1 = 0");
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      for (String probe : probes) {
        try {
          s.executeQuery(probe).close();
        } catch (SQLException e) {
          List<String> scripts = new ArrayList<>();
          for (int v = 1; v <= latest(dialect); v++) {
            scripts.add("org/outmail/outbox/schema/" + dialect.schemaFolder() + "/V" + v + ".sql");
          }
          throw new OutboxException("the outbox's tables are missing or older than this outmail needs (schema "
              + "managed by the host): apply " + String.join(", ", scripts) + " from the outmail-outbox jar, in order, "
              + "or let the outbox create them (" + String.valueOf(e.getMessage()).strip() + ")", e);
        }
      }
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static boolean tableExists(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT COUNT(*) FROM outmail_outbox_schema").close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** The statements of one version's script: split at semicolons ending a line, comments dropped. */
  static List<String> statements(Dialect dialect, int version) {
    String name = "schema/" + dialect.schemaFolder() + "/V" + version + ".sql";
    String text;
    try (InputStream in = Schema.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing " + name);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String st = current.toString().strip();
        out.add(st.substring(0, st.length() - 1));
        current.setLength(0);
      }
    }
    return out;
  }
}
