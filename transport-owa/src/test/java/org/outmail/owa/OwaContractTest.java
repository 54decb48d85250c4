package org.outmail.owa;

import java.io.IOException;
import java.util.List;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.test.contract.ReceivedMail;
import org.outmail.test.contract.TransportContractTest;

/** The transport contract, against Graph and the token endpoint played on 127.0.0.1. */
@Timeout(60)
class OwaContractTest extends TransportContractTest {
  private static final String SEND = "/v1.0/users/" + FakeGraph.USER + "/sendMail";

  private final FakeGraph graph = new FakeGraph();

  @Override
  protected Mailbox.Builder mailboxAtTestServer(String id) {
    return OwaTestSupport.mailbox(graph, id);
  }

  @Override
  protected List<ReceivedMail> received() {
    return graph.received();
  }

  @Override
  protected List<AccessTokenProvider> accessTokenProviders() {
    return List.of(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())));
  }

  /** sendMail answered with 429, with a 400 about the message, or with a 504 from the gateway. */
  @Override
  protected Mailbox.Builder mailboxAtServerFailing(String id, Fault fault) {
    for (int i = 0; i < 5; i++) {
      graph.script("POST", SEND, answer(fault));
    }
    return mailboxAtTestServer(id);
  }

  private static MockResponse answer(Fault fault) {
    return switch (fault) {
      case TRANSIENT ->
        FakeGraph.odataError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.");
      case PERMANENT -> FakeGraph.odataError(400, "ErrorMimeContentInvalid", "The MIME content is invalid.");
      case OUTCOME_UNKNOWN -> new MockResponse().setResponseCode(504).setBody("Gateway Timeout");
    };
  }

  /** A client secret the token endpoint does not know: AADSTS7000215. */
  @Override
  protected Mailbox.Builder mailboxWithRefusedToken(String id) {
    return mailboxAtTestServer(id).oauthClient(OwaTestSupport.client("wrong~secret.value-123"));
  }

  /** No OAuth client. */
  @Override
  protected Mailbox.Builder mailboxRefusedByTheTransport(String id) {
    return Mailbox.builder(id).protocol("owa").host("127.0.0.1").port(graph.port()).encryption(Encryption.NONE);
  }

  @AfterEach
  void stopGraph() throws IOException {
    graph.close();
  }
}
