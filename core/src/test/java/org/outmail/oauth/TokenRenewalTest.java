package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Secret;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * When a cached token is renewed: a minute before it expires, or half its lifetime before when that
 * is shorter, so that short-lived tokens (60 s on some servers) are still cached. A test clock
 * moves; the server issues real tokens.
 */
@Timeout(30)
class TokenRenewalTest {
  private static final List<String> SCOPES = List.of("mail.send");

  private final AuthorizationServer server = AuthorizationServer.start().registerClient("app", "app-secret");
  private final TestClock clock = new TestClock();
  private final TokenStore store = TokenStore.inMemory();
  private final OAuthClient client = OAuthClient.builder("app").grant(OAuthGrant.REFRESH_TOKEN).clientId("app")
      .clientSecret(Secret.of("app-secret")).tokenEndpoint(server.tokenEndpoint())
      .deviceEndpoint(server.deviceEndpoint())
      .scopes("mail.send", "offline_access").build();

  @AfterEach
  void stop() {
    server.close();
  }

  /** A token cache whose store holds a refresh token the server issued (device flow). */
  private AccessTokens validated() {
    OAuthValidations validations = new OAuthValidations(store, OAuthValidations.DEFAULT_EXPIRY, clock, clock::advance);
    DeviceAuthorization device = validations.startDevice(client);
    new Browser().open(URI.create(device.verificationUri() + "?user_code=" + device.userCode() + "&consent=yes"));
    validations.awaitDevice(device, Duration.ofMinutes(1));
    return new AccessTokens(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5), clock)), store,
        clock);
  }

  @Test
  void aSixtySecondTokenIsUsedForHalfItsLifetime() {
    server.accessTokenSeconds(60);
    AccessTokens tokens = validated();
    int requests = server.tokenRequests().size();
    AccessToken first = tokens.get(client, SCOPES);

    clock.advance(Duration.ofSeconds(29));
    AccessToken at29 = tokens.get(client, SCOPES);
    clock.advance(Duration.ofSeconds(2));
    AccessToken at31 = tokens.get(client, SCOPES);

    assertThat(at29).isSameAs(first);
    assertThat(at31.token().value()).isNotEqualTo(first.token().value());
    assertThat(server.tokenRequests()).hasSize(requests + 2);
  }

  @Test
  void anHourTokenIsRenewedAMinuteBeforeItExpires() {
    AccessTokens tokens = validated();
    AccessToken first = tokens.get(client, SCOPES);

    clock.advance(Duration.ofSeconds(3600 - 61));
    AccessToken before = tokens.get(client, SCOPES);
    clock.advance(Duration.ofSeconds(2));
    AccessToken after = tokens.get(client, SCOPES);

    assertThat(before).isSameAs(first);
    assertThat(after.token().value()).isNotEqualTo(first.token().value());
  }

  @Test
  void aRefreshLoadsAndSavesTheTokenWhileTheStoreHoldsTheClientsLock() {
    validated();
    java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    TokenStore locking = new TokenStore() {
      private volatile boolean held;

      @Override
      public java.util.Optional<Secret> load(String clientName) {
        calls.add("load" + (held ? " locked" : ""));
        return store.load(clientName);
      }

      @Override
      public void save(String clientName, Secret refreshToken) {
        calls.add("save" + (held ? " locked" : ""));
        store.save(clientName, refreshToken);
      }

      @Override
      public <T> T locked(String clientName, java.util.function.Supplier<T> action) {
        calls.add("lock " + clientName);
        held = true;
        try {
          return action.get();
        } finally {
          held = false;
          calls.add("unlock " + clientName);
        }
      }
    };
    AccessTokens tokens = new AccessTokens(
        List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5), clock)),
        locking, clock);

    tokens.get(client, SCOPES);

    assertThat(calls).containsExactly("lock app", "load locked", "save locked", "unlock app");
  }
}
