package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.MailException;
import org.outmail.MailboxRegistry;

/**
 * The identity platform echoes the client secret in its error text: neither outmail's exception,
 * nor Check, nor anything msal4j or outmail logs carries it.
 */
class SecretEchoTest {
  private FakeGraph graph;
  private PrintStream err;
  private PrintStream out;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void start() {
    graph = new FakeGraph();
    graph.tokenAnswer(FakeGraph.tokenError(401, "invalid_client",
        "AADSTS7000215: Invalid client secret provided: " + FakeGraph.SECRET + "."));
    err = System.err;
    out = System.out;
    PrintStream capture = new PrintStream(output, true, StandardCharsets.UTF_8);
    System.setErr(capture);
    System.setOut(capture);
  }

  @AfterEach
  void stop() throws Exception {
    System.setErr(err);
    System.setOut(out);
    graph.close();
  }

  private MailboxRegistry registry() {
    return MailboxRegistry.builder()
        .mailbox(OwaTestSupport.mailbox(graph, "desk").defaultOutgoing(true).build())
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .build();
  }

  @Test
  void anEchoedClientSecretReachesNoExceptionCheckOrLogLine() {
    try (MailboxRegistry registry = registry()) {
      assertThatThrownBy(() -> registry.defaultOutgoing().send(
          Email.builder().to("alice@example.org").subject("s").text("t").build()))
          .isInstanceOf(MailException.class)
          .hasMessageContaining("AADSTS7000215")
          .hasMessageNotContaining(FakeGraph.SECRET);
      CheckResult check = registry.defaultOutgoing().check();
      assertThat(check.ok()).isFalse();
      assertThat(check.message()).contains("AADSTS7000215").doesNotContain(FakeGraph.SECRET);
    }

    String logged = output.toString(StandardCharsets.UTF_8);
    assertThat(graph.tokenRequests()).isPositive();
    assertThat(logged).doesNotContain(FakeGraph.SECRET);
  }
}
