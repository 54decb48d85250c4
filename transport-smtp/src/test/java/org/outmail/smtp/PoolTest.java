package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.spi.OutgoingMessage;

/** Pooled connections, counted on the server side. */
@Timeout(60)
class PoolTest extends ScriptedServerTest {

  private Mailbox.Builder mailbox() {
    return Fixtures.mailbox(server.port(), Encryption.NONE);
  }

  private static Email email(int n) {
    return Email.builder().to("alice@example.org").subject("Message " + n).text("body " + n).build();
  }

  private List<String> messageIds() {
    return server.received().stream()
        .map(m -> m.text().lines().filter(l -> l.startsWith("Message-ID: ")).findFirst().orElseThrow())
        .toList();
  }

  @Test
  void fiftyMessagesInARowUseOneConnectionWithoutANoopEach() {
    MailboxRegistry r = registry(mailbox());

    for (int i = 0; i < 50; i++) {
      r.defaultOutgoing().send(email(i));
    }

    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.received()).hasSize(50);
    assertThat(server.noops()).isZero();
    assertThat(server.commands().stream().filter(c -> c.startsWith("EHLO"))).hasSize(1);
  }

  @Test
  void twoConcurrentSendsUseTwoConnections() {
    server.holdEndOfDataUntil(2);
    MailboxRegistry r = registry(mailbox().options(SmtpOptions.builder().maxConnections(3).build()));

    CompletableFuture<SendResult> a = r.defaultOutgoing().sendAsync(email(1));
    CompletableFuture<SendResult> b = r.defaultOutgoing().sendAsync(email(2));
    a.join();
    b.join();

    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void sendsBeyondTheMaximumWaitForAConnection() throws Exception {
    MailboxRegistry r = registry(mailbox().options(SmtpOptions.builder().maxConnections(1).build()));
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<SendResult>> all = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        all.add(CompletableFuture.supplyAsync(() -> r.defaultOutgoing().send(email(n)), threads));
      }
      all.forEach(CompletableFuture::join);
    } finally {
      threads.shutdown();
    }

    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.received()).hasSize(20);
  }

  @Test
  void aKilledIdleConnectionIsReplacedWithoutLosingOrDuplicatingAMessage() throws Exception {
    MailboxRegistry r = registry(mailbox());
    r.defaultOutgoing().send(email(1));

    server.dropAllConnections();
    SendResult second = r.defaultOutgoing().send(email(2));

    assertThat(second.attempts()).isEqualTo(1);
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.received()).hasSize(2);
    assertThat(messageIds()).doesNotHaveDuplicates();
    assertThat(server.received().get(1).text()).contains("Message 2").doesNotContain("Message 1");
  }

  @Test
  void aConnectionIdleForAWhileIsCheckedWithNoopBeforeReuse() throws Exception {
    Mailbox mb = mailbox().build();
    try (SmtpTransport transport = new SmtpTransport(mb, Fixtures.noTokens(), Duration.ZERO)) {
      transport.send(Fixtures.message(mb, "one", "alice@example.org"));
      transport.send(Fixtures.message(mb, "two", "alice@example.org"));
      assertThat(server.noops()).isEqualTo(1);
      assertThat(server.connections()).isEqualTo(1);

      server.dropAllConnections();
      transport.send(Fixtures.message(mb, "three", "alice@example.org"));

      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.received()).hasSize(3);
      assertThat(server.commands().stream().filter(c -> c.equals("DATA"))).hasSize(3);
    }
  }

  @Test
  void aConnectionIsReplacedAfterItsMaximumOfMessages() throws Exception {
    MailboxRegistry r = registry(mailbox().options(SmtpOptions.builder().maxMessagesPerConnection(3).build()));

    for (int i = 0; i < 7; i++) {
      r.defaultOutgoing().send(email(i));
    }

    assertThat(server.connections()).isEqualTo(3);
    ScriptedSmtpServer.await(() -> server.quits() == 2, "two QUITs");
    registry.close();
    ScriptedSmtpServer.await(() -> server.quits() == 3, "three QUITs");
  }

  @Test
  void anIdleConnectionIsClosedWithQuitAfterTheIdleTimeout() throws Exception {
    MailboxRegistry r = registry(mailbox().options(SmtpOptions.builder().idleTimeout(Duration.ofMillis(100)).build()));

    r.defaultOutgoing().send(email(1));

    ScriptedSmtpServer.await(() -> server.quits() == 1, "QUIT after the idle timeout");
    r.defaultOutgoing().send(email(2));
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void closingTheRegistrySaysQuitOnEveryPooledConnection() throws Exception {
    server.holdEndOfDataUntil(2);
    MailboxRegistry r = registry(mailbox());
    CompletableFuture<SendResult> a = r.defaultOutgoing().sendAsync(email(1));
    CompletableFuture<SendResult> b = r.defaultOutgoing().sendAsync(email(2));
    a.join();
    b.join();
    assertThat(server.quits()).isZero();

    r.close();

    ScriptedSmtpServer.await(() -> server.quits() == 2, "two QUITs");
  }

  @Test
  void aSendAfterTheTransportClosedFailsAtTheClosedStageAndOpensNothing() throws Exception {
    Mailbox mb = mailbox().build();
    SmtpTransport transport = new SmtpTransport(mb, Fixtures.noTokens());
    transport.send(Fixtures.message(mb, "before", "alice@example.org"));
    transport.close();

    assertThatThrownBy(() -> transport.send(Fixtures.message(mb, "after", "alice@example.org")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.stage()).isEqualTo(TransportException.Stage.CLOSED);
          assertThat(e.isOutcomeUnknown()).isFalse();
          assertThat(e.getMessage()).contains(mb.id()).contains("closed");
        });
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void theMimeIsBuiltOncePerMessageAndReusedByARetry() {
    server.at("MAIL", ScriptedSmtpServer.Action.reply("451 4.3.0 later"));
    Mailbox mb = mailbox().build();
    OutgoingMessage message = Fixtures.message(mb, "once", "alice@example.org");
    try (SmtpTransport transport = new SmtpTransport(mb, Fixtures.noTokens())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.send(message));
      PreparedMail first = transport.retainedFor(message);
      assertThat(first).isNotNull();

      transport.send(message);

      assertThat(transport.retainedFor(message)).isNull();
      assertThat(server.received()).hasSize(1);
      assertThat(server.received().get(0).text()).contains("Message-ID: " + message.messageId());
    }
  }
}
