package org.outmail.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;

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

  /**
   * {@code n} mails sent at once with {@code sendAsync}, the first ones to the {@code refused}
   * addresses, the others to {@code user<i>@example.org}.
   */
  static List<CompletableFuture<SendResult>> burst(MailboxRegistry r, int n, String... refused) {
    List<CompletableFuture<SendResult>> sends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String to = i < refused.length ? refused[i] : "user" + i + "@example.org";
      sends.add(r.defaultOutgoing().sendAsync(Email.builder().to(to).subject("Mail " + i).text("body " + i).build()));
    }
    return sends;
  }

  /** How a send ended: null when it was sent, else its failure. */
  static Throwable failure(CompletableFuture<SendResult> f) {
    try {
      f.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  /** The Message-ID of a mail the server received. */
  static String messageId(ScriptedSmtpServer.Received m) {
    return m.text().lines().filter(l -> l.startsWith("Message-ID: ")).findFirst().orElseThrow().substring(12);
  }
}
