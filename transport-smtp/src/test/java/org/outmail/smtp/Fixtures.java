package org.outmail.smtp;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.RetryPolicy;
import org.outmail.Secret;
import org.outmail.oauth.AccessToken;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;

/** Mailboxes, messages and certificates the tests share. */
final class Fixtures {
  private static final AtomicInteger IDS = new AtomicInteger();

  private Fixtures() {}

  /** A mailbox at 127.0.0.1 with short timeouts and fast retries. */
  static Mailbox.Builder mailbox(int port, Encryption encryption) {
    return Mailbox.builder("mb")
        .emailDisplay("desk@example.com")
        .displayName("Service Desk")
        .host("127.0.0.1")
        .port(port)
        .encryption(encryption)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(5))
        .writeTimeout(Duration.ofSeconds(5))
        .retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(10)));
  }

  /** A file of the test certificates (see src/test/resources/tls/README.md). */
  static Path tls(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/tls/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static OutgoingMessage message(Mailbox mailbox, String subject, String... to) {
    return OutgoingMessage.builder(mailbox)
        .to(List.of(to))
        .subject(subject)
        .text("body of " + subject)
        .messageId("<test-" + IDS.incrementAndGet() + "@example.com>")
        .build();
  }

  static TransportContext noTokens() {
    return TransportContext.of(AccessTokens.of(List.of(), TokenStore.inMemory()));
  }

  static OAuthClient microsoftClient() {
    return OAuthClient.builder("m365")
        .provider(OAuthProvider.MICROSOFT)
        .tenant("contoso.onmicrosoft.com")
        .clientId("client-id")
        .clientSecret(Secret.of("client-secret"))
        .build();
  }

  /**
   * Hands out "token-1", "token-2", ... each expiring as it is handed out (the servers of these tests
   * do not check expiry), so that every request for a token fetches a new one.
   */
  static final class CountingTokens implements AccessTokenProvider {
    final AtomicInteger fetched = new AtomicInteger();
    final List<List<String>> scopes = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public boolean supports(OAuthClient client) {
      return true;
    }

    @Override
    public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store) {
      this.scopes.add(scopes);
      return new AccessToken(Secret.of("token-" + fetched.incrementAndGet()), Instant.now());
    }

    TransportContext context() {
      return TransportContext.of(AccessTokens.of(List.of(this), TokenStore.inMemory()));
    }
  }
}
