package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.outmail.smtp.ScriptedSmtpServer.Action.delay;
import static org.outmail.smtp.ScriptedSmtpServer.Action.normal;
import static org.outmail.smtp.ScriptedSmtpServer.Action.reply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.RetryPolicy;
import org.outmail.SendResult;
import org.outmail.TransportException;

/**
 * The pool's promise for a mailbox with one connection and more concurrent senders than that: up to
 * twice the window of senders share the pipelining connection, their mails really are in flight on
 * it together, never more than {@code smtp.max-in-flight} of them, the senders beyond wait for it,
 * one mail's failure is its own, and the connection goes back to the pool when the last sender is
 * done with it. Against {@link ScriptedSmtpServer}, which counts the transactions a client has
 * written without having their replies.
 */
@Timeout(60)
class SharedConnectionTest extends ScriptedServerTest {

  private MailboxRegistry registry(int senders, boolean chunking, int window) {
    server.offerPipelining().offerChunking();
    return registry(MailboxRegistry.builder().asyncThreads(senders), Fixtures.mailbox(server.port(), Encryption.NONE)
        .retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(10)))
        .options(SmtpOptions.builder().maxConnections(1).chunking(chunking).maxInFlight(window).build()));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 5})
  void concurrentSendersOnOneConnectionHaveTheWindowsMailsInFlightTogetherAndNeverMore(int window) {
    server.holdMailUntilInFlight(window); // replies wait until what may be written, is
    int senders = 3 * window; // twice the window share the connection, the rest wait for it
    MailboxRegistry r = registry(senders, true, window);

    List<SendResult> results = burst(r, senders).stream().map(CompletableFuture::join).toList();

    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.mostTransactionsInFlight()).isEqualTo(window);
    assertThat(server.received()).hasSize(senders);
    assertThat(server.received().stream().map(ScriptedServerTest::messageId).collect(Collectors.toSet()))
        .isEqualTo(results.stream().map(SendResult::messageId).collect(Collectors.toSet()));
  }

  @Test
  void withoutChunkingTheNextMailsEnvelopeIsInFlightWithTheContentBeforeIt() {
    server.at("MAIL", delay(Duration.ofMillis(500)));
    MailboxRegistry r = registry(12, false, 4);

    List<SendResult> results = burst(r, 12).stream().map(CompletableFuture::join).toList();

    assertThat(server.connections()).isEqualTo(1);
    // DATA waits for its 354: one mail's content, and the next mail's envelope behind it
    assertThat(server.mostTransactionsInFlight()).isEqualTo(2);
    assertThat(server.received()).hasSize(12);
    assertThat(results).allSatisfy(s -> assertThat(s.acceptedRecipients()).hasSize(1));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aMailRefusedOnASharedConnectionFailsAloneAndNoOtherIsLostOrSentTwice(boolean chunking) {
    server.at("MAIL", delay(Duration.ofMillis(300)));
    // the second content is refused for now (the send is tried again), the fourth for good
    server.at(".", normal(), reply("451 4.3.0 Error: queue file write error"), normal(),
        reply("554 5.7.1 Error: content refused"));
    MailboxRegistry r = registry(12, chunking, 4);

    List<CompletableFuture<SendResult>> sends = burst(r, 12);

    List<Throwable> failures = sends.stream().map(ScriptedServerTest::failure).filter(t -> t != null).toList();
    assertThat(failures).singleElement().isInstanceOfSatisfying(TransportException.class, e -> {
      assertThat(e.isTransient()).isFalse();
      assertThat(e.isOutcomeUnknown()).isFalse();
      assertThat(e.getMessage()).contains("554 5.7.1");
    });
    List<String> delivered = sends.stream().filter(f -> failure(f) == null).map(f -> f.join().messageId()).toList();
    assertThat(delivered).hasSize(11).doesNotHaveDuplicates();
    List<String> received = server.received().stream().map(ScriptedServerTest::messageId).toList();
    assertThat(received).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(delivered);
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void theSharedConnectionGoesBackToThePoolForTheNextBurstAndIsClosedWithQuit() throws Exception {
    server.at("MAIL", delay(Duration.ofMillis(300)));
    MailboxRegistry r = registry(12, true, 4);

    burst(r, 12).forEach(CompletableFuture::join);
    burst(r, 12).forEach(CompletableFuture::join);
    SendResult alone = r.defaultOutgoing()
        .send(Email.builder().to("last@example.org").subject("Last").text("last").build());

    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.received()).hasSize(25);
    assertThat(server.received()).anySatisfy(m -> assertThat(messageId(m)).isEqualTo(alone.messageId()));
    assertThat(server.quits()).isZero();
    r.close();
    ScriptedSmtpServer.await(() -> server.quits() == 1, "QUIT on the pooled connection");
    assertThat(server.quits()).isEqualTo(1);
  }
}
