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
}
