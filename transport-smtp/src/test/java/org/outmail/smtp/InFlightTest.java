package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.outmail.smtp.ScriptedSmtpServer.Action.delay;
import static org.outmail.smtp.ScriptedSmtpServer.Action.dropConnection;
import static org.outmail.smtp.ScriptedSmtpServer.Action.normal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * Several mails in flight on one connection, sent concurrently through a pool of one connection to
 * a server that offers PIPELINING and CHUNKING, with CHUNKING used ({@code true}) or turned off
 * ({@code false}, DATA pipelined across mails): each mail's outcome is its own, nothing is sent
 * twice, and a lost connection leaves the mails whose content went out unknown and sends the others
 * again.
 */
@Timeout(60)
class InFlightTest extends ScriptedServerTest {

  private MailboxRegistry registry(boolean chunking, int maxInFlight) {
    server.offerPipelining().offerChunking();
    return registry(MailboxRegistry.builder().asyncThreads(8), Fixtures.mailbox(server.port(), Encryption.NONE)
        .retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(10)))
        .options(SmtpOptions.builder().maxConnections(1).chunking(chunking).maxInFlight(maxInFlight).build()));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aBurstSharesOneConnectionPipelinedAndEveryMailArrivesOnce(boolean chunking) {
    server.at("MAIL", delay(Duration.ofMillis(300))); // the others queue up behind the first
    MailboxRegistry r = registry(chunking, 8);

    List<SendResult> results = burst(r, 24).stream().map(CompletableFuture::join).toList();

    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.received()).hasSize(24);
    assertThat(server.received().stream().map(ScriptedServerTest::messageId).collect(Collectors.toSet()))
        .isEqualTo(results.stream().map(SendResult::messageId).collect(Collectors.toSet()));
    for (SendResult result : results) {
      assertThat(result.acceptedRecipients()).hasSize(1);
      assertThat(server.received()).filteredOn(m -> messageId(m).equals(result.messageId()))
          .singleElement().satisfies(m -> assertThat(m.recipients()).isEqualTo(result.acceptedRecipients()));
    }
    if (chunking) {
      assertThat(server.commands()).noneMatch(c -> c.equals("DATA"));
      // several transactions, each with its chunk, in one write
      assertThat(server.batches())
          .anySatisfy(b -> assertThat(b.stream().filter(c -> c.startsWith("MAIL"))).hasSizeGreaterThan(1));
    } else {
      assertThat(server.commands()).noneMatch(c -> c.startsWith("BDAT"));
      // the next mail's MAIL FROM, RCPT TO and DATA went with the previous mail's content
      assertThat(server.commandsAfterContent()).isPositive();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aMailRefusedAmongOthersInFlightFailsAloneAndTheOthersArrive(boolean chunking) {
    server
        .rcptReply(a -> a.startsWith("nobody") ? "550 5.1.1 <" + a + ">: Recipient address rejected" : "250 2.1.5 Ok");
    server.at("MAIL", delay(Duration.ofMillis(300)));
    MailboxRegistry r = registry(chunking, 8);

    List<CompletableFuture<SendResult>> sends = burst(r, 12, "user0@example.org", "nobody@example.org");

    assertThat(failure(sends.get(1))).isInstanceOfSatisfying(TransportException.class, e -> {
      assertThat(e.isOutcomeUnknown()).isFalse();
      assertThat(e.rejectedRecipients()).containsOnlyKeys("nobody@example.org");
    });
    List<CompletableFuture<SendResult>> others = new ArrayList<>(sends);
    others.remove(1);
    assertThat(others).allSatisfy(f -> assertThat(f.join().acceptedRecipients()).hasSize(1));
    assertThat(server.received()).hasSize(11);
    assertThat(server.received()).noneMatch(m -> m.recipients().contains("nobody@example.org"));
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.commands()).noneMatch(c -> c.contains("nested"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aConnectionLostWithMailsInFlightLeavesTheirOutcomeUnknownAndSendsTheOthersOnce(boolean chunking) {
    server.at("MAIL", delay(Duration.ofMillis(300)));
    server.at(".", normal(), dropConnection());
    MailboxRegistry r = registry(chunking, 3);

    List<CompletableFuture<SendResult>> sends = burst(r, 8);

    List<Throwable> failures = sends.stream().map(ScriptedServerTest::failure).filter(t -> t != null).toList();
    // with DATA only the second mail's content was out; chunked, the second's and those written
    // with it (at most the window): how many were queued with it depends on the threads
    assertThat(failures.size()).isBetween(1, chunking ? 3 : 1);
    assertThat(failures).allSatisfy(t -> assertThat(t).isInstanceOfSatisfying(TransportException.class, e -> {
      assertThat(e.isOutcomeUnknown()).isTrue();
      assertThat(e.getMessage()).contains("it may have been delivered, so it is not retried");
    }));
    int inFlight = failures.size();
    Set<String> delivered = sends.stream().filter(f -> failure(f) == null).map(f -> f.join().messageId())
        .collect(Collectors.toSet());
    assertThat(delivered).hasSize(8 - inFlight);
    assertThat(server.received()).hasSize(8 - inFlight);
    assertThat(server.received().stream().map(ScriptedServerTest::messageId).collect(Collectors.toSet()))
        .isEqualTo(delivered);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void aMailHandedOverWhileEarlierRepliesAreAwaitedGoesOutAtOnce() throws Exception {
    server.at(".", delay(Duration.ofSeconds(1)));
    MailboxRegistry r = registry(true, 8);
    CompletableFuture<SendResult> first = burst(r, 1).get(0);
    ScriptedSmtpServer.await(() -> server.commands().stream().anyMatch(c -> c.startsWith("BDAT")),
        "the first mail's chunk");

    CompletableFuture<SendResult> second = r.defaultOutgoing().sendAsync(
        Email.builder().to("later@example.org").subject("Later").text("later").build());

    assertThat(first.join().acceptedRecipients()).hasSize(1);
    assertThat(second.join().acceptedRecipients()).containsExactly("later@example.org");
    // the second mail was written while the reply to the first one's content was held: the window
    // is refilled by the sender itself, not when the replies of earlier mails come
    assertThat(server.commandsBeforeEndReply()).isEqualTo(1);
    assertThat(server.connections()).isEqualTo(1);
  }
}
