package org.outmail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Secret;
import org.outmail.SecretsKey;
import org.outmail.oauth.TokenStore;
import org.outmail.oauth.TokenStoreException;

/** What the JDBC token store does on every database: sealed tokens, and one refresh per client at a time across nodes. */
@Timeout(60)
abstract class JdbcTokenStoreContract {
  static final SecretsKey KEY = SecretsKey.of(Secret.of(SecretsKey.generate()));
  static final String TOKEN = "rt-5d1c7e2b-refresh-token-value";

  String url;

  abstract String newDatabase();

  void dropDatabase(String url) {}

  @BeforeEach
  void create() {
    url = newDatabase();
  }

  @AfterEach
  void drop() {
    dropDatabase(url);
  }

  /** A node: a store of its own over the shared database. */
  JdbcTokenStore node() {
    return JdbcTokenStore.of(url, KEY);
  }

  @Test
  void aSavedTokenIsSealedInItsRowAndLoadsBack() throws Exception {
    node().save("m365", Secret.of(TOKEN));

    assertThat(node().load("m365")).map(Secret::value).contains(TOKEN);
    assertThat(node().load("other")).isEmpty();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT refresh_token FROM outmail_token WHERE client = 'm365'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).startsWith("v1:" + KEY.id() + ":").doesNotContain(TOKEN);
    }
  }

  @Test
  void aTokenSealedWithAnotherKeyIsAnErrorNamingTheClient() {
    node().save("m365", Secret.of(TOKEN));
    SecretsKey other = SecretsKey.of(Secret.of(SecretsKey.generate()));

    assertThatThrownBy(() -> JdbcTokenStore.of(url, other).load("m365"))
        .isInstanceOf(TokenStoreException.class)
        .hasMessageContaining("cannot open the refresh token of OAuth client 'm365'")
        .hasMessageContaining(KEY.id()).hasMessageNotContaining(TOKEN);
  }

  @Test
  void twoNodesNeverRefreshTheSameClientAtOnceAndTheSecondSeesTheFirstsRotatedToken() throws Exception {
    TokenStore first = node();
    TokenStore second = node();
    first.save("m365", Secret.of("rt-1"));
    CountDownLatch firstInside = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();

    CompletableFuture<String> one = CompletableFuture.supplyAsync(() -> first.locked("m365", () -> {
      String presented = first.load("m365").orElseThrow().value();
      events.add("first presents " + presented);
      firstInside.countDown();
      await(releaseFirst);
      first.save("m365", Secret.of("rt-2"));
      events.add("first saved rt-2");
      return presented;
    }));
    assertThat(firstInside.await(20, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> two = CompletableFuture.supplyAsync(() -> second.locked("m365", () -> {
      String presented = second.load("m365").orElseThrow().value();
      events.add("second presents " + presented);
      second.save("m365", Secret.of("rt-3"));
      return presented;
    }));
    Thread.sleep(500); // the second node waits for the lock, however long the first holds it
    assertThat(two).isNotDone();
    releaseFirst.countDown();

    assertThat(one.get(20, TimeUnit.SECONDS)).isEqualTo("rt-1");
    assertThat(two.get(20, TimeUnit.SECONDS)).isEqualTo("rt-2");
    assertThat(events).containsExactly("first presents rt-1", "first saved rt-2", "second presents rt-2");
    assertThat(node().load("m365")).map(Secret::value).contains("rt-3");
  }

  @Test
  void aTokenSavedUnderTheLockIsKeptWhenTheRefreshThenFails() {
    TokenStore store = node();

    assertThatThrownBy(() -> store.locked("m365", () -> {
      store.save("m365", Secret.of(TOKEN));
      throw new IllegalStateException("the refresh failed after the rotated token was saved");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(node().load("m365")).map(Secret::value).contains(TOKEN);
  }

  @Test
  void itsToStringShowsTheKeysIdButNoToken() {
    JdbcTokenStore store = node();
    store.save("m365", Secret.of(TOKEN));
    assertThat(store.toString()).contains(KEY.id()).doesNotContain(TOKEN);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new AssertionError("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
