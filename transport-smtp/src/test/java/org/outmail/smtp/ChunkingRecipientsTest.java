package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every case of {@link RecipientsTest} again, on a server that offers PIPELINING and CHUNKING: each
 * transaction goes out as one write (MAIL FROM, its RCPT TOs and {@code BDAT n LAST} with the content).
 */
class ChunkingRecipientsTest extends RecipientsTest {
  @BeforeEach
  void offerChunking() {
    server.offerPipelining().offerChunking();
  }

  @AfterEach
  void everyTransactionWasOneBatch() {
    List<List<String>> transactions = server.batches().stream().filter(b -> b.get(0).startsWith("MAIL")).toList();
    assertThat(transactions).isNotEmpty().allSatisfy(b -> assertThat(b.get(b.size() - 1)).matches("BDAT \\d+ LAST"));
  }
}
