package org.outmail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Secret;
import org.outmail.oauth.AccessToken;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.AuthorizationRequest;
import org.outmail.oauth.ClientAuthentication;
import org.outmail.oauth.DeviceAuthorization;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthException;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.OAuthValidation;
import org.outmail.oauth.OAuthValidations;
import org.outmail.oauth.TokenStore;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * outmail's OAuth client against an independent, real authorization server: Spring Authorization
 * Server, started on 127.0.0.1 by the test with clients registered through Spring Boot's properties.
 * The administrator's browser is plain HTTP that keeps cookies, follows redirects and posts the
 * login form. A misreading of the RFCs shared by outmail's client and outmail's own test server
 * cannot hide here.
 */
@Timeout(120)
class SpringAuthorizationServerTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");
  private static final String PREFIX = "spring.security.oauth2.authorizationserver.client.";
  private static final List<String> MAIL = List.of("mail.send");

  private static ConfigurableApplicationContext server;
  private static URI issuer;

  /**
   * Spring Boot's auto-configuration of the authorization server (clients from properties, keys,
   * settings), nothing of this module's application, and one security chain: the authorization
   * server's endpoints with the device flow's enabled (they are off by default), OpenID Connect, and
   * a login form for the rest.
   */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class AuthorizationServerApplication {
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      http.oauth2AuthorizationServer(server -> server
          .deviceAuthorizationEndpoint(Customizer.withDefaults())
          .deviceVerificationEndpoint(Customizer.withDefaults())
          .oidc(Customizer.withDefaults()))
          .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .formLogin(Customizer.withDefaults());
      return http.build();
    }
  }

  @BeforeAll
  static void start() throws IOException {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    issuer = URI.create("http://127.0.0.1:" + port);
    SpringApplication app = new SpringApplication(AuthorizationServerApplication.class);
    app.setDefaultProperties(java.util.Map.ofEntries(
        java.util.Map.entry("spring.config.name", "spring-authorization-server-test"),
        java.util.Map.entry("server.address", "127.0.0.1"),
        java.util.Map.entry("server.port", String.valueOf(port)),
        java.util.Map.entry("spring.main.banner-mode", "off"),
        java.util.Map.entry("spring.security.user.name", "admin"),
        java.util.Map.entry("spring.security.user.password", "{noop}admin-password"),
        // a confidential client that authenticates with HTTP Basic and must use PKCE (authorization code, refresh)
        java.util.Map.entry(PREFIX + "code.registration.client-id", "outmail-code"),
        java.util.Map.entry(PREFIX + "code.registration.client-secret", "{noop}code-secret"),
        java.util.Map.entry(PREFIX + "code.registration.client-authentication-methods", "client_secret_basic"),
        java.util.Map.entry(PREFIX + "code.registration.authorization-grant-types", "authorization_code,refresh_token"),
        java.util.Map.entry(PREFIX + "code.registration.redirect-uris", CALLBACK.toString()),
        java.util.Map.entry(PREFIX + "code.registration.scopes", "mail.send"),
        java.util.Map.entry(PREFIX + "code.require-proof-key", "true"),
        java.util.Map.entry(PREFIX + "code.require-authorization-consent", "false"),
        java.util.Map.entry(PREFIX + "code.token.reuse-refresh-tokens", "false"),
        java.util.Map.entry(PREFIX + "code.token.access-token-time-to-live", "60s"),
        // a confidential client with its secret in the form, for the device flow
        java.util.Map.entry(PREFIX + "device.registration.client-id", "outmail-device"),
        java.util.Map.entry(PREFIX + "device.registration.client-secret", "{noop}device-secret"),
        java.util.Map.entry(PREFIX + "device.registration.client-authentication-methods", "client_secret_post"),
        java.util.Map.entry(PREFIX + "device.registration.authorization-grant-types",
            "urn:ietf:params:oauth:grant-type:device_code,refresh_token"),
        java.util.Map.entry(PREFIX + "device.registration.scopes", "mail.send"),
        java.util.Map.entry(PREFIX + "device.require-authorization-consent", "false"),
        java.util.Map.entry(PREFIX + "device.token.reuse-refresh-tokens", "false"),
        // app-only
        java.util.Map.entry(PREFIX + "app.registration.client-id", "outmail-app"),
        java.util.Map.entry(PREFIX + "app.registration.client-secret", "{noop}app-secret"),
        java.util.Map.entry(PREFIX + "app.registration.client-authentication-methods", "client_secret_basic"),
        java.util.Map.entry(PREFIX + "app.registration.authorization-grant-types", "client_credentials"),
        java.util.Map.entry(PREFIX + "app.registration.scopes", "mail.send")));
    server = app.run();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static OAuthClient.Builder client(String name, String id, String secret) {
    return OAuthClient.builder(name).clientId(id).clientSecret(Secret.of(secret)).issuer(issuer);
  }

  @Test
  void authorizationCodeWithPkceThenRotatedRefreshTokensAndAReplayedOneRefused() {
    TokenStore store = TokenStore.inMemory();
    OAuthClient client = client("code", "outmail-code", "code-secret").grant(OAuthGrant.REFRESH_TOKEN)
        .clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC).scopes("mail.send").build();
    OAuthValidations validations = new OAuthValidations(store);

    AuthorizationRequest request = validations.start(client, CALLBACK);
    URI redirect = new Browser().signIn(request.authorizationUri(), CALLBACK);
    OAuthValidation done = validations.complete(redirect);
    Secret first = store.load("code").orElseThrow();
    TokenStore copied = TokenStore.inMemory(); // a second host's copy of the token store
    copied.save("code", first);
    AccessToken token = AccessTokens.standard(store).get(client, MAIL);

    assertThat(done.scopes()).containsExactly("mail.send");
    assertThat(introspect(token)).contains("\"active\":true");
    Secret second = store.load("code").orElseThrow();
    assertThat(second.value()).isNotEqualTo(first.value());
    assertThatThrownBy(() -> AccessTokens.standard(copied).get(client, MAIL))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("invalid_grant"))
        .hasMessageContaining("validate the client again");
  }

  @Test
  void theDeviceFlowAuthenticatesAConfidentialClientAtTheDeviceEndpoint() {
    TokenStore store = TokenStore.inMemory();
    OAuthClient client = client("device", "outmail-device", "device-secret").grant(OAuthGrant.REFRESH_TOKEN)
        .scopes("mail.send").build();
    OAuthValidations validations = new OAuthValidations(store);

    DeviceAuthorization device = validations.startDevice(client);
    new Browser().approveDevice(device);
    OAuthValidation done = validations.awaitDevice(device, Duration.ofMinutes(1));
    AccessToken token = AccessTokens.standard(store).get(client, MAIL);

    assertThat(done.clientName()).isEqualTo("device");
    assertThat(introspect(token)).contains("\"active\":true");
  }

  @Test
  void clientCredentialsGetAnAppOnlyToken() {
    OAuthClient client = client("app", "outmail-app", "app-secret")
        .clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC).build();

    AccessToken token = AccessTokens.standard(TokenStore.inMemory()).get(client, MAIL);

    assertThat(introspect(token)).contains("\"active\":true").contains("mail.send");
  }

  @Test
  void aWrongSecretIsRefusedAtTheDeviceEndpoint() {
    OAuthClient client = client("device", "outmail-device", "not-the-secret").grant(OAuthGrant.REFRESH_TOKEN)
        .scopes("mail.send").build();

    assertThatThrownBy(() -> new OAuthValidations(TokenStore.inMemory()).startDevice(client))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("invalid_client"))
        .hasMessageStartingWith("OAuth client 'device': device endpoint answered HTTP 401 invalid_client")
        .hasMessageNotContaining("not-the-secret");
  }

  /** The server's own view of a token (RFC 7662), asked as the app-only client. */
  private static String introspect(AccessToken token) {
    String clientId = "outmail-app";
    String secret = "app-secret";
    HttpRequest request = HttpRequest.newBuilder(issuer.resolve("/oauth2/introspect"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret)
            .getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers
            .ofString("token=" + URLEncoder.encode(token.token().value(), StandardCharsets.UTF_8)))
        .build();
    return Browser.send(HttpClient.newHttpClient(), request).body().replace(" ", "");
  }

  /** The administrator's browser: cookies, redirects followed one by one, the login form posted. */
  private static final class Browser {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** Opens the authorization URL, signs in, and returns where the server sends the browser back to the host. */
    URI signIn(URI authorizationUri, URI callback) {
      URI at = authorizationUri;
      for (int hops = 0; hops < 10; hops++) {
        if (at.toString().startsWith(callback.toString())) {
          return at;
        }
        at = next(at);
      }
      throw new AssertionError("no redirect to " + callback + " after 10 hops, at " + at);
    }

    /** Opens the verification page with the user code, signs in, and consents. */
    void approveDevice(DeviceAuthorization device) {
      URI at = device.verificationUriComplete().orElseGet(() -> URI.create(device.verificationUri() + "?user_code="
          + URLEncoder.encode(device.userCode(), StandardCharsets.UTF_8)));
      for (int hops = 0; hops < 10; hops++) {
        if (at.getRawQuery() != null && at.getRawQuery().equals("success")) {
          return; // Spring Authorization Server's page after an approved device
        }
        HttpResponse<String> r = get(at);
        if (r.statusCode() == 200 && r.body().contains("Consent required")) {
          at = consent(at, r.body());
          continue;
        }
        if (r.statusCode() == 200 && !isLogin(at)) {
          return;
        }
        at = r.statusCode() == 200 ? login(at, r.body()) : location(at, r);
      }
      throw new AssertionError("the device was not approved after 10 hops, at " + at);
    }

    private URI next(URI at) {
      HttpResponse<String> r = get(at);
      if (r.statusCode() == 200 && isLogin(at)) {
        return login(at, r.body());
      }
      if (r.statusCode() / 100 != 3) {
        throw new AssertionError(at + " answered HTTP " + r.statusCode() + ": " + r.body());
      }
      return location(at, r);
    }

    /** Posts the consent form as it is: every input it holds (the scopes are checked). */
    private URI consent(URI page, String html) {
      Matcher action = Pattern.compile("<form[^>]*action=\"([^\"]+)\"").matcher(html);
      Matcher input = Pattern.compile("<input[^>]*>").matcher(html);
      StringBuilder form = new StringBuilder();
      while (input.find()) {
        Matcher name = Pattern.compile("name=\"([^\"]+)\"").matcher(input.group());
        Matcher value = Pattern.compile("value=\"([^\"]*)\"").matcher(input.group());
        if (name.find() && value.find()) {
          form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(name.group(1), StandardCharsets.UTF_8))
              .append('=').append(URLEncoder.encode(value.group(1).replace("&amp;", "&"), StandardCharsets.UTF_8));
        }
      }
      URI target = page.resolve(action.find() ? action.group(1) : page.getPath());
      HttpResponse<String> r = send(http,
          HttpRequest.newBuilder(target).header("Content-Type", "application/x-www-form-urlencoded")
              .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(form.toString())).build());
      if (r.statusCode() / 100 != 3) {
        throw new AssertionError("the consent answered HTTP " + r.statusCode() + ": " + r.body());
      }
      return location(target, r);
    }

    private static boolean isLogin(URI at) {
      return at.getPath().equals("/login");
    }

    /** Posts the login form; returns where the server redirects after the sign-in. */
    private URI login(URI page, String html) {
      Matcher csrf = CSRF.matcher(html);
      String form = "username=admin&password=admin-password"
          + (csrf.find() ? "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) : "");
      HttpResponse<String> r = send(http,
          HttpRequest.newBuilder(page).header("Content-Type", "application/x-www-form-urlencoded")
              .header("Accept", "text/html")
              .POST(HttpRequest.BodyPublishers.ofString(form)).build());
      if (r.statusCode() / 100 != 3) {
        throw new AssertionError("the login answered HTTP " + r.statusCode() + ": " + r.body());
      }
      return location(page, r);
    }

    private HttpResponse<String> get(URI uri) {
      if (!"127.0.0.1".equals(uri.getHost())) {
        throw new AssertionError("tests stay on 127.0.0.1, not " + uri);
      }
      return send(http, HttpRequest.newBuilder(uri).header("Accept", "text/html").GET().build());
    }

    private static URI location(URI at, HttpResponse<String> r) {
      return at.resolve(r.headers().firstValue("Location").orElseThrow(() -> new AssertionError(at + ": no Location")));
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
      try {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new AssertionError(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
