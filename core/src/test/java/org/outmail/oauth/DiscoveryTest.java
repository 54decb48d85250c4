package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * A client configured with its server's issuer only: the endpoints come from the server's metadata
 * (OpenID Connect Discovery, else RFC 8414), read once; a validation's redirect naming another
 * issuer is refused (RFC 9207).
 */
@Timeout(30)
class DiscoveryTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");

  private final AuthorizationServer server = AuthorizationServer.start()
      .registerClient("idp-app", "idp-secret", CALLBACK.toString())
      .signIn("support@contoso.example");
  private final Browser browser = new Browser();
  private final TokenStore store = TokenStore.inMemory();
  private final TestClock clock = new TestClock();
  private final OAuthValidations validations = new OAuthValidations(store, OAuthValidations.DEFAULT_EXPIRY, clock,
      d -> {
        clock.advance(d);
      });

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuthClient.Builder byIssuer() {
    return OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .clientSecret(Secret.of("idp-secret")).issuer(server.issuer()).scopes("mail.send", "offline_access");
  }

  @Test
  void anIssuerAloneIsEnoughToValidateAndGetTokensAndItsMetadataIsReadOnce() {
    OAuthClient client = byIssuer().build();

    URI redirect = browser.signIn(validations.start(client, CALLBACK).authorizationUri());
    validations.complete(redirect);
    AccessTokens tokens = AccessTokens.of(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5))),
        store);
    AccessToken token = tokens.get(client, List.of("mail.send"));

    assertThat(server.introspect(token.token().value())).isPresent();
    assertThat(client.tokenEndpoint()).isEqualTo(server.tokenEndpoint());
    assertThat(client.deviceEndpoint()).contains(server.deviceEndpoint());
    assertThat(server.metadataRequests()).containsExactly("/realm/.well-known/openid-configuration");
    assertThat(client.values()).containsEntry("issuer", server.issuer().toString()).doesNotContainKey("token-endpoint");
  }

  @Test
  void theRfc8414AddressIsTriedWhenThereIsNoOpenIdConfiguration() {
    server.metadataAt("oauth-authorization-server");
    OAuthClient client = byIssuer().build();

    DeviceAuthorization device = validations.startDevice(client);

    assertThat(device.verificationUri()).isEqualTo(server.base().resolve("device"));
    assertThat(server.metadataRequests()).containsExactly("/realm/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server/realm");
  }

  @Test
  void explicitEndpointsWinOverTheMetadata() {
    URI elsewhere = URI.create("http://127.0.0.1:9/token");
    OAuthClient client = byIssuer().tokenEndpoint(elsewhere).build();

    assertThat(client.tokenEndpoint()).isEqualTo(elsewhere);
    assertThat(client.authorizeEndpoint()).contains(server.authorizeEndpoint());
  }

  @Test
  void noMetadataIsAnErrorNamingTheClientAndBothAddresses() {
    server.metadataAt("none");
    OAuthClient client = byIssuer().build();

    assertThatThrownBy(() -> validations.start(client, CALLBACK))
        .isInstanceOf(OAuthException.class)
        .hasMessage("OAuth client 'idp': no authorization server metadata at " + server.issuer()
            + "/.well-known/openid-configuration (HTTP 404) or " + server.base()
            + ".well-known/oauth-authorization-server/realm (HTTP 404): check the client's issuer, or give its endpoints");
  }

  @Test
  void metadataOfAnotherIssuerIsRefused() {
    server.metadataIssuer("https://evil.example.com/realm");
    OAuthClient client = byIssuer().build();

    assertThatThrownBy(() -> validations.startDevice(client))
        .isInstanceOf(OAuthException.class)
        .hasMessage("OAuth client 'idp': the metadata at " + server.issuer() + "/.well-known/openid-configuration names"
            + " the issuer 'https://evil.example.com/realm', not " + server.issuer() + " (RFC 8414 §3.3): check the"
            + " client's issuer");
  }

  @Test
  void anUnreachableIssuerIsATransientErrorNamingTheUrl() {
    OAuthClient client = OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .issuer(URI.create("http://127.0.0.1:9/realm")).scopes("mail.send").build();

    assertThatThrownBy(() -> validations.startDevice(client))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageStartingWith("OAuth client 'idp': the authorization server metadata at"
            + " http://127.0.0.1:9/realm/.well-known/openid-configuration is unreachable: ConnectException");
  }

  @Test
  void aGenericClientNeedsATokenEndpointOrAnIssuer() {
    assertThatThrownBy(() -> OAuthClient.builder("idp").clientId("a").clientSecret(Secret.of("s")).build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("token-endpoint"))
        .hasMessage("oauth client 'idp': token-endpoint is required for provider GENERIC (or give the issuer)");
    assertThat(OAuthClient.textForm().set(OAuthClient.builder("idp").clientId("a").clientSecret(Secret.of("s")),
        "issuer", server.issuer().toString(), n -> null).build().issuer()).contains(server.issuer());
    assertThatThrownBy(() -> OAuthClient.textForm().set(OAuthClient.builder("idp"), "issuer",
        "http://idp.example.com/realm", n -> null))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("issuer"));
  }

  @Test
  void aRedirectNamingTheIssuerIsAccepted() {
    server.issInRedirect(server.issuer().toString());
    URI redirect = browser.signIn(validations.start(byIssuer().build(), CALLBACK).authorizationUri());

    validations.complete(redirect);

    assertThat(store.load("idp")).isPresent();
  }

  @Test
  void aRedirectNamingAnotherIssuerIsRefusedBeforeItsCodeIsUsed() {
    server.issInRedirect("https://evil.example.com/realm");
    URI redirect = browser.signIn(validations.start(byIssuer().build(), CALLBACK).authorizationUri());

    assertThatThrownBy(() -> validations.complete(redirect))
        .isInstanceOf(OAuthException.class)
        .hasMessage(
            "OAuth client 'idp': the redirect names the issuer 'https://evil.example.com/realm', not the client's "
                + server.issuer()
                + " (RFC 9207): it comes from another authorization server; start the validation again");
    assertThat(server.tokenRequests()).isEmpty();
    assertThat(store.load("idp")).isEmpty();
  }

  @Test
  void aRedirectWithoutIssWhenTheMetadataPromisesOneIsRefused() {
    server.issInRedirect(server.issuer().toString());
    AuthorizationRequest request = validations.start(byIssuer().build(), CALLBACK);
    URI redirect = browser.signIn(request.authorizationUri());
    String withoutIss = redirect.toString().replaceAll("[&?]iss=[^&]*", "");

    assertThatThrownBy(() -> validations.complete(URI.create(withoutIss)))
        .hasMessageContaining(
            "the redirect carries no iss although the server's metadata says it sends one (RFC 9207)");
    assertThat(server.tokenRequests()).isEmpty();
  }
}
