package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Secret;

/** A refused token is replaced once, whatever the number of callers that saw it refused. */
@Timeout(60)
class AccessTokensRefreshTest {
  private static final List<String> SCOPES = List.of("mail.send");
  private static final int CALLERS = 16;

  /** Hands out tok-1, tok-2, ... and counts the fetches. */
  private static final class CountingProvider implements AccessTokenProvider {
    final AtomicInteger fetches = new AtomicInteger();

    @Override
    public boolean supports(OAuthClient client) {
      return true;
    }

    @Override
    public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store) {
      return new AccessToken(Secret.of("tok-" + fetches.incrementAndGet()), Instant.now().plusSeconds(3600));
    }
  }

  private final CountingProvider provider = new CountingProvider();
  private final AccessTokens tokens = AccessTokens.of(List.of(provider), TokenStore.inMemory());
  private final OAuthClient client = OAuthClient.builder("idp")
      .tokenEndpoint(URI.create("https://idp.example.com/token"))
      .clientId("app").clientSecret(Secret.of("s")).build();
  private final ExecutorService pool = Executors.newFixedThreadPool(CALLERS);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void connectionsRefusedAtOnceCauseOneFetch() throws Exception {
    AccessToken refused = tokens.get(client, SCOPES);
    CyclicBarrier start = new CyclicBarrier(CALLERS);
    List<Future<AccessToken>> results = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      results.add(pool.submit(() -> {
        start.await(30, TimeUnit.SECONDS);
        return tokens.refresh(client, SCOPES, refused);
      }));
    }
    for (Future<AccessToken> r : results) {
      assertThat(r.get(30, TimeUnit.SECONDS).token().value()).isEqualTo("tok-2");
    }
    assertThat(provider.fetches).hasValue(2);
  }

  @Test
  void refreshDoesNotEvictATokenAnotherCallerJustFetched() {
    AccessToken first = tokens.get(client, SCOPES);
    AccessToken second = tokens.refresh(client, SCOPES, first); // one connection saw tok-1 refused

    // another connection, which also used tok-1, was refused a moment later
    assertThat(tokens.refresh(client, SCOPES, first)).isSameAs(second);
    assertThat(tokens.get(client, SCOPES)).isSameAs(second);
    assertThat(provider.fetches).hasValue(2);

    // tok-2 refused in turn is replaced
    assertThat(tokens.refresh(client, SCOPES, second).token().value()).isEqualTo("tok-3");
  }

  @Test
  void callersRacingGetAndRefreshStillCauseOneFetchPerRefusal() throws Exception {
    AccessToken refused = tokens.get(client, SCOPES);
    CyclicBarrier start = new CyclicBarrier(CALLERS);
    List<Future<AccessToken>> results = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      boolean refreshes = i % 2 == 0;
      results.add(pool.submit(() -> {
        start.await(30, TimeUnit.SECONDS);
        return refreshes ? tokens.refresh(client, SCOPES, refused) : tokens.get(client, SCOPES);
      }));
    }
    for (Future<AccessToken> r : results) {
      assertThat(r.get(30, TimeUnit.SECONDS).token().value()).isIn("tok-1", "tok-2");
    }
    assertThat(provider.fetches).hasValue(2);
  }

  @SuppressWarnings("deprecation")
  @Test
  void theOldRefreshStillFetchesANewToken() {
    tokens.get(client, SCOPES);
    assertThat(tokens.refresh(client, SCOPES).token().value()).isEqualTo("tok-2");
    assertThat(provider.fetches).hasValue(2);
  }
}
