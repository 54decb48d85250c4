package org.outmail.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.PostSendHook;
import org.outmail.RetryPolicy;
import org.outmail.SentEmail;
import org.postgresql.ds.PGSimpleDataSource;

/** Mailboxes on a local SMTP server, mails, and the test PostgreSQL. */
final class Fixtures {
  static final String PG_URL_VARIABLE = "OUTMAIL_TEST_PG_URL";
  static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/outmail_test?user=outmail&password=outmail";

  private Fixtures() {}

  /** An SMTP mailbox on 127.0.0.1 without TLS (loopback only), no in-process retries: the outbox retries. */
  static Mailbox.Builder mailbox(String id, int port) {
    return Mailbox.builder(id)
        .emailDisplay(id + "@example.com")
        .displayName("Service Desk")
        .host("127.0.0.1")
        .port(port)
        .encryption(Encryption.NONE)
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(10))
        .retryPolicy(RetryPolicy.NONE);
  }

  /** Mailboxes {@code support} (default, TICKET# prefix, noreply excluded, hook {@code audit}) and {@code sales}. */
  static MailboxRegistry registry(int port, Audit audit) {
    return MailboxRegistry.builder()
        .mailbox(mailbox("support", port).defaultOutgoing(true).prefix("TICKET#")
            .excludeExpression(".*@noreply\\.example\\.com").postSendHooks("audit").build())
        .mailbox(mailbox("sales", port).build())
        .hook(audit)
        .build();
  }

  static Email mail(int n) {
    return Email.builder().to("user" + n + "@example.org").subject("Notification " + n)
        .text("Body of notification " + n)
        .recordId(Integer.toString(4700 + n)).build();
  }

  /** A post-send hook that remembers what it saw. */
  static final class Audit implements PostSendHook {
    final List<SentEmail> seen = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "audit";
    }

    @Override
    public void afterSend(SentEmail sent) {
      seen.add(sent);
    }
  }

  /**
   * A pooled data source on the test PostgreSQL ({@code OUTMAIL_TEST_PG_URL}, or the default that
   * ./test.sh sets up). Fails, never skips, when it cannot be reached.
   */
  static HikariDataSource postgres() {
    return postgres(20);
  }

  /** Like {@link #postgres()}, with at most {@code connections} connections (the server is shared). */
  static HikariDataSource postgres(int connections) {
    String url = System.getenv().getOrDefault(PG_URL_VARIABLE, DEFAULT_PG_URL);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    ds.setConnectTimeout(10);
    try (Connection c = ds.getConnection()) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL is not reachable at " + url.replaceAll("password=[^&]*", "password=***")
          + " (" + e.getMessage() + "). Run ./test.sh, which installs and starts it (Debian's postgresql), "
          + "or install PostgreSQL yourself and set " + PG_URL_VARIABLE + ".", e);
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(ds);
    config.setMaximumPoolSize(connections);
    config.setPoolName("outmail-test");
    return new HikariDataSource(config);
  }

  /** Drops the outbox's tables, so that the next outbox starts from an empty, freshly migrated store. */
  static void dropOutboxTables(javax.sql.DataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      for (String t : new String[] {"outmail_outbox_part", "outmail_outbox_attempt", "outmail_outbox_mailbox",
          "outmail_outbox_term",
          "outmail_outbox", "outmail_outbox_schema"}) {
        s.execute("DROP TABLE IF EXISTS " + t);
      }
    }
  }
}
