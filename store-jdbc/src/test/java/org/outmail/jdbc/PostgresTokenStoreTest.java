package org.outmail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.outmail.Secret;
import org.outmail.oauth.TokenStore;

/** The JDBC token store on PostgreSQL (./test.sh starts it and sets OUTMAIL_TEST_PG_URL): a row lock per client. */
class PostgresTokenStoreTest extends JdbcTokenStoreContract {
  @Override
  String newDatabase() {
    return Databases.postgresSchema();
  }

  @Override
  void dropDatabase(String url) {
    Databases.dropPostgresSchema(url);
  }

  @Test
  void aRefreshOfOneClientDoesNotWaitForAnotherClients() throws Exception {
    TokenStore first = node();
    TokenStore second = node();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inside = new CountDownLatch(1);
    CompletableFuture<Void> holding = CompletableFuture.runAsync(() -> first.locked("m365", () -> {
      inside.countDown();
      try {
        return release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }));
    assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();

    String other = second.locked("gmail", () -> {
      second.save("gmail", Secret.of("rt-gmail"));
      return second.load("gmail").orElseThrow().value();
    });

    assertThat(other).isEqualTo("rt-gmail");
    assertThat(holding).isNotDone();
    release.countDown();
    holding.get(20, TimeUnit.SECONDS);
  }
}
