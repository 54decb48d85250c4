package org.outmail.owa;

import java.net.URI;
import java.time.Duration;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.RetryPolicy;
import org.outmail.Secret;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;

/** Mailboxes and OAuth clients pointing at a {@link FakeGraph}. */
final class OwaTestSupport {
  /** An https authority, as msal4j wants; {@link LoopbackMsalHttpClient} takes its requests to 127.0.0.1. */
  static final URI AUTHORITY = URI.create("https://login.test.example/" + FakeGraph.TENANT + "/");

  private OwaTestSupport() {}

  static OAuthClient client(String secret) {
    return OAuthClient.builder("m365")
        .provider(OAuthProvider.MICROSOFT)
        .tenant(FakeGraph.TENANT)
        .authority(AUTHORITY)
        .clientId(FakeGraph.CLIENT_ID)
        .clientSecret(Secret.of(secret))
        .build();
  }

  /** An owa mailbox at the fake: plain http on 127.0.0.1, fast retries. */
  static Mailbox.Builder mailbox(FakeGraph graph, String id) {
    return Mailbox.builder(id)
        .protocol("owa")
        .host("127.0.0.1")
        .port(graph.port())
        .encryption(Encryption.NONE)
        .emailDisplay(FakeGraph.USER)
        .displayName("Your Service Desk")
        .oauthClient(client(FakeGraph.SECRET))
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(10))
        .retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofSeconds(2)));
  }
}
