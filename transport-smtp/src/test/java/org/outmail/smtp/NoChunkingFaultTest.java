package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every case of {@link PipelinedFaultTest} again with {@code smtp.chunking=false} on a server that
 * offers PIPELINING and CHUNKING: the content goes after DATA, as to a server without CHUNKING.
 */
class NoChunkingFaultTest extends PipelinedFaultTest {
  @BeforeEach
  void offerChunkingToo() {
    server.offerChunking();
  }

  @Override
  protected Map<String, String> mode() {
    return Map.of("smtp.chunking", "false");
  }

  @AfterEach
  void noChunkWasSent() {
    assertThat(count("BDAT")).isZero();
  }
}
