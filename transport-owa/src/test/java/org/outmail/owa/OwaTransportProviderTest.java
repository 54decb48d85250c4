package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.TransportProvider;

/** Configuration of an owa mailbox: what it needs, where its requests go, whom its token reaches. */
@Timeout(30)
class OwaTransportProviderTest {
  private static OAuthClient client() {
    return OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso.onmicrosoft.com")
        .clientId("id").clientSecret(Secret.of("s")).build();
  }

  private static Mailbox.Builder mailbox() {
    return Mailbox.builder("desk").protocol("owa").emailDisplay("desk@example.com").oauthClient(client());
  }

  @Test
  void isFoundByServiceLoaderForProtocolOwa() {
    assertThat(ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.protocol().equals("owa"))).hasExactlyElementsOfTypes(OwaTransportProvider.class);
  }

  @Test
  void defaultsToGraphOverHttpsWithTheGraphScope() {
    GraphEndpoint e = GraphEndpoint.of(mailbox().build());

    assertThat(e.baseUrl()).isEqualTo(URI.create("https://" + GraphEndpoint.DEFAULT_HOST + "/v1.0"));
    assertThat(e.user()).isEqualTo("desk@example.com");
    assertThat(e.scopes()).containsExactly("https://" + GraphEndpoint.DEFAULT_HOST + "/.default");
  }

  @Test
  void nationalCloudHostGetsItsOwnScope() {
    GraphEndpoint e = GraphEndpoint.of(mailbox().host("graph.microsoft.us").build());

    assertThat(e.baseUrl()).isEqualTo(URI.create("https://graph.microsoft.us/v1.0"));
    assertThat(e.scopes()).containsExactly("https://graph.microsoft.us/.default");
  }

  @Test
  void mailboxWithoutOAuthClientIsRefusedWhenTheRegistryIsBuilt() {
    Mailbox m = Mailbox.builder("desk").protocol("owa").emailDisplay("desk@example.com").build();

    assertThatThrownBy(() -> MailboxRegistry.builder().mailbox(m).build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("oauth-client");
          assertThat(e.getMessage()).isEqualTo("mailbox 'desk': oauth-client is required for protocol owa"
              + " (an app registration with the Mail.Send application permission)");
        });
  }

  @Test
  void dkimSettingsAreRefusedSayingMicrosoft365Signs() {
    for (String key : List.of("owa.dkim.domain", "smtp.dkim.private-key")) {
      Mailbox m = mailbox().setting(key, "example.com").build();

      assertThatThrownBy(() -> MailboxRegistry.builder().mailbox(m).build())
          .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
            assertThat(e.field()).isEqualTo(key);
            assertThat(e.getMessage()).startsWith("mailbox 'desk': " + key + " is not a setting of protocol owa: "
                + "Microsoft 365 signs the mail Graph sends with DKIM itself");
          });
    }
  }

  @Test
  void dkimSettingsInAPropertiesFileAreRefusedNamingTheKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("outmail.properties");
    java.nio.file.Files.writeString(file, String.join("\n",
        "outmail.mailbox.desk.protocol=owa",
        "outmail.mailbox.desk.email-display=desk@example.com",
        "outmail.mailbox.desk.oauth-client=m365",
        "outmail.mailbox.desk.owa.dkim.selector=s1",
        "outmail.oauth-client.m365.provider=microsoft",
        "outmail.oauth-client.m365.tenant=contoso.onmicrosoft.com",
        "outmail.oauth-client.m365.client-id=id",
        "outmail.oauth-client.m365.client-secret=s", ""));

    assertThatThrownBy(() -> MailboxRegistry.load(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("owa.dkim.selector is not a setting of protocol owa: Microsoft 365 signs");
  }

  @Test
  void aHostListingSeveralServersOrAPortIsRefusedNamingTheField() {
    assertThatThrownBy(
        () -> new OwaTransportProvider().validate(mailbox().host("graph1.example.com, graph2.example.com").build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(
            "mailbox 'desk': host names 2 servers; protocol owa takes one host (several servers are for protocol smtp)");
    assertThatThrownBy(() -> new OwaTransportProvider().validate(mailbox().host("graph.example.com:8443").build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(
            "mailbox 'desk': host 'graph.example.com:8443' has a port; for protocol owa give the port in the port field");
  }

  @Test
  void plainHttpIsRefusedForAnyHostButLoopback() {
    Mailbox m = mailbox().host("graph.example.com").encryption(Encryption.NONE).build();

    assertThatThrownBy(() -> new OwaTransportProvider().validate(m))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("encryption"));
    assertThat(GraphEndpoint.of(mailbox().host("127.0.0.1").port(8080).encryption(Encryption.NONE).build()).baseUrl())
        .isEqualTo(URI.create("http://127.0.0.1:8080/v1.0"));
  }

  @Test
  void bearerTokenGoesOnlyToTheConfiguredHost() {
    AccessTokens tokens = AccessTokens.of(List.of(new org.outmail.oauth.AccessTokenProvider() {
      @Override
      public boolean supports(OAuthClient client) {
        return true;
      }

      @Override
      public org.outmail.oauth.AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store) {
        return new org.outmail.oauth.AccessToken(Secret.of("tok"), java.time.Instant.now().plusSeconds(3600));
      }
    }), TokenStore.inMemory());
    GraphTokenSource source = new GraphTokenSource(tokens, client(),
        GraphEndpoint.of(mailbox().host("127.0.0.1").encryption(Encryption.NONE).build()));

    assertThat(source.getAuthorizationToken(URI.create("http://127.0.0.1:9/v1.0/users/x/sendMail"), Map.of()))
        .isEqualTo("tok");
    assertThat(source.getAuthorizationToken(URI.create("https://outlook.office.com/upload?authtoken=1"), Map.of()))
        .isEmpty();
    assertThat(source.getAuthorizationToken(URI.create("https://" + GraphEndpoint.DEFAULT_HOST + "/v1.0/me"), Map.of()))
        .isEmpty();
  }
}
