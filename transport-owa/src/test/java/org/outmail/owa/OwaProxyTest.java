package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.testing.ConnectTestProxy;

/**
 * Graph requests through the mailbox's HTTP proxy ({@code owa.proxy}) and token requests through the
 * OAuth client's, two CONNECT proxies the test runs on 127.0.0.1 in front of an HTTPS fake Graph.
 */
@Timeout(60)
class OwaProxyTest {
  private FakeGraph graph;
  private ConnectTestProxy graphProxy;
  private ConnectTestProxy tokenProxy;

  @BeforeEach
  void start() {
    graph = FakeGraph.https();
  }

  @AfterEach
  void stop() throws Exception {
    graph.close();
    for (ConnectTestProxy p : new ConnectTestProxy[] {graphProxy, tokenProxy}) {
      if (p != null) {
        p.close();
      }
    }
  }

  private OAuthClient.Builder client() {
    return OAuthClient.builder("idp").provider(OAuthProvider.GENERIC).clientId(FakeGraph.CLIENT_ID)
        .clientSecret(Secret.of(FakeGraph.SECRET))
        .tokenEndpoint(URI.create("https://127.0.0.1:" + graph.port() + "/" + FakeGraph.TENANT + "/oauth2/v2.0/token"))
        .scopes(GraphEndpoint.DEFAULT_SCOPE);
  }

  private Mailbox.Builder mailbox(OAuthClient client) throws Exception {
    return OwaTestSupport.mailbox(graph, "desk").encryption(Encryption.SSL_TLS).oauthClient(client)
        .trustStore(Path.of(OwaProxyTest.class.getResource("/tls/ca.pem").toURI())).defaultOutgoing(true);
  }

  private Mailbox.Builder graphThroughProxy(OAuthClient client) throws Exception {
    return mailbox(client).setting("owa.proxy", "http://127.0.0.1:" + graphProxy.port()).setting("owa.no-proxy",
        "none");
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Printer jammed").text("On it.").build();
  }

  private String graphAddress() {
    return "127.0.0.1:" + graph.port();
  }

  @Test
  void graphGoesThroughTheMailboxsProxyAndTheTokenThroughTheClientsBothWithBasic() throws Exception {
    graphProxy = ConnectTestProxy.withUser("graph-user", "Gr4ph-pw");
    tokenProxy = ConnectTestProxy.withUser("token-user", "T0ken-pw");
    OAuthClient client = client().proxy("http://127.0.0.1:" + tokenProxy.port()).noProxy("none")
        .proxyCredentials("token-user", Secret.of("T0ken-pw")).build();

    try (MailboxRegistry registry = MailboxRegistry.builder().mailbox(graphThroughProxy(client)
        .setting("owa.proxy-user", "graph-user").setting("owa.proxy-password", "Gr4ph-pw").build()).build()) {
      registry.defaultOutgoing().send(email());
    }

    assertThat(graph.calls("POST", "/sendMail")).hasSize(1);
    assertThat(graph.tokenRequests()).isEqualTo(1);
    assertThat(graphProxy.targets()).isNotEmpty().allMatch(graphAddress()::equals);
    assertThat(graphProxy.presented()).contains("graph-user:Gr4ph-pw");
    assertThat(tokenProxy.targets()).isNotEmpty().allMatch(graphAddress()::equals);
    assertThat(tokenProxy.presented()).contains("token-user:T0ken-pw");
  }

  @Test
  void wrongGraphProxyCredentialsFailPermanentlyNamingTheProxyNeverThePassword() throws Exception {
    graphProxy = ConnectTestProxy.withUser("graph-user", "right-pw");
    try (MailboxRegistry registry = MailboxRegistry.builder().mailbox(graphThroughProxy(client().build())
        .setting("owa.proxy-user", "graph-user").setting("owa.proxy-password", "Wr0ng-pw").build()).build()) {
      assertThatThrownBy(() -> registry.defaultOutgoing().send(email()))
          .isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.stage()).isEqualTo(TransportException.Stage.CONNECT);
            assertThat(e.getMessage()).contains("nothing was sent: the proxy http://127.0.0.1:" + graphProxy.port()
                + " refused owa.proxy-user and owa.proxy-password (HTTP 407)").doesNotContain("Wr0ng-pw");
          });
    }
    assertThat(graph.calls("POST", "/sendMail")).isEmpty();
  }

  @Test
  void aRefusingProxyIsNamedWithItsStatus() throws Exception {
    graphProxy = ConnectTestProxy.refusing(403);
    try (MailboxRegistry registry = MailboxRegistry.builder().mailbox(graphThroughProxy(client().build()).build())
        .build()) {
      assertThatThrownBy(() -> registry.defaultOutgoing().send(email()))
          .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessageContaining("the proxy http://127.0.0.1:" + graphProxy.port()
              + " refused to connect to 127.0.0.1 (HTTP 403: not allowed by the proxy's rules)");
    }
  }

  @Test
  void noProxyDestinationsGoDirect() throws Exception {
    graphProxy = ConnectTestProxy.open();
    try (MailboxRegistry registry = MailboxRegistry.builder().mailbox(mailbox(client().build())
        .setting("owa.proxy", "http://127.0.0.1:" + graphProxy.port()).build()).build()) {
      registry.defaultOutgoing().send(email());
    }
    assertThat(graph.calls("POST", "/sendMail")).hasSize(1);
    assertThat(graphProxy.targets()).isEmpty();
  }

  @Test
  void aBadProxyFailsTheBuildNamingTheMailboxAndTheKey() {
    assertThatThrownBy(() -> MailboxRegistry.builder().mailbox(mailbox(client().build())
        .setting("owa.proxy", "socks5://127.0.0.1:1080").build()).build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("owa.proxy"))
        .hasMessage(
            "mailbox 'desk': owa.proxy 'socks5://127.0.0.1:1080' must start with http:// (Graph and token requests"
                + " go through an HTTP proxy; SOCKS5 is for the smtp transport)");
  }
}
