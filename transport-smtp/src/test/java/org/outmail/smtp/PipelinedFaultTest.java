package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every case of {@link FaultTest} again, on a server that offers PIPELINING: the fast path must
 * classify, retry and report failures exactly as the command-by-command one.
 */
class PipelinedFaultTest extends FaultTest {
  @BeforeEach
  void offerPipelining() {
    server.offerPipelining();
  }

  /**
   * DATA went with the batch and the server refused it (no recipient accepted): no content and no
   * final dot reach the server; the next transaction on the connection, if any, starts with RSET.
   */
  @Override
  void assertNoContentSentAfterEveryRecipientRefused() {
    List<String> commands = server.commands().stream().filter(c -> !c.equals("QUIT")).toList();
    assertThat(count("DATA")).isPositive();
    for (int i = 0; i < commands.size(); i++) {
      if (commands.get(i).equals("DATA")) {
        assertThat(commands.subList(i + 1, Math.min(i + 2, commands.size()))).isSubsetOf("RSET");
      }
    }
    assertThat(count(".")).isZero();
    assertThat(server.received()).isEmpty();
  }
}
