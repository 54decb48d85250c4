package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;

class OAuthClientTest {
  private static OAuthClient.Builder generic() {
    return OAuthClient.builder("idp").tokenEndpoint(URI.create("https://idp.example.com/token"))
        .clientId("app").clientSecret(Secret.of("s"));
  }

  @Test
  void badArgumentsFailInTheSetterNamingClientAndField() {
    assertThatThrownBy(() -> OAuthClient.builder("idp").tokenEndpoint(URI.create("http://idp.example.com/token")))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("token-endpoint"))
        .hasMessage("oauth client 'idp': token-endpoint must be an https URL (plain http only for loopback):"
            + " http://idp.example.com/token");
    assertThatThrownBy(() -> OAuthClient.builder("m365").tenant("contoso/../x"))
        .hasMessage("oauth client 'm365': tenant must be a tenant id or domain (letters, digits, '.', '_' or '-'),"
            + " was 'contoso/../x'");
    assertThatThrownBy(() -> OAuthClient.builder("idp").clientId(" "))
        .hasMessage("oauth client 'idp': client-id must not be blank");
    assertThatThrownBy(() -> OAuthClient.builder("idp").scopes("a", "b c"))
        .hasMessage("oauth client 'idp': scopes must not be blank or contain whitespace: 'b c'");
  }

  @Test
  void aSetterCalledAgainReplacesAndScopesAreAddedOnce() {
    OAuthClient c = generic().clientId("other").tokenEndpoint(URI.create("https://idp2.example.com/token"))
        .scopes("mail.send", "offline").scopes("mail.send", "profile").build();
    assertThat(c.clientId()).isEqualTo("other");
    assertThat(c.tokenEndpoint()).isEqualTo(URI.create("https://idp2.example.com/token"));
    assertThat(c.scopes()).containsExactly("mail.send", "offline", "profile");
  }

  @Test
  void aBadScopeInAListAddsNoneOfThem() {
    OAuthClient.Builder b = generic();
    assertThatThrownBy(() -> b.scopes("mail.send", " ")).isInstanceOf(MailboxConfigException.class);
    assertThat(b.build().scopes()).isEmpty();
  }

  @Test
  void aDelegatedClientNeedsNoRefreshTokenInItsConfigurationAndKnowsItsProvidersEndpoints() {
    OAuthClient m365 = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).grant(OAuthGrant.REFRESH_TOKEN)
        .tenant("contoso.onmicrosoft.com").clientId("app").build();
    assertThat(m365.refreshToken()).isEmpty();
    assertThat(m365.authorizeEndpoint()).contains(
        URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"));
    assertThat(m365.deviceEndpoint()).contains(
        URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"));

    OAuthClient gmail = OAuthClient.builder("gmail").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.REFRESH_TOKEN)
        .clientId("app").build();
    assertThat(gmail.authorizeEndpoint()).contains(URI.create("https://accounts.google.com/o/oauth2/v2/auth"));
    assertThat(gmail.deviceEndpoint()).isEmpty();
  }

  @Test
  void theJwtBearerGrantIsForGoogleServiceAccounts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path key = org.outmail.oauth.server.ServiceAccountKeyFile.write(dir, "sa@p.iam.gserviceaccount.com",
        URI.create("https://oauth2.googleapis.com/token")).file();
    assertThatThrownBy(() -> OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso")
        .grant(OAuthGrant.JWT_BEARER).serviceAccountKey(key).build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("grant"))
        .hasMessage("oauth client 'm365': grant JWT_BEARER is for Google Workspace service accounts (provider GOOGLE or"
            + " GENERIC), not MICROSOFT: use CLIENT_CREDENTIALS for app-only Microsoft 365");
    OAuthClient google = OAuthClient.builder("gsa").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.JWT_BEARER)
        .serviceAccountKey(key).build();
    assertThat(google.tokenEndpoint()).isEqualTo(URI.create("https://oauth2.googleapis.com/token"));
    assertThat(OAuthClient.textForm().fields()).extracting(org.outmail.Setting::name)
        .contains("device-endpoint", "service-account-key");
  }

  @Test
  void aSubjectIsCheckedAndShownButTheClientStaysTheSame() {
    OAuthClient c = generic().build();
    assertThat(c.subject()).isEmpty();
    OAuthClient forUser = c.withSubject("desk@example.com");
    assertThat(forUser.subject()).contains("desk@example.com");
    assertThat(forUser.name()).isEqualTo(c.name());
    assertThat(forUser.toString()).contains("subject=desk@example.com");
    assertThatThrownBy(() -> c.withSubject("a b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClientAuthenticationMethodIsASettingThatDefaultsToTheForm() {
    assertThat(generic().build().clientAuthentication()).isEqualTo(ClientAuthentication.CLIENT_SECRET_POST);
    OAuthClient basic = OAuthClient.textForm().set(generic(), "client-authentication", "client_secret_basic", n -> null)
        .build();
    assertThat(basic.clientAuthentication()).isEqualTo(ClientAuthentication.CLIENT_SECRET_BASIC);
    assertThat(OAuthClient.textForm().values(basic)).containsEntry("client-authentication", "CLIENT_SECRET_BASIC");
    assertThat(OAuthClient.textForm().fields()).extracting(org.outmail.Setting::name).contains("client-authentication");
    assertThatThrownBy(
        () -> OAuthClient.textForm().set(generic(), "client-authentication", "private_key_jwt", n -> null))
        .isInstanceOfSatisfying(MailboxConfigException.class,
            e -> assertThat(e.field()).isEqualTo("client-authentication"));
  }
}
