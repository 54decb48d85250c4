package org.outmail.smtp;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;

/**
 * A test against a fresh {@link ScriptedSmtpServer}: starts it before each test, and closes it and
 * the registry the test built after.
 */
abstract class ScriptedServerTest {
  protected ScriptedSmtpServer server;
  protected MailboxRegistry registry;

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedSmtpServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    if (registry != null) {
      registry.close();
    }
    server.close();
  }

  /**
   * Transport settings every mailbox of the test gets, over what the test set: a subclass runs
   * the same cases in another mode (such as {@code smtp.chunking=false}).
   */
  protected Map<String, String> mode() {
    return Map.of();
  }

  /** A registry with the mailbox as its default, closed after the test. */
  protected MailboxRegistry registry(Mailbox.Builder mailbox) {
    return registry(MailboxRegistry.builder(), mailbox);
  }

  protected MailboxRegistry registry(MailboxRegistry.Builder builder, Mailbox.Builder mailbox) {
    mode().forEach(mailbox::setting);
    registry = builder.mailbox(mailbox.defaultOutgoing(true).build()).build();
    return registry;
  }
}
