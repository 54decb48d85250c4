package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
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
import org.outmail.Secret;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * An identity provider whose certificate a private CA signed (the mailbox's trust store): a
 * validation reaches it over a TLS context that trusts the CA, from its metadata to the code
 * exchange.
 */
@Timeout(30)
class PrivateCaValidationTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");

  private final AuthorizationServer server = AuthorizationServer.start(serverTls())
      .registerClient("idp-app", "idp-secret", CALLBACK.toString())
      .signIn("support@contoso.example");
  private final TokenStore store = TokenStore.inMemory();
  private final OAuthValidations validations = new OAuthValidations(store);

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuthClient client() {
    return OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .clientSecret(Secret.of("idp-secret")).issuer(server.issuer()).scopes("mail.send", "offline_access").build();
  }

  @Test
  void aValidationTrustsThePrivateCaItIsGiven() {
    SSLContext trustingCa = trustingCa();

    OAuthValidations withCa = validations.withTls(trustingCa);
    AuthorizationRequest request = withCa.start(client(), CALLBACK);
    URI redirect = new Browser(trustingCa).signIn(request.authorizationUri());
    OAuthValidation done = validations.complete(redirect); // completed over the connections it was started with

    assertThat(done.clientName()).isEqualTo("idp");
    assertThat(server.isActiveRefreshToken(store.load("idp").orElseThrow().value())).isTrue();
    AccessTokens tokens = AccessTokens
        .of(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5))), store)
        .withTls(trustingCa);
    assertThat(server.introspect(tokens.get(client(), List.of("mail.send")).token().value())).isPresent();
  }

  @Test
  void withoutTheCaTheServerIsNotTrusted() {
    assertThatThrownBy(() -> validations.start(client(), CALLBACK))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageStartingWith("OAuth client 'idp': the authorization server metadata at " + server.issuer()
            + "/.well-known/openid-configuration is unreachable: SSLHandshakeException");
  }

  @Test
  void aDeviceValidationPollsOverTheConnectionsItStartedWith() {
    SSLContext trustingCa = trustingCa();
    OAuthClient client = client();
    DeviceAuthorization device = validations.withTls(trustingCa).startDevice(client);
    new Browser(trustingCa)
        .open(URI.create(device.verificationUri() + "?user_code=" + device.userCode() + "&consent=yes"));

    validations.awaitDevice(device, Duration.ofMinutes(1));

    assertThat(store.load("idp")).isPresent();
  }

  private static SSLContext serverTls() {
    try (InputStream in = PrivateCaValidationTest.class.getResourceAsStream("/tls/localhost.p12")) {
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
    try (InputStream in = PrivateCaValidationTest.class.getResourceAsStream("/tls/ca.pem")) {
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
