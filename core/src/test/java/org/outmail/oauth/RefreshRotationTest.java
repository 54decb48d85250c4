package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * A validated client's refresh token against a server that rotates refresh tokens and refuses a
 * rotated one used again (revoking the whole grant): saved before it is used again, kept across
 * restarts in the file store, and a revoked grant tells the administrator to validate again.
 */
@Timeout(30)
class RefreshRotationTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");
  private static final List<String> SMTP = List.of(OAuthValidations.MICROSOFT_SMTP_SCOPE);

  @TempDir Path dir;

  private final AuthorizationServer server = AuthorizationServer.start()
      .registerClient("m365-app", null, CALLBACK.toString())
      .signIn("support@contoso.example")
      .accessTokenSeconds(30); // renewed 15 s before it expires: a token request after 15 s refreshes
  private final TestClock clock = new TestClock();

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuthClient client() {
    return OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).grant(OAuthGrant.REFRESH_TOKEN)
        .authority(server.authority()).clientId("m365-app").build();
  }

  private void validate(TokenStore store) {
    OAuthValidations validations = new OAuthValidations(store);
    AuthorizationRequest request = validations.start(client(), CALLBACK);
    validations.complete(new Browser().signIn(request.authorizationUri()));
  }

  private AccessTokens tokens(TokenStore store) {
    return new AccessTokens(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5), clock)), store,
        clock);
  }

  @Test
  void eachRotatedRefreshTokenIsSavedBeforeItIsUsedAgain() {
    TokenStore store = TokenStore.inMemory();
    validate(store);
    AccessTokens tokens = tokens(store);
    String first = store.load("m365").orElseThrow().value();

    tokens.get(client(), SMTP);
    String second = store.load("m365").orElseThrow().value();
    clock.advance(Duration.ofSeconds(16));
    tokens.get(client(), SMTP);
    String third = store.load("m365").orElseThrow().value();

    assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
    assertThat(server.isActiveRefreshToken(third)).isTrue();
    assertThat(server.isActiveRefreshToken(first)).isFalse();
    assertThat(server.tokenRequests()).extracting(f -> f.get("refresh_token")).containsExactly(null, first, second);
  }

  @Test
  void theRotatedTokenSurvivesARestartInTheFileStore() throws Exception {
    Path file = dir.resolve("tokens.properties");
    validate(TokenStore.file(file));
    tokens(TokenStore.file(file)).get(client(), SMTP);

    // a restart: new objects over the same file
    AccessToken afterRestart = tokens(TokenStore.file(file)).get(client(), SMTP);

    assertThat(server.introspect(afterRestart.token().value())).isPresent();
    Properties saved = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      saved.load(in);
    }
    assertThat(server.isActiveRefreshToken(saved.getProperty("m365"))).isTrue();
  }

  @Test
  void theFileStoreIsReadableByItsOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("tokens.properties");
    Files.writeString(file, "other=rt-other\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    validate(TokenStore.file(file));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tokens.properties.lock"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).contains("other=rt-other", "m365=refresh-");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tokens.properties",
          "tokens.properties.lock");
    }
  }

  @Test
  void twoStoresOfOneFileInOneProcessKeepEachOthersTokens() throws Exception {
    Path file = dir.resolve("tokens.properties");
    TokenStore a = TokenStore.file(file);
    TokenStore b = TokenStore.file(file);
    Thread[] savers = new Thread[8];
    for (int i = 0; i < savers.length; i++) {
      int n = i;
      savers[i] = new Thread(() -> (n % 2 == 0 ? a : b).save("client-" + n, org.outmail.Secret.of("rt-" + n)));
      savers[i].start();
    }
    for (Thread t : savers) {
      t.join();
    }
    for (int i = 0; i < savers.length; i++) {
      assertThat(a.load("client-" + i)).map(org.outmail.Secret::value).contains("rt-" + i);
    }
  }

  @Test
  void aRevokedGrantTellsTheAdministratorToValidateAgain() {
    TokenStore store = TokenStore.inMemory();
    validate(store);
    server.revokeRefreshTokens("m365-app");

    assertThatThrownBy(() -> tokens(store).get(client(), SMTP))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.errorCode()).contains("invalid_grant");
          assertThat(e.isTransient()).isFalse();
        })
        .hasMessage(
            "OAuth client 'm365': token endpoint answered HTTP 400 invalid_grant: AADSTS50173: The provided grant"
                + " has expired due to it being revoked, a fresh auth token is needed.; the refresh token was revoked or has"
                + " expired (consent withdrawn, password changed, unused for too long,"
                + " or rotated by another host holding a copy of the token store): validate the client again (run"
                + " 'outmail oauth validate m365 --config FILE' or press Validate on the client in the console)");

    validate(store);
    assertThat(tokens(store).get(client(), SMTP)).isNotNull();
  }

  @Test
  void aClientNeverValidatedSaysHowToValidateIt() {
    assertThatThrownBy(() -> tokens(TokenStore.inMemory()).get(client(), SMTP))
        .hasMessage("OAuth client 'm365' is not validated yet: run 'outmail oauth validate m365 --config FILE' or press"
            + " Validate on the client in the console");
    assertThat(server.tokenRequests()).isEmpty();
  }

  @Test
  void noCodeTokenOrVerifierAppearsInAnyMessage() {
    TokenStore store = TokenStore.inMemory();
    validate(store);
    tokens(store).get(client(), SMTP);
    server.revokeRefreshTokens("m365-app");
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> tokens(store).get(client(), SMTP));

    assertThat(failure).isNotNull();
    for (String secret : server.secrets()) {
      assertThat(failure.getMessage()).doesNotContain(secret);
    }
    assertThat(store.toString()).isEqualTo("in-memory token store");
  }
}
