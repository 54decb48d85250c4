package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.outmail.Secret;

/**
 * A token endpoint that echoes what it was sent (the client secret, the refresh token, the whole
 * form) in its error text: none of it reaches outmail's exception.
 */
class TokenEndpointEchoTest {
  private static final String SECRET = "cl1ent/secret+with=odd&chars";
  private static final String REFRESH = "rt-0.AXkA-very-long-refresh-token";

  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", exchange -> {
      String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String description = "bad request: secret " + SECRET.replace("/", "\\/") + " refresh " + REFRESH
          + " form " + form;
      byte[] out = ("{\"error\":\"invalid_client " + REFRESH + "\",\"error_description\":\""
          + description.replace("\"", "\\\"") + "\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(400, out.length);
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

  private OAuthClient client(OAuthProvider provider) {
    return OAuthClient.builder("echo").provider(provider)
        .tokenEndpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token"))
        .grant(OAuthGrant.REFRESH_TOKEN).refreshToken(Secret.of(REFRESH))
        .clientId("app-id").clientSecret(Secret.of(SECRET)).scopes(OAuthValidations.GOOGLE_MAIL_SCOPE).build();
  }

  private static AccessTokens tokens() {
    return AccessTokens.of(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5))),
        TokenStore.inMemory());
  }

  @Test
  void genericAndGoogleClientsNeverRepeatAnEchoedSecretOrRefreshToken() {
    for (OAuthProvider provider : List.of(OAuthProvider.GENERIC, OAuthProvider.GOOGLE)) {
      assertThatThrownBy(() -> tokens().get(client(provider), List.of(OAuthValidations.GOOGLE_MAIL_SCOPE)))
          .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.getMessage())
              .startsWith(
                  "OAuth client 'echo': token endpoint answered HTTP 400 invalid_client ****: bad request: secret **** refresh ****")
              .doesNotContain(SECRET)
              .doesNotContain(URLEncoder.encode(SECRET, StandardCharsets.UTF_8))
              .doesNotContain(SECRET.replace("/", "\\/"))
              .doesNotContain(REFRESH)
              .doesNotContain("odd&chars"));
    }
  }

  @Test
  void redactHidesValueUrlEncodedAndJsonEscapedForms() {
    List<Secret> secrets = List.of(Secret.of(SECRET));
    String text = "a " + SECRET + " b " + URLEncoder.encode(SECRET, StandardCharsets.UTF_8) + " c "
        + SECRET.replace("/", "\\/");

    assertThat(Secret.redact(text, secrets)).isEqualTo("a **** b **** c ****");
  }
}
