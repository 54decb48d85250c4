package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every case of {@link FaultTest} again with {@code smtp.pipelining=false} on a server that offers
 * PIPELINING and CHUNKING: the escape hatch sends command by command, as to a server that offers
 * neither.
 */
class NoPipeliningFaultTest extends FaultTest {
  @BeforeEach
  void offerBoth() {
    server.offerPipelining().offerChunking();
  }

  @Override
  protected Map<String, String> mode() {
    return Map.of("smtp.pipelining", "false");
  }

  @AfterEach
  void everyCommandWaitedForItsReply() {
    assertThat(server.batches()).allSatisfy(b -> assertThat(b).hasSize(1));
    assertThat(count("BDAT")).isZero();
  }
}
