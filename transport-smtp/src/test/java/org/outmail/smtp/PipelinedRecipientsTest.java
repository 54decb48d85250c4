package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every case of {@link RecipientsTest} again, on a server that offers PIPELINING: each further
 * transaction goes out as its own batch (MAIL FROM, its RCPT TOs and DATA in one write).
 */
class PipelinedRecipientsTest extends RecipientsTest {
  @BeforeEach
  void offerPipelining() {
    server.offerPipelining();
  }

  @AfterEach
  void everyTransactionWasOneBatch() {
    List<List<String>> transactions = server.batches().stream().filter(b -> b.get(0).startsWith("MAIL")).toList();
    assertThat(transactions).isNotEmpty().allSatisfy(b -> assertThat(b.get(b.size() - 1)).isEqualTo("DATA"));
  }
}
