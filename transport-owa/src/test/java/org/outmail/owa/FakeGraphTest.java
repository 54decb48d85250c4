package org.outmail.owa;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.outmail.MailboxRegistry;

/** A test against a fresh {@link FakeGraph}; closes it and the registry the test built after each test. */
abstract class FakeGraphTest {
  protected final FakeGraph graph = new FakeGraph();
  protected MailboxRegistry registry;

  @AfterEach
  void closeGraphAndRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
    graph.close();
  }
}
