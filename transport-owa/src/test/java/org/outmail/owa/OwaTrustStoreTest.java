package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;

/**
 * A mailbox's trust-store applies to every TLS connection of the owa transport: Graph, upload
 * sessions and the token endpoint, here all served over HTTPS by a certificate of a private CA.
 */
class OwaTrustStoreTest {
  private FakeGraph graph;

  @BeforeEach
  void start() throws Exception {
    graph = FakeGraph.https();
  }

  @AfterEach
  void stop() throws Exception {
    graph.close();
  }

  private Mailbox.Builder httpsMailbox() {
    OAuthClient client = OAuthClient.builder("idp")
        .provider(OAuthProvider.GENERIC)
        .clientId(FakeGraph.CLIENT_ID)
        .clientSecret(Secret.of(FakeGraph.SECRET))
        .tokenEndpoint(URI.create("https://127.0.0.1:" + graph.port() + "/" + FakeGraph.TENANT + "/oauth2/v2.0/token"))
        .scopes(GraphEndpoint.DEFAULT_SCOPE)
        .build();
    return OwaTestSupport.mailbox(graph, "desk").encryption(Encryption.SSL_TLS).oauthClient(client);
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Printer jammed").text("On it.").build();
  }

  private static Path caFile() throws Exception {
    return Path.of(OwaTrustStoreTest.class.getResource("/tls/ca.pem").toURI());
  }

  @Test
  void graphAndTheTokenEndpointTrustTheMailboxsTrustStore() throws Exception {
    try (MailboxRegistry registry = MailboxRegistry.builder()
        .mailbox(httpsMailbox().trustStore(caFile()).defaultOutgoing(true).build()).build()) {
      registry.defaultOutgoing().send(email());
    }

    assertThat(graph.tokenRequests()).isEqualTo(1);
    assertThat(graph.calls("POST", "/sendMail")).hasSize(1);
  }

  @Test
  void withoutTheTrustStoreAPrivateCaIsRefusedBeforeAnyRequestIsAnswered() {
    try (MailboxRegistry registry = MailboxRegistry.builder()
        .mailbox(httpsMailbox().defaultOutgoing(true).build()).build()) {
      assertThatThrownBy(() -> registry.defaultOutgoing().send(email()))
          .isInstanceOf(MailException.class)
          .hasMessageContaining("is not signed by a trusted certificate authority");
    }

    assertThat(graph.calls()).isEmpty();
  }

  @Test
  void checkReachesGraphThroughTheTrustStore() throws Exception {
    try (MailboxRegistry registry = MailboxRegistry.builder()
        .mailbox(httpsMailbox().trustStore(caFile()).defaultOutgoing(true).build()).build()) {
      assertThat(registry.defaultOutgoing().check().ok()).as(registry.defaultOutgoing().check().message()).isTrue();
    }

    assertThat(graph.calls().stream().map(FakeGraph.Call::path).toList())
        .anyMatch(p -> p.startsWith("/v1.0/users/"));
    assertThat(List.of(graph.tokenRequests())).containsExactly(1);
  }
}
