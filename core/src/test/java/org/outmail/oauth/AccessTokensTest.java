package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Secret;

/** The built-in token client against a token endpoint on 127.0.0.1. */
@Timeout(30)
class AccessTokensTest {
  private static final List<String> SCOPES = List.of("https://mail.example/.default");

  private HttpServer server;
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", exchange -> {
      String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(Arrays.stream(form.split("&")).map(kv -> kv.split("=", 2))
          .collect(Collectors.toMap(kv -> kv[0], kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8))));
      byte[] out = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  private OAuthClient client() {
    return OAuthClient.builder("generic").provider(OAuthProvider.GENERIC).tokenEndpoint(endpoint())
        .clientId("app-id").clientSecret(Secret.of("app-secret")).build();
  }

  private static AccessTokens tokens(TokenStore store) {
    return AccessTokens
        .of(List.of(new HttpTokenProvider(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5))), store);
  }

  @Test
  void clientCredentialsGrantSendsTheClientsCredentialsAndScopes() {
    AccessToken t = tokens(TokenStore.inMemory()).get(client(), SCOPES);
    assertThat(t.token().value()).isEqualTo("tok-1");
    assertThat(requests).singleElement().satisfies(r -> assertThat(r).containsAllEntriesOf(Map.of(
        "grant_type", "client_credentials", "client_id", "app-id", "client_secret", "app-secret",
        "scope", "https://mail.example/.default")));
  }

  @Test
  void tokensAreCachedUntilShortlyBeforeExpiry() {
    AccessTokens tokens = tokens(TokenStore.inMemory());
    for (int i = 0; i < 1000; i++) {
      tokens.get(client(), SCOPES);
    }
    assertThat(requests).hasSize(1);
    tokens.refresh(client(), SCOPES, tokens.get(client(), SCOPES));
    assertThat(requests).hasSize(2);
  }

  @Test
  void aTokenThatHasExpiredIsFetchedAgain() {
    body = "{\"access_token\":\"short\",\"expires_in\":0}";
    AccessTokens tokens = tokens(TokenStore.inMemory());
    tokens.get(client(), SCOPES);
    tokens.get(client(), SCOPES);
    assertThat(requests).hasSize(2);
  }

  @Test
  void refusalCarriesTheErrorCodeButNeverTheSecret() {
    status = 401;
    body = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\\r\\nTrace ID: x\"}";
    assertThatThrownBy(() -> tokens(TokenStore.inMemory()).get(client(), SCOPES))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.errorCode()).contains("invalid_client");
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage())
              .isEqualTo(
                  "OAuth client 'generic': token endpoint answered HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided.")
              .doesNotContain("app-secret");
        });
  }

  @Test
  void unreachableEndpointIsATransientOAuthFailure() {
    server.stop(0);
    assertThatThrownBy(() -> tokens(TokenStore.inMemory()).get(client(), SCOPES))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.getMessage()).contains("unreachable");
        });
  }

  @Test
  void rotatedRefreshTokenIsSavedAndUsedNextTime(@TempDir Path dir) throws Exception {
    body = "{\"access_token\":\"tok\",\"expires_in\":3600,\"refresh_token\":\"rt-2\"}";
    OAuthClient delegated = OAuthClient.builder("gmail").provider(OAuthProvider.GENERIC).tokenEndpoint(endpoint())
        .grant(OAuthGrant.REFRESH_TOKEN).clientId("app-id").clientSecret(Secret.of("app-secret"))
        .refreshToken(Secret.of("rt-1")).build();
    Path file = dir.resolve("tokens.properties");
    tokens(TokenStore.file(file)).get(delegated, SCOPES);
    assertThat(requests.get(0)).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", "rt-1");
    assertThat(Files.readString(file)).contains("gmail=rt-2");

    // a restart: a new AccessTokens over the same file uses the rotated token
    tokens(TokenStore.file(file)).get(delegated, SCOPES);
    assertThat(requests.get(1)).containsEntry("refresh_token", "rt-2");
  }

  @Test
  void noProviderForAClientIsNamed() {
    assertThatThrownBy(() -> AccessTokens.of(List.of(), TokenStore.inMemory()).get(client(), SCOPES))
        .isInstanceOf(OAuthException.class)
        .hasMessage("no access token provider supports OAuth client 'generic' (provider GENERIC); providers found: []");
  }

  @Test
  void tokenNeverPrints() {
    AccessToken t = tokens(TokenStore.inMemory()).get(client(), SCOPES);
    assertThat(t.toString()).doesNotContain("tok-1");
    assertThat(client().toString()).doesNotContain("app-secret");
  }

  private OAuthClient delegated() {
    return OAuthClient.builder("gmail").provider(OAuthProvider.GENERIC).tokenEndpoint(endpoint())
        .grant(OAuthGrant.REFRESH_TOKEN).clientId("app-id").clientSecret(Secret.of("app-secret"))
        .refreshToken(Secret.of("rt-1")).build();
  }

  @Test
  void aRotatedRefreshTokenTheStoreCannotSaveIsKeptAndSavedOnceTheStoreWorks(@TempDir Path dir) throws Exception {
    Path blocker = dir.resolve("tokens");
    Files.writeString(blocker, "a file where the store's directory should be");
    Path file = blocker.resolve("tokens.properties");
    AccessTokens tokens = tokens(TokenStore.file(file));

    body = "{\"access_token\":\"tok-a\",\"expires_in\":3600,\"refresh_token\":\"rt-2\"}";
    AccessToken a = tokens.get(delegated(), SCOPES);
    assertThat(a.token().value()).isEqualTo("tok-a");

    body = "{\"access_token\":\"tok-b\",\"expires_in\":3600,\"refresh_token\":\"rt-3\"}";
    AccessToken b = tokens.refresh(delegated(), SCOPES, a);
    assertThat(b.token().value()).isEqualTo("tok-b");
    assertThat(requests.get(1)).containsEntry("refresh_token", "rt-2");

    Files.delete(blocker);
    body = "{\"access_token\":\"tok-c\",\"expires_in\":3600,\"refresh_token\":\"rt-4\"}";
    tokens.refresh(delegated(), SCOPES, b);
    assertThat(requests.get(2)).containsEntry("refresh_token", "rt-3");
    assertThat(Files.readString(file)).contains("gmail=rt-4");
  }

  @Test
  void aStoreThatThrowsNeitherFailsTheFetchNorLosesTheRotatedToken() {
    TokenStore broken = new TokenStore() {
      @Override
      public java.util.Optional<Secret> load(String clientName) {
        return java.util.Optional.empty();
      }

      @Override
      public void save(String clientName, Secret refreshToken) {
        throw new IllegalStateException("database is read-only");
      }
    };
    AccessTokens tokens = tokens(broken);
    body = "{\"access_token\":\"tok-a\",\"expires_in\":3600,\"refresh_token\":\"rt-2\"}";
    AccessToken a = tokens.get(delegated(), SCOPES);
    tokens.refresh(delegated(), SCOPES, a);
    assertThat(requests).extracting(r -> r.get("refresh_token")).containsExactly("rt-1", "rt-2");
  }

  @Test
  void aFileStoreThatCannotSaveThrowsATokenStoreExceptionWithoutTheToken(@TempDir Path dir) throws Exception {
    Path blocker = dir.resolve("tokens");
    Files.writeString(blocker, "x");
    Path file = blocker.resolve("tokens.properties");
    assertThatThrownBy(() -> TokenStore.file(file).save("gmail", Secret.of("rt-very-secret")))
        .isInstanceOf(TokenStoreException.class)
        .isInstanceOf(org.outmail.MailException.class)
        .hasMessageStartingWith("cannot save the refresh token of OAuth client 'gmail' in " + file + ": ")
        .hasMessageNotContaining("rt-very-secret");
  }
}
