package org.outmail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailboxStore;
import org.outmail.Secret;
import org.outmail.SecretsKey;

/**
 * The store's poll for changes made by other nodes keeps running when the host's data source fails
 * with an unchecked exception for a while (a pool closing and reopening, a driver's bug): changes
 * made afterwards still reach the listeners.
 */
class PollingSurvivesFailuresTest {
  private static final SecretsKey KEY = SecretsKey.of(Secret.of(SecretsKey.generate()));

  @TempDir Path dir;

  @Test
  void anUncheckedFailureOfTheDataSourceDoesNotStopThePollingForGood() throws Exception {
    Path file = dir.resolve("mailboxes.db");
    FailingOnDemand flaky = new FailingOnDemand(SqliteFile.of(file, "file"));
    try (
        JdbcMailboxStore watched = JdbcMailboxStore.builder(flaky).secretsKey(KEY).pollInterval(Duration.ofMillis(20))
            .build();
        JdbcMailboxStore other = JdbcMailboxStore.builder(file).secretsKey(KEY).build()) {
      AtomicInteger changes = new AtomicInteger();
      MailboxStore.Subscription unused = watched.onChange(changes::incrementAndGet);

      flaky.failing.set(true);
      int refusedBefore = flaky.refused.get();
      JdbcMailboxStoreContract.await(() -> flaky.refused.get() >= refusedBefore + 3); // three polls failed
      flaky.failing.set(false);
      other.save(JdbcMailboxStoreContract.box("support").build(), MailboxStore.ANY_VERSION);

      JdbcMailboxStoreContract.await(() -> changes.get() > 0);
      assertThat(watched.get("support")).isPresent();
    }
  }

  /** A data source that throws an unchecked exception while {@link #failing} is set. */
  private static final class FailingOnDemand extends DriverDataSource {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger refused = new AtomicInteger();
    private final DataSource real;

    FailingOnDemand(DataSource real) {
      this.real = real;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (failing.get()) {
        refused.incrementAndGet();
        throw new IllegalStateException("the pool is closed");
      }
      return real.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }
  }
}
