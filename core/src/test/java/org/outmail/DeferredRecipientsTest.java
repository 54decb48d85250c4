package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.outmail.MailboxRegistryTest.out;
import static org.outmail.MailboxRegistryTest.uniqueId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportReceipt;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/**
 * Recipients a server refused for now (a {@code 4xx} at RCPT) while it took the message for others:
 * retried alone with the same message as the retry policy allows, then reported as deferred, never
 * thrown; refused-for-good ones apart; hooks once, after the final outcome.
 */
@Timeout(30)
class DeferredRecipientsTest {
  private static final String ALICE = "alice@example.org";
  private static final String BOB = "bob@example.org";
  private static final String CAROL = "carol@example.org";

  private final String id = uniqueId("desk");
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);
  private final List<SendResult> hookSaw = new ArrayList<>();

  private MailboxRegistry registry(RetryPolicy policy) {
    PostSendHook hook = new PostSendHook() {
      @Override
      public String name() {
        return "audit";
      }

      @Override
      public void afterSend(SentEmail sent) {
        hookSaw.add(sent.result());
      }
    };
    return MailboxRegistry.builder().transportProvider(transports).hook(hook)
        .mailbox(out(id).emailDisplay("desk@example.com").retryPolicy(policy).postSendHooks("audit")
            .defaultOutgoing(true).build())
        .build();
  }

  private MailboxRegistry registry() {
    return registry(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(20)));
  }

  private static Email email() {
    return Email.builder().to(ALICE, BOB).cc(CAROL).subject("Printer jammed").text("On it.").build();
  }

  /** The server takes the message for whoever is not in {@code deferred}, and defers those. */
  private static TransportReceipt deferring(OutgoingMessage m, String... deferred) {
    List<String> accepted = new ArrayList<>(m.recipients());
    Map<String, String> later = new java.util.LinkedHashMap<>();
    for (String d : deferred) {
      if (accepted.remove(d)) {
        later.put(d, "451 4.3.0 <" + d + ">: try again later");
      }
    }
    return TransportReceipt.partial(accepted, Map.of(), later, "250 2.0.0 queued");
  }

  @Test
  void deferredRecipientsAreRetriedAloneWithTheSameMessage() {
    recorder.then(m -> deferring(m, BOB));

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.acceptedRecipients()).containsExactly(ALICE, CAROL, BOB);
    assertThat(r.deferredRecipients()).isEmpty();
    assertThat(r.rejectedRecipients()).isEmpty();
    assertThat(r.attempts()).isEqualTo(2);
    OutgoingMessage first = recorder.attempts.get(0);
    OutgoingMessage retry = recorder.attempts.get(1);
    assertThat(retry.recipients()).containsExactly(BOB);
    assertThat(retry.messageId()).isEqualTo(first.messageId()).isEqualTo(r.messageId());
    assertThat(retry.date()).isEqualTo(first.date());
    assertThat(retry.to()).containsExactly(ALICE, BOB);
    assertThat(retry.cc()).containsExactly(CAROL);
    assertThat(retry.subject()).isEqualTo(first.subject());
    assertThat(retry.text()).isEqualTo(first.text());
  }

  @Test
  void recipientsStillDeferredWhenTheRetriesAreUsedUpAreReportedNotThrown() {
    recorder.then(m -> deferring(m, BOB, CAROL)).then(m -> deferring(m, BOB, CAROL)).then(m -> deferring(m, BOB));

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.acceptedRecipients()).containsExactly(ALICE, CAROL);
    assertThat(r.deferredRecipients()).containsExactly(entry(BOB, "451 4.3.0 <bob@example.org>: try again later"));
    assertThat(r.rejectedRecipients()).isEmpty();
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(recorder.attempts).extracting(OutgoingMessage::recipients)
        .containsExactly(List.of(ALICE, BOB, CAROL), List.of(BOB, CAROL), List.of(BOB, CAROL));
    assertThat(r.toString()).contains("deferred=[bob@example.org]");
  }

  @Test
  void aMailboxWithoutRetriesReportsTheDeferredRecipientsAtOnce() {
    recorder.then(m -> deferring(m, BOB));

    SendResult r = registry(RetryPolicy.NONE).defaultOutgoing().send(email());

    assertThat(r.deferredRecipients()).containsOnlyKeys(BOB);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(recorder.attempts).hasSize(1);
  }

  @Test
  void refusedForGoodIsNeverRetriedAndKeptApartFromDeferred() {
    recorder.then(m -> TransportReceipt.partial(List.of(ALICE), Map.of(CAROL, "550 5.1.1 User unknown"),
        Map.of(BOB, "452 4.2.2 Mailbox full"), "250 ok"));
    recorder.then(m -> deferring(m, BOB));
    recorder.then(m -> deferring(m, BOB));

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.rejectedRecipients()).containsExactly(entry(CAROL, "550 5.1.1 User unknown"));
    assertThat(r.deferredRecipients()).containsOnlyKeys(BOB);
    assertThat(recorder.attempts.subList(1, 3)).allSatisfy(m -> assertThat(m.recipients()).containsExactly(BOB));
  }

  @Test
  void aDeferredRecipientTheServerThenRefusesForGoodIsRejected() {
    recorder.then(m -> deferring(m, BOB));
    recorder.then(m -> {
      throw TransportException.builder(id, "the server refused every recipient")
          .stage(TransportException.Stage.RECIPIENTS)
          .replyCode(550).rejectedRecipients(Map.of(BOB, "550 5.1.1 User unknown")).build();
    });

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.acceptedRecipients()).containsExactly(ALICE, CAROL);
    assertThat(r.rejectedRecipients()).containsExactly(entry(BOB, "550 5.1.1 User unknown"));
    assertThat(r.deferredRecipients()).isEmpty();
    assertThat(r.attempts()).isEqualTo(2);
  }

  @Test
  void aTransientFailureOfTheRetryKeepsTheRecipientsDeferredWithTheLastReply() {
    recorder.then(m -> deferring(m, BOB));
    for (int i = 0; i < 2; i++) {
      recorder.then(m -> {
        throw TransportException.builder(id, "mailbox: the server answered MAIL FROM with 421 4.3.2 shutting down")
            .transientFailure(true).replyCode(421).serverReply("421 4.3.2 shutting down").build();
      });
    }

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.acceptedRecipients()).containsExactly(ALICE, CAROL);
    assertThat(r.deferredRecipients()).containsExactly(entry(BOB, "421 4.3.2 shutting down"));
    assertThat(r.attempts()).isEqualTo(3);
  }

  @Test
  void anUnknownOutcomeOfTheRetryIsNotRetriedAndNotThrown() {
    recorder.then(m -> deferring(m, BOB));
    recorder.then(m -> {
      throw TransportException
          .builder(id, "connection lost after the final dot: it may have been delivered, so it is not retried")
          .outcomeUnknown(true).build();
    });

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.acceptedRecipients()).containsExactly(ALICE, CAROL);
    assertThat(r.deferredRecipients()).isEmpty();
    assertThat(r.rejectedRecipients())
        .containsExactly(
            entry(BOB, "connection lost after the final dot: it may have been delivered, so it is not retried"));
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(recorder.attempts).hasSize(2);
  }

  @Test
  void postSendHooksRunOnceWithTheFinalOutcome() {
    recorder.then(m -> deferring(m, BOB)).then(m -> deferring(m, BOB));

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(hookSaw).singleElement().satisfies(seen -> {
      assertThat(seen.acceptedRecipients()).containsExactly(ALICE, CAROL, BOB);
      assertThat(seen.attempts()).isEqualTo(3);
    });
    assertThat(r.acceptedRecipients()).containsExactly(ALICE, CAROL, BOB);
  }

  @Test
  void aListenerHearsTheRetryOfTheDeferredRecipients() {
    recorder.then(m -> deferring(m, BOB));
    List<String> heard = new ArrayList<>();

    registry().defaultOutgoing().send(email(), new SendListener() {
      @Override
      public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
        heard.add("attempt " + attempt + "/" + maxAttempts);
      }

      @Override
      public void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {
        heard.add("retrying after " + attempt + ": " + failure.getMessage());
      }
    });

    assertThat(heard).containsExactly("attempt 1/3",
        "retrying after 1: mailbox '" + id + "': 1 recipient(s) deferred by the server, retried alone: "
            + "bob@example.org (451 4.3.0 <bob@example.org>: try again later)",
        "attempt 2/3");
  }

  @Test
  void aCopyForSomeRecipientsKeepsHeadersAndContentAndOnlyItsBcc() {
    Mailbox mb = out("m").emailDisplay("desk@example.com").build();
    OutgoingMessage m = OutgoingMessage.builder(mb).to(List.of(ALICE)).cc(List.of(BOB))
        .bcc(List.of(CAROL, "dave@example.org"))
        .subject("s").text("t").messageId("<1@example.com>").build();

    OutgoingMessage copy = m.withRecipients(List.of("dave@example.org", BOB, BOB));

    assertThat(copy.recipients()).containsExactly("dave@example.org", BOB);
    assertThat(copy.to()).containsExactly(ALICE);
    assertThat(copy.cc()).containsExactly(BOB);
    assertThat(copy.bcc()).containsExactly("dave@example.org");
    assertThat(copy.messageId()).isEqualTo("<1@example.com>");
    assertThat(copy.date()).isEqualTo(m.date());
    assertThatThrownBy(() -> m.withRecipients(List.of("eve@example.org")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("eve@example.org is not a recipient of message <1@example.com>");
    assertThatThrownBy(() -> m.withRecipients(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aReceiptRefusesARecipientThatIsBothDeferredAndAccepted() {
    assertThatThrownBy(() -> TransportReceipt.partial(List.of(ALICE), Map.of(), Map.of(ALICE, "451 later"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recipient alice@example.org is deferred and also accepted or rejected");
  }
}
