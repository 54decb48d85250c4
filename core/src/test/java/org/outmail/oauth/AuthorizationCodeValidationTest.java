package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * Authorization code with PKCE against a real authorization server on 127.0.0.1, the browser
 * played by an HTTP client that follows its redirect to the host's callback.
 */
@Timeout(30)
class AuthorizationCodeValidationTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");
  private static final String M365_SECRET = "m365-client-secret-value";

  private final AuthorizationServer server = AuthorizationServer.start()
      .registerClient("m365-app", null, "http://127.0.0.1", CALLBACK.toString())
      .registerClient("gmail-app", "gmail-client-secret", CALLBACK.toString())
      .registerClient("idp-app", M365_SECRET, CALLBACK.toString())
      .signIn("support@contoso.example");
  private final Browser browser = new Browser();
  private final TokenStore store = TokenStore.inMemory();
  private final TestClock clock = new TestClock();
  private final OAuthValidations validations = new OAuthValidations(store, OAuthValidations.DEFAULT_EXPIRY, clock,
      d -> {});

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuthClient microsoft() {
    return OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).grant(OAuthGrant.REFRESH_TOKEN)
        .authority(server.authority()).clientId("m365-app").build();
  }

  private OAuthClient google() {
    return OAuthClient.builder("gmail").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.REFRESH_TOKEN)
        .clientId("gmail-app").clientSecret(Secret.of("gmail-client-secret"))
        .authorizeEndpoint(server.authorizeEndpoint()).tokenEndpoint(server.tokenEndpoint()).build();
  }

  private OAuthClient generic(String... scopes) {
    return OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .clientSecret(Secret.of(M365_SECRET)).authorizeEndpoint(server.authorizeEndpoint())
        .tokenEndpoint(server.tokenEndpoint()).scopes(scopes).build();
  }

  private static Map<String, String> query(URI uri) {
    return Flows.query(uri.getRawQuery());
  }

  @Test
  void aMicrosoftValidationStoresARefreshTokenThatGetsSmtpTokensForTheSignedInUser() {
    AuthorizationRequest request = validations.start(microsoft(), CALLBACK);
    URI redirect = browser.signIn(request.authorizationUri());

    OAuthValidation done = validations.complete(redirect);

    assertThat(done.clientName()).isEqualTo("m365");
    assertThat(done.scopes()).containsExactly(OAuthValidations.MICROSOFT_SMTP_SCOPE);
    assertThat(done.validatedAt()).isEqualTo(clock.instant());
    Secret refresh = store.load("m365").orElseThrow();
    assertThat(server.isActiveRefreshToken(refresh.value())).isTrue();

    AccessToken token = AccessTokens
        .of(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5))), store)
        .get(microsoft(), List.of(OAuthValidations.MICROSOFT_SMTP_SCOPE));
    AuthorizationServer.Grant grant = server.introspect(token.token().value()).orElseThrow();
    assertThat(grant.user()).isEqualTo("support@contoso.example");
    assertThat(grant.scopes()).containsExactly(OAuthValidations.MICROSOFT_SMTP_SCOPE);
  }

  @Test
  void aValidationSaysWhenItsAccessAndRefreshTokensExpireWhenTheProviderSays() {
    server.accessTokenSeconds(3600);
    OAuthValidation plain = validations
        .complete(browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri()));
    assertThat(plain.accessTokenExpiresAt()).contains(clock.instant().plusSeconds(3600));
    assertThat(plain.refreshTokenExpiresAt()).isEmpty();

    server.refreshExpiresIn(7 * 86_400);
    OAuthValidation bounded = validations
        .complete(browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri()));
    assertThat(bounded.refreshTokenExpiresAt()).contains(clock.instant().plusSeconds(7 * 86_400));
  }

  @Test
  void theMicrosoftAuthorizationUrlAsksForOfflineAccessAndSmtpWithAnS256Challenge() {
    AuthorizationRequest request = validations.start(microsoft(), CALLBACK);

    URI uri = request.authorizationUri();
    assertThat(uri.getPath()).isEqualTo("/" + AuthorizationServer.TENANT + "/oauth2/v2.0/authorize");
    Map<String, String> q = query(uri);
    assertThat(q).containsOnlyKeys("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
        "code_challenge_method", "response_mode");
    assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", "m365-app")
        .containsEntry("redirect_uri", CALLBACK.toString())
        .containsEntry("scope", "offline_access " + OAuthValidations.MICROSOFT_SMTP_SCOPE)
        .containsEntry("code_challenge_method", "S256").containsEntry("response_mode", "query")
        .containsEntry("state", request.state());
    assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(request.state()).matches("[A-Za-z0-9_-]{43}");
    assertThat(request.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(validations.start(microsoft(), CALLBACK).state()).isNotEqualTo(request.state());
  }

  /** A scope the host names itself (Graph's Mail.Send, say), on a test host. */
  private static final String GIVEN_SCOPE = "api://outmail-test.invalid/Mail.Send";

  @Test
  void graphScopesAreAskedForWhenGivenWithOfflineAccess() {
    Map<String, String> q = query(validations.start(microsoft(), List.of(GIVEN_SCOPE), CALLBACK)
        .authorizationUri());

    assertThat(q).containsEntry("scope", "offline_access " + GIVEN_SCOPE);
  }

  @Test
  void theGoogleAuthorizationUrlAsksForGmailOfflineAccessAndConsentAndTheValidationCompletes() {
    AuthorizationRequest request = validations.start(google(), CALLBACK);
    Map<String, String> q = query(request.authorizationUri());

    assertThat(q).containsEntry("scope", OAuthValidations.GOOGLE_MAIL_SCOPE).containsEntry("access_type", "offline")
        .containsEntry("prompt", "consent").containsEntry("code_challenge_method", "S256")
        .doesNotContainKey("response_mode");
    assertThat(request.authorizationUri().toString()).doesNotContain("gmail-client-secret");

    validations.complete(browser.signIn(request.authorizationUri()));

    assertThat(store.load("gmail")).isPresent();
    Map<String, String> exchange = server.tokenRequests().get(0);
    assertThat(exchange).containsEntry("grant_type", "authorization_code")
        .containsEntry("client_secret", "gmail-client-secret")
        .containsEntry("redirect_uri", CALLBACK.toString()).containsKey("code_verifier");
  }

  @Test
  void aRedirectWithAnotherStateIsRefusedAndTheRealOneStillCompletes() {
    AuthorizationRequest request = validations.start(microsoft(), CALLBACK);
    URI redirect = browser.signIn(request.authorizationUri());
    Map<String, String> forged = new java.util.HashMap<>(query(redirect));
    forged.put("state", "forged-state");

    assertThatThrownBy(() -> validations.complete(forged))
        .isInstanceOf(OAuthException.class)
        .hasMessage("no validation waits for this state: it was completed already, has expired or was not started here;"
            + " start the validation again");
    assertThat(store.load("m365")).isEmpty();
    assertThat(server.tokenRequests()).isEmpty();

    validations.complete(redirect);
    assertThat(store.load("m365")).isPresent();
  }

  @Test
  void aReplayedRedirectIsRefused() {
    URI redirect = browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri());
    validations.complete(redirect);
    Secret stored = store.load("m365").orElseThrow();

    assertThatThrownBy(() -> validations.complete(redirect))
        .hasMessage("no validation waits for this state: it was completed already, has expired or was not started here;"
            + " start the validation again");
    assertThat(store.load("m365")).contains(stored);
    assertThat(server.tokenRequests()).hasSize(1);
  }

  @Test
  void aRedirectWithoutStateIsRefused() {
    URI redirect = browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri());
    String code = query(redirect).get("code");

    assertThatThrownBy(() -> validations.complete(Map.of("code", code)))
        .hasMessage("the redirect carries no state: it does not answer a validation started here");
  }

  @Test
  void aValidationCompletedAfterItExpiredIsRefused() {
    URI redirect = browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri());
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));

    assertThatThrownBy(() -> validations.complete(redirect))
        .hasMessage("OAuth client 'm365': the validation has expired (it must be completed within 10 minutes of its"
            + " start); start it again");
    assertThat(server.tokenRequests()).isEmpty();
  }

  @Test
  void theProvidersErrorIsReportedAndEndsTheValidation() {
    server.refuseNextSignIn("access_denied", "AADSTS65004: User declined to consent to access the app.");
    URI redirect = browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri());

    assertThatThrownBy(() -> validations.complete(redirect))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("access_denied"))
        .hasMessage("OAuth client 'm365': the provider refused the sign-in: access_denied: AADSTS65004: User declined"
            + " to consent to access the app.; the administrator declined, or the app lacks the tenant's consent");
    assertThatThrownBy(() -> validations.complete(redirect))
        .hasMessageStartingWith("no validation waits for this state");
  }

  @Test
  void aRedirectUriTheClientDidNotRegisterIsRefusedByTheServerWithoutARedirect() {
    AuthorizationRequest request = validations.start(microsoft(), URI.create("https://evil.example.net/callback"));

    HttpResponse<String> page = browser.open(request.authorizationUri());

    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.headers().firstValue("Location")).isEmpty();
    assertThat(page.body()).isEqualTo("redirect_uri is not registered for this client");
  }

  @Test
  void aLoopbackRedirectOnAnyPortIsAccepted() {
    URI loopback = URI.create("http://127.0.0.1:" + 49152 + "/");
    URI redirect = browser.signIn(validations.start(microsoft(), loopback).authorizationUri());

    assertThat(redirect.toString()).startsWith("http://127.0.0.1:49152/?code=");
    validations.complete(redirect);
    assertThat(server.tokenRequests().get(0)).containsEntry("redirect_uri", "http://127.0.0.1:49152/")
        .doesNotContainKey("client_secret");
  }

  @Test
  void aCodeExchangedWithoutItsVerifierOrWithAnotherIsRefusedByTheServer() throws Exception {
    URI redirect = browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri());
    String code = query(redirect).get("code");
    Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", CALLBACK.toString(), "client_id", "m365-app"));

    HttpResponse<String> noVerifier = post(form);
    assertThat(noVerifier.statusCode()).isEqualTo(400);
    assertThat(noVerifier.body()).contains("\"error\":\"invalid_request\"", "code_verifier is required");

    URI second = browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri());
    form.put("code", query(second).get("code"));
    form.put("code_verifier", "a".repeat(43));
    HttpResponse<String> wrongVerifier = post(form);
    assertThat(wrongVerifier.statusCode()).isEqualTo(400);
    assertThat(wrongVerifier.body()).contains("\"error\":\"invalid_grant\"", "code_verifier does not match");
  }

  @Test
  void aCodeTheServerRefusesSaysToStartAgainAndShowsNoSecret() throws Exception {
    AuthorizationRequest request = validations.start(generic("mail.send", "offline_access"), CALLBACK);
    URI redirect = browser.signIn(request.authorizationUri());
    String code = query(redirect).get("code");
    // the code is spent by someone else first
    HttpResponse<String> stolen = post(Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", CALLBACK.toString(), "client_id", "idp-app", "client_secret", M365_SECRET, "code_verifier",
        "x".repeat(43)));
    assertThat(stolen.statusCode()).isEqualTo(400);

    assertThatThrownBy(() -> validations.complete(redirect))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.errorCode()).contains("invalid_grant");
          assertThat(e.getMessage()).isEqualTo("OAuth client 'idp': token endpoint answered HTTP 400 invalid_grant: the"
              + " authorization code was already redeemed; the code was refused (used already, expired, or issued for"
              + " another redirect URI or verifier); start the validation again");
        });
  }

  @Test
  void aProviderThatIssuesNoRefreshTokenIsAClearError() {
    URI redirect = browser.signIn(validations.start(generic("mail.send"), CALLBACK).authorizationUri());

    assertThatThrownBy(() -> validations.complete(redirect))
        .hasMessage("OAuth client 'idp': the provider issued no refresh token; ask for the scope your server issues"
            + " refresh tokens for (often offline_access) and validate again");
    assertThat(store.load("idp")).isEmpty();
  }

  @Test
  void onlyDelegatedClientsWithAnAuthorizationEndpointAndASafeRedirectCanBeValidated() {
    OAuthClient appOnly = OAuthClient.builder("app").provider(OAuthProvider.MICROSOFT).tenant("contoso")
        .clientId("id").clientSecret(Secret.of("s")).build();
    assertThatThrownBy(() -> validations.start(appOnly, CALLBACK))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("grant"))
        .hasMessage("oauth client 'app': grant is CLIENT_CREDENTIALS, which needs no validation (the client's secret"
            + " gets tokens); an administrator validates clients with grant REFRESH_TOKEN");

    OAuthClient noAuthorize = OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .tokenEndpoint(server.tokenEndpoint()).scopes("mail.send").build();
    assertThatThrownBy(() -> validations.start(noAuthorize, CALLBACK))
        .hasMessage("oauth client 'idp': authorize-endpoint is required to validate the client (the provider's"
            + " authorization endpoint)");

    assertThatThrownBy(() -> validations.start(microsoft(), URI.create("http://desk.example.com/callback")))
        .hasMessage(
            "oauth client 'm365': the redirect URI must be an absolute https URL, or http on a loopback address,"
                + " without a fragment: http://desk.example.com/callback");
  }

  @Test
  void pendingValidationsBelongToTheirOwnerObject() {
    URI redirect = browser.signIn(validations.start(microsoft(), CALLBACK).authorizationUri());
    OAuthValidations another = new OAuthValidations(store);

    assertThatThrownBy(() -> another.complete(redirect)).hasMessageStartingWith("no validation waits for this state");
  }

  private HttpResponse<String> post(Map<String, String> form) throws Exception {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.tokenEndpoint())
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))
        .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
