package org.outmail.owa;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.contract.ReceivedMail;
import org.outmail.contract.TransportContractTest;

/** The transport contract, against Graph and the token endpoint played on 127.0.0.1. */
@Timeout(60)
class OwaContractTest extends TransportContractTest {
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
  protected MailboxRegistry.Builder registryBuilder() {
    return MailboxRegistry.builder().accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())));
  }

  @AfterEach
  void stopGraph() throws IOException {
    graph.close();
  }
}
