package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;
import org.outmail.testing.ConnectTestProxy;

/**
 * An OAuth client's token, metadata and validation requests through an HTTP CONNECT proxy that
 * the test runs on 127.0.0.1, in front of the test authorization server (HTTPS, private CA).
 */
@Timeout(30)
class OAuthProxyTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");

  private final AuthorizationServer server = AuthorizationServer.start(serverTls())
      .registerClient("idp-app", "idp-secret", CALLBACK.toString())
      .signIn("support@contoso.example");
  private final TokenStore store = TokenStore.inMemory();
  private final OAuthValidations validations = new OAuthValidations(store);
  private ConnectTestProxy proxy;

  @AfterEach
  void stop() {
    server.close();
    if (proxy != null) {
      proxy.close();
    }
  }

  /** A delegated client of the test server, found by its issuer's metadata. */
  private OAuthClient.Builder client() {
    return OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .clientSecret(Secret.of("idp-secret"))
        .issuer(server.issuer()).scopes("mail.send", "offline_access");
  }

  /** The same client with its token endpoint given: no metadata read. */
  private OAuthClient.Builder tokenOnly() {
    return OAuthClient.builder("idp").clientId("idp-app").clientSecret(Secret.of("idp-secret"))
        .tokenEndpoint(server.tokenEndpoint()).scopes("mail.send");
  }

  /** Validates the client (metadata, sign-in, code exchange), then fetches a token with its refresh token. */
  private AccessToken validatedToken(OAuthClient client) {
    AuthorizationRequest request = validations.withTls(trustingCa()).start(client, CALLBACK);
    URI redirect = new Browser(trustingCa()).signIn(request.authorizationUri()); // the browser goes direct
    validations.complete(redirect); // the code exchange: over the connections the validation started with
    return token(client);
  }

  private OAuthClient.Builder throughProxy() {
    return client().proxy("http://127.0.0.1:" + proxy.port()).noProxy("none");
  }

  private AccessToken token(OAuthClient client) {
    AccessTokens tokens = AccessTokens
        .of(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5))), store)
        .withTls(trustingCa());
    return tokens.get(client, List.of("mail.send"));
  }

  private String serverAddress() {
    return "127.0.0.1:" + server.base().getPort();
  }

  @Test
  void theTokenRequestGoesThroughTheProxyWithBasicCredentials() {
    proxy = ConnectTestProxy.withUser("svc-proxy", "Pr0xy-pw");
    OAuthClient client = throughProxy().proxyCredentials("svc-proxy", Secret.of("Pr0xy-pw")).build();

    AccessToken token = validatedToken(client);

    assertThat(server.introspect(token.token().value())).isPresent();
    // metadata, code exchange, refresh: each request through a tunnel to the server
    assertThat(proxy.targets()).hasSizeGreaterThanOrEqualTo(3).allMatch(t -> t.equals(serverAddress()));
    assertThat(proxy.presented()).contains("svc-proxy:Pr0xy-pw");
    assertThat(client.toString()).contains("proxy=http://127.0.0.1:" + proxy.port()).doesNotContain("Pr0xy-pw");
  }

  @Test
  void aValidationReadsMetadataThroughTheProxy() {
    proxy = ConnectTestProxy.open();
    OAuthClient client = throughProxy().build();

    AuthorizationRequest request = validations.withTls(trustingCa()).start(client, CALLBACK);

    assertThat(request.authorizationUri().toString()).startsWith(server.base().toString());
    assertThat(proxy.targets()).containsOnly(serverAddress());
    assertThat(server.metadataRequests()).isNotEmpty();
  }

  @Test
  void theDefaultNoProxyListSendsLoopbackDirect() {
    proxy = ConnectTestProxy.open();
    OAuthClient client = client().proxy("http://127.0.0.1:" + proxy.port()).build();

    assertThat(server.introspect(validatedToken(client).token().value())).isPresent();
    assertThat(proxy.targets()).isEmpty();
  }

  @Test
  void wrongProxyCredentialsAreNamedWithTheProxyNeverThePassword() {
    proxy = ConnectTestProxy.withUser("svc-proxy", "right-pw");
    OAuthClient client = throughProxy().proxyCredentials("svc-proxy", Secret.of("Wr0ng-pw")).build();

    assertThatThrownBy(() -> token(client))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessage("OAuth client 'idp': the authorization server metadata at " + server.issuer()
            + "/.well-known/openid-configuration not reached: the proxy http://127.0.0.1:" + proxy.port()
            + " refused the client's proxy-user and proxy-password (HTTP 407)")
        .hasMessageNotContaining("Wr0ng-pw");
  }

  @Test
  void aProxyAskingForCredentialsNoneGivenSaysWhatToSet() {
    proxy = ConnectTestProxy.withUser("svc-proxy", "right-pw");
    OAuthClient client = tokenOnly().proxy("http://127.0.0.1:" + proxy.port()).noProxy("none").build();

    assertThatThrownBy(() -> token(client)).isInstanceOf(OAuthException.class)
        .hasMessage("OAuth client 'idp': token endpoint " + server.tokenEndpoint()
            + " not reached: the proxy http://127.0.0.1:"
            + proxy.port()
            + " asks for authentication (HTTP 407) to reach 127.0.0.1: set the client's proxy-user and proxy-password");
  }

  @Test
  void aRefusingProxyIsNamedWithItsStatus() {
    proxy = ConnectTestProxy.refusing(403);
    OAuthClient client = tokenOnly().proxy("http://127.0.0.1:" + proxy.port()).noProxy("none").build();

    assertThatThrownBy(() -> token(client))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessage(
            "OAuth client 'idp': token endpoint " + server.tokenEndpoint() + " not reached: the proxy http://127.0.0.1:"
                + proxy.port() + " refused to connect to " + serverAddress()
                + " (HTTP 403: not allowed by the proxy's rules)");
  }

  @Test
  void aProxyThatIsNotRunningIsNamed() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    OAuthClient client = tokenOnly().proxy("http://127.0.0.1:" + closed).noProxy("none").build();

    assertThatThrownBy(() -> token(client)).isInstanceOf(OAuthException.class)
        .hasMessage(
            "OAuth client 'idp': token endpoint " + server.tokenEndpoint() + " not reached: the proxy http://127.0.0.1:"
                + closed + " refused the connection (is it running?)");
  }

  @Test
  void theProxySettingsAreFieldsOfTheClientAndThePasswordASecret() {
    org.outmail.TextForm<OAuthClient, OAuthClient.Builder> form = OAuthClient.textForm();
    OAuthClient.Builder b = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso.example")
        .clientId("app").clientSecret(Secret.of("s"));
    form.set(b, "proxy", "http://proxy.example.com:3128", name -> null);
    form.set(b, "proxy-user", "svc-proxy", name -> null);
    form.set(b, "proxy-password", "Pr0xy-pw", name -> null);
    form.set(b, "no-proxy", "localhost,.corp.example", name -> null);
    OAuthClient client = b.build();

    assertThat(OAuthClient.textForm().values(client)).containsEntry("proxy", "http://proxy.example.com:3128")
        .containsEntry("proxy-user", "svc-proxy").containsEntry("no-proxy", "localhost,.corp.example")
        .doesNotContainKey("proxy-password");
    assertThat(OAuthClient.textForm().secrets(client).get("proxy-password").value()).isEqualTo("Pr0xy-pw");
    assertThat(client.proxy().orElseThrow().bypasses("login.corp.example")).isTrue();
    assertThat(client.toString()).doesNotContain("Pr0xy-pw").doesNotContain("svc-proxy");
    assertThat(OAuthClient.textForm().fields()).anyMatch(f -> f.name().equals("proxy-password") && f.secret());
  }

  @Test
  void anInlineClientsProxyGoesThroughTheMailboxsTextFormAsAStoreKeepsIt() {
    org.outmail.Mailbox m = org.outmail.Mailbox.builder("mb").emailDisplay("desk@example.com").host("smtp.example.com")
        .oauthClient(
            tokenOnly().proxy("http://proxy.example.com:3128").proxyCredentials("svc-proxy", Secret.of("Pr0xy-pw"))
                .build())
        .build();

    org.outmail.TextForm<org.outmail.Mailbox, org.outmail.Mailbox.Builder> form = org.outmail.Mailbox.textForm();
    assertThat(form.values(m)).containsEntry("oauth-client.proxy", "http://proxy.example.com:3128")
        .containsEntry("oauth-client.proxy-user", "svc-proxy").doesNotContainKey("oauth-client.proxy-password");
    assertThat(form.secrets(m).get("oauth-client.proxy-password").value()).isEqualTo("Pr0xy-pw");
    org.outmail.Mailbox.Builder copy = org.outmail.Mailbox.builder("mb");
    form.values(m).forEach((k, v) -> form.set(copy, k, v));
    form.secrets(m).forEach((k, v) -> form.secret(copy, k, v));
    assertThat(copy.build().oauthClient().orElseThrow().proxy()).isEqualTo(m.oauthClient().orElseThrow().proxy());
  }

  @Test
  void badProxySettingsFailTheBuildNamingTheClientAndTheField() {
    assertThatThrownBy(() -> client().proxy("socks5://proxy:1080").build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("proxy"))
        .hasMessage(
            "oauth client 'idp': proxy 'socks5://proxy:1080' must start with http:// (Graph and token requests go"
                + " through an HTTP proxy; SOCKS5 is for the smtp transport)");
    assertThatThrownBy(() -> client().proxy("http://proxy").build())
        .hasMessage("oauth client 'idp': proxy 'http://proxy' names no port; give http://proxy:PORT");
    assertThatThrownBy(
        () -> OAuthClient.textForm().set(client(), "proxy-user", "u", n -> null).proxy("http://proxy:3128").build())
        .hasMessage("oauth client 'idp': proxy-password is required with proxy-user 'u'");
  }

  @Test
  void aJvmThatRefusesBasicForTunnelsFailsTheBuildSayingHowToAllowIt() {
    String before = System.getProperty("jdk.http.auth.tunneling.disabledSchemes");
    System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "Basic");
    try {
      assertThatThrownBy(() -> client().proxy("http://proxy:3128").proxyCredentials("u", Secret.of("pw")).build())
          .hasMessage(
              "oauth client 'idp': proxy-user cannot be presented: the JVM refuses Basic authentication to a proxy"
                  + " for HTTPS tunnels (the JDK's default jdk.http.auth.tunneling.disabledSchemes=Basic): start it with"
                  + " -Djdk.http.auth.tunneling.disabledSchemes= (outmail sets no JVM-wide property)");
    } finally {
      if (before == null) {
        System.clearProperty("jdk.http.auth.tunneling.disabledSchemes");
      } else {
        System.setProperty("jdk.http.auth.tunneling.disabledSchemes", before);
      }
    }
  }

  private static SSLContext serverTls() {
    try (InputStream in = OAuthProxyTest.class.getResourceAsStream("/tls/localhost.p12")) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, "changeit".toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "changeit".toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      return tls;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext trustingCa() {
    try (InputStream in = OAuthProxyTest.class.getResourceAsStream("/tls/ca.pem")) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
