package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.RetryPolicy;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;

/**
 * How Graph's failures come out: throttling retried as told, gateway errors never resent,
 * Graph's error codes in permanent failures, token errors as OAuth failures without the secret.
 */
@Timeout(60)
class OwaFailureTest extends FakeGraphTest {
  private static final String SEND = "/v1.0/users/" + FakeGraph.USER + "/sendMail";

  private MailboxRegistry registry(RetryPolicy policy, String secret) {
    registry = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .mailbox(OwaTestSupport.mailbox(graph, "desk").retryPolicy(policy)
            .oauthClient(OwaTestSupport.client(secret)).defaultOutgoing(true).build())
        .build();
    return registry;
  }

  private MailboxRegistry registry() {
    return registry(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofSeconds(2)), FakeGraph.SECRET);
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Hi").text("body").build();
  }

  @Test
  void throttledSendIsRetriedAfterRetryAfterWithAFullBody() {
    graph.script("POST", SEND,
        FakeGraph.odataError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
            .setHeader("Retry-After", "1"));
    long start = System.nanoTime();

    SendResult result = registry().defaultOutgoing().send(email());

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    var sends = graph.calls("POST", "/sendMail");
    assertThat(sends).hasSize(2);
    assertThat(sends.get(1).bodyText()).isEqualTo(sends.get(0).bodyText()).contains("\"Message\"");
  }

  @Test
  void throttledSendReportsRetryAfterWhenAttemptsAreUsedUp() {
    graph.script("POST", SEND, FakeGraph.odataError(429, "ApplicationThrottled", "Too many requests")
        .setHeader("Retry-After", "7"));

    assertThatThrownBy(() -> registry(RetryPolicy.NONE, FakeGraph.SECRET).defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
          assertThat(e.replyCode()).isEqualTo(429);
          assertThat(e.errorCode()).contains("ApplicationThrottled");
        });
  }

  @Test
  void serviceUnavailableIsNotResentByTheSdk() {
    graph.script("POST", SEND, FakeGraph.odataError(503, "ServiceUnavailable", "Service unavailable")
        .setHeader("Retry-After", "1"));

    assertThatThrownBy(() -> registry(RetryPolicy.NONE, FakeGraph.SECRET).defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        });
    assertThat(graph.calls("POST", "/sendMail")).hasSize(1);
  }

  @Test
  void gatewayErrorWithoutRetryAfterIsAnUnknownOutcomeAndNeverResent() {
    graph.script("POST", SEND, new MockResponse().setResponseCode(504).setBody("Gateway Timeout"));

    assertThatThrownBy(() -> registry().defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isOutcomeUnknown()).isTrue();
          assertThat(e.replyCode()).isEqualTo(504);
        });
    assertThat(graph.calls("POST", "/sendMail")).hasSize(1);
  }

  @Test
  void accessDeniedIsPermanentWithGraphsCodeAndMessage() {
    graph.script("POST", SEND,
        FakeGraph.odataError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."));

    assertThatThrownBy(() -> registry().defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.isOutcomeUnknown()).isFalse();
          assertThat(e.replyCode()).isEqualTo(403);
          assertThat(e.errorCode()).contains("ErrorAccessDenied");
          assertThat(e.getMessage()).isEqualTo("mailbox 'desk': Graph sendMail failed: HTTP 403 ErrorAccessDenied:"
              + " Access is denied. Check credentials and try again.");
        });
    assertThat(graph.calls("POST", "/sendMail")).hasSize(1);
  }

  @Test
  void mailboxNotEnabledForRestIsPermanent() {
    graph.script("POST", SEND, FakeGraph.odataError(404, "MailboxNotEnabledForRESTAPI",
        "The mailbox is either inactive, soft-deleted, or is hosted on-premise."));

    assertThatThrownBy(() -> registry().defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.errorCode()).contains("MailboxNotEnabledForRESTAPI");
          assertThat(e.getMessage()).contains("HTTP 404 MailboxNotEnabledForRESTAPI: The mailbox is either inactive");
        });
    assertThat(graph.calls("POST", "/sendMail")).hasSize(1);
  }

  @Test
  void invalidInternetMessageHeaderIsPermanent() {
    graph.script("POST", SEND, FakeGraph.odataError(400, "InvalidInternetMessageHeader",
        "The internet message header name 'X-Ticket' should start with 'x-' or 'X-'."));

    assertThatThrownBy(() -> registry().defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.replyCode()).isEqualTo(400);
          assertThat(e.errorCode()).contains("InvalidInternetMessageHeader");
        });
  }

  @Test
  void refusedTokenIsRenewedForTheNextAttempt() {
    graph.script("POST", SEND,
        FakeGraph.odataError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."));

    SendResult result = registry().defaultOutgoing().send(email());

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(graph.tokenRequests()).isEqualTo(2);
    var sends = graph.calls("POST", "/sendMail");
    assertThat(sends.get(0).header("Authorization")).isEqualTo("Bearer token-1");
    assertThat(sends.get(1).header("Authorization")).isEqualTo("Bearer token-2");
  }

  @Test
  void wrongSecretIsATokenFailureOfTheMailboxWithTheAadstsCodeAndNeverTheSecret() {
    String wrong = "wrong~secret.value-123";

    assertThatThrownBy(() -> registry(RetryPolicy.NONE, wrong).defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.stage()).isEqualTo(TransportException.Stage.TOKEN);
          assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
          assertThat(e.mailboxId()).isEqualTo("desk");
          assertThat(e.errorCode()).contains("AADSTS7000215");
          assertThat(e.getCause()).isInstanceOf(OAuthException.class);
          assertThat(e.getMessage())
              .startsWith("mailbox 'desk': could not get an OAuth token: OAuth client 'm365': token endpoint"
                  + " https://login.test.example/contoso-test/oauth2/v2.0/token"
                  + " answered HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided.")
              .doesNotContain(wrong).doesNotContain(FakeGraph.SECRET).doesNotContain("Trace ID");
        });
    assertThat(graph.graphCalls()).isEmpty();
  }

  @Test
  void unreachableTokenEndpointIsATransientTokenFailureRetried() {
    graph.tokenAnswer(
        FakeGraph.tokenError(503, "temporarily_unavailable", "AADSTS90033: A transient error has occurred."));

    assertThatThrownBy(() -> registry().defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.stage()).isEqualTo(TransportException.Stage.TOKEN);
          assertThat(e.kind()).isEqualTo(TransportException.Kind.TRANSIENT);
          assertThat(e.mailboxId()).isEqualTo("desk");
        });
    assertThat(graph.tokenRequests()).isEqualTo(3);
    assertThat(graph.graphCalls()).isEmpty();
  }

  @Test
  void unreachableGraphIsTransientAndRetried() throws IOException {
    MailboxRegistry r = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .mailbox(OwaTestSupport.mailbox(graph, "desk").port(closedPort())
            .retryPolicy(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(5))).defaultOutgoing(true).build())
        .build();
    registry = r;

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.isOutcomeUnknown()).isFalse();
          assertThat(e.getMessage())
              .startsWith("mailbox 'desk': Graph sendMail failed: cannot connect: ConnectException");
        });
  }

  static int closedPort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
