package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * Refresh tokens that quietly die: one tied to the sign-in session is reported at validation and by
 * the token cache (for the Check); a rotated one presented again (two hosts sharing a copied token
 * store) is named as such.
 */
@Timeout(30)
class RefreshTokenWarningsTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");
  private static final List<String> SCOPES = List.of("mail.send");

  private final AuthorizationServer server = AuthorizationServer.start()
      .registerClient("idp-app", "idp-secret", CALLBACK.toString())
      .signIn("support@contoso.example");
  private final TestClock clock = new TestClock();

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuthClient client() {
    return OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .clientSecret(Secret.of("idp-secret"))
        .authorizeEndpoint(server.authorizeEndpoint()).tokenEndpoint(server.tokenEndpoint())
        .scopes("mail.send", "offline_access").build();
  }

  private OAuthValidation validate(TokenStore store) {
    OAuthValidations validations = new OAuthValidations(store);
    return validations.complete(new Browser().signIn(validations.start(client(), CALLBACK).authorizationUri()));
  }

  private AccessTokens tokens(TokenStore store) {
    return new AccessTokens(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5), clock)), store,
        clock);
  }

  private static final String SESSION_WARNING = "OAuth client 'idp': the refresh token expires in 8 hours"
      + " (refresh_expires_in), so mail stops when it does: it is tied to the sign-in session; ask for the scope"
      + " offline_access (add it to the client's scopes), then validate the client again";

  @Test
  void aRefreshTokenTiedToTheSessionIsReportedByTheValidationAndTheTokenCache() {
    server.refreshExpiresIn(8 * 3600);
    TokenStore store = TokenStore.inMemory();

    OAuthValidation validation = validate(store);
    AccessTokens tokens = tokens(store);
    tokens.get(client(), SCOPES);

    assertThat(validation.warnings()).containsExactly(SESSION_WARNING);
    assertThat(tokens.warnings(client())).containsExactly(SESSION_WARNING);
  }

  @Test
  void aLongLivedOrNonExpiringRefreshTokenIsNoCauseForWarning() {
    TokenStore store = TokenStore.inMemory();
    server.refreshExpiresIn(0); // Keycloak's offline token
    assertThat(validate(store).warnings()).isEmpty();
    server.refreshExpiresIn(Duration.ofDays(90).toSeconds());
    AccessTokens tokens = tokens(store);
    tokens.get(client(), SCOPES);
    assertThat(tokens.warnings(client())).isEmpty();
  }

  @Test
  void aRotatedRefreshTokenPresentedAgainByASecondHostIsNamedAsSuch() {
    TokenStore first = TokenStore.inMemory();
    validate(first);
    TokenStore copied = TokenStore.inMemory();
    copied.save("idp", first.load("idp").orElseThrow()); // the token store copied to a second host
    tokens(first).get(client(), SCOPES); // the first host rotates the refresh token

    assertThatThrownBy(() -> tokens(copied).get(client(), SCOPES))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("invalid_grant"))
        .hasMessage("OAuth client 'idp': token endpoint answered HTTP 400 invalid_grant: the refresh token was rotated"
            + " and used again; every token of this grant is revoked; the refresh token was used already: it rotates on"
            + " each use, and a host presented one another host had rotated (two hosts sharing a copied token store);"
            + " the server may have revoked the whole grant. Give the hosts one shared token store (the JDBC token"
            + " store) or a client each, then validate the client again (run 'outmail oauth validate idp --config"
            + " FILE' or press Validate on the client in the console)");
  }
}
