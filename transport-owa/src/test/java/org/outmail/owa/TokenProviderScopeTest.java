package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.outmail.CheckResult;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.Tls;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/**
 * The owa jar on the classpath does not change how the mailboxes of another transport get their
 * tokens: {@link MsalTokenProvider}, found by the {@code ServiceLoader}, serves owa mailboxes only,
 * and an SMTP mailbox with the same Microsoft client gets its token from outmail's built-in token
 * client, unless the host passes the msal4j provider itself. The token endpoint is the fake's, over
 * HTTPS on 127.0.0.1; msal4j marks its requests with {@code x-client-SKU}, the built-in client does not.
 */
class TokenProviderScopeTest {
  private FakeGraph graph;

  @BeforeEach
  void start() {
    graph = FakeGraph.https();
  }

  @AfterEach
  void stop() throws Exception {
    graph.close();
  }

  /** Stands for the SMTP transport: its Check asks the registry's tokens for the mailbox's client. */
  private static final class TokenAskingSmtp implements TransportProvider {
    final Map<String, String> tokens = new ConcurrentHashMap<>();

    @Override
    public String protocol() {
      return "smtp";
    }

    @Override
    public MailTransport open(Mailbox mailbox, TransportContext context) {
      return new MailTransport() {
        @Override
        public TransportReceipt send(OutgoingMessage message) {
          throw new UnsupportedOperationException("only checked here");
        }

        @Override
        public CheckResult check() {
          OAuthClient client = mailbox.oauthClient().orElseThrow();
          tokens.put(mailbox.id(), context.accessTokens().withTls(Tls.context(mailbox))
              .get(client, List.of("https://outlook.office365.com/.default")).token().value());
          return CheckResult.passed("token", java.time.Duration.ZERO);
        }

        @Override
        public void close() {}
      };
    }
  }

  private OAuthClient microsoftClient() {
    return OAuthClient.builder("m365")
        .provider(OAuthProvider.MICROSOFT)
        .tenant(FakeGraph.TENANT)
        .authority(URI.create("https://localhost:" + graph.port() + "/" + FakeGraph.TENANT + "/"))
        .clientId(FakeGraph.CLIENT_ID)
        .clientSecret(Secret.of(FakeGraph.SECRET))
        .build();
  }

  private Mailbox smtpMailbox() throws Exception {
    return Mailbox.builder("smtp-desk").protocol("smtp").host("127.0.0.1").port(2525).encryption(Encryption.NONE)
        .emailDisplay(FakeGraph.USER).oauthClient(microsoftClient()).trustStore(caFile()).build();
  }

  private static Path caFile() throws Exception {
    return Path.of(TokenProviderScopeTest.class.getResource("/tls/ca.pem").toURI());
  }

  private List<FakeGraph.Call> tokenRequests() {
    return graph.calls().stream().filter(c -> c.path().endsWith("/oauth2/v2.0/token")).toList();
  }

  @Test
  void anSmtpMailboxGetsItsTokenFromTheBuiltInClientWithTheOwaJarOnTheClasspath() throws Exception {
    assertThat(new MsalTokenProvider().supports(microsoftClient())).as("msal4j could serve this client").isTrue();
    TokenAskingSmtp smtp = new TokenAskingSmtp();
    try (MailboxRegistry registry = MailboxRegistry.builder().transportProvider(smtp).mailbox(smtpMailbox()).build()) {
      CheckResult check = registry.outgoing("smtp-desk").check();
      assertThat(check.ok()).as(check.message()).isTrue();
    }

    assertThat(smtp.tokens).containsEntry("smtp-desk", "token-1");
    assertThat(tokenRequests()).singleElement()
        .satisfies(c -> assertThat(c.header("x-client-SKU")).as("asked by msal4j").isNull());
  }

  @Test
  void aHostThatPassesTheMsalProviderGetsItForItsSmtpMailboxes() throws Exception {
    TokenAskingSmtp smtp = new TokenAskingSmtp();
    try (MailboxRegistry registry = MailboxRegistry.builder().transportProvider(smtp)
        .accessTokenProvider(new MsalTokenProvider()).mailbox(smtpMailbox()).build()) {
      CheckResult check = registry.outgoing("smtp-desk").check();
      assertThat(check.ok()).as(check.message()).isTrue();
    }

    assertThat(smtp.tokens).containsEntry("smtp-desk", "token-1");
    assertThat(tokenRequests()).singleElement()
        .satisfies(c -> assertThat(c.header("x-client-SKU")).as("asked by msal4j").isNotNull());
  }
}
