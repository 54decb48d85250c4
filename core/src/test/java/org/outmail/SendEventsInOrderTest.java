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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.spi.TransportReceipt;
import org.outmail.testing.RecordedEvents;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/**
 * The one event model of a send: the send's own listener and the registry's hear the same event
 * values, each once, in the order they happen, with the mailbox, Message-ID, attempt, stage,
 * server, outcome and deferred recipients.
 */
@Timeout(30)
class SendEventsInOrderTest {
  private static final String ALICE = "alice@example.org";
  private static final String BOB = "bob@example.org";

  private final String id = uniqueId("events");
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);
  private final RecordedEvents registryHeard = new RecordedEvents();
  private final MailboxRegistry registry = MailboxRegistry.builder().transportProvider(transports)
      .listener(registryHeard)
      .mailbox(out(id).retryPolicy(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(5))).build())
      .build();

  @AfterEach
  void close() {
    registry.close();
  }

  private static Email email() {
    return Email.builder().to(ALICE, BOB).subject("Printer jammed").text("On it.").build();
  }

  @Test
  void aSendThatSucceedsIsOneAttemptThenSent() {
    recorder.then(m -> TransportReceipt.accepted(m.recipients(), "250 ok").withServer("smtp1.example.com:587"));
    RecordedEvents own = new RecordedEvents();

    SendResult r = registry.outgoing(id).send(email(), own);

    assertThat(own.heard).hasSize(2).isEqualTo(registryHeard.heard);
    MailEvent.AttemptStarting attempt = (MailEvent.AttemptStarting) own.heard.get(0);
    assertThat(attempt.mailboxId()).isEqualTo(id);
    assertThat(attempt.messageId()).isEqualTo(r.messageId());
    assertThat(attempt.attempt()).isEqualTo(1);
    assertThat(attempt.maxAttempts()).isEqualTo(2);
    SendEvent finished = (SendEvent) own.heard.get(1);
    assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.SENT);
    assertThat(finished.messageId()).contains(r.messageId());
    assertThat(finished.server()).contains("smtp1.example.com:587");
    assertThat(finished.attempts()).isEqualTo(1);
    assertThat(finished.stage()).isEmpty();
    assertThat(finished.deferredRecipients()).isEmpty();
  }

  @Test
  void aTransientFailureIsRetryingWithItsStageBetweenTwoAttempts() {
    recorder.then(m -> {
      throw TransportException.builder(id, "421 4.3.2 busy").stage(TransportException.Stage.CONNECT)
          .transientFailure(true).replyCode(421).build();
    });
    RecordedEvents own = new RecordedEvents();

    SendResult r = registry.outgoing(id).send(email(), own);

    assertThat(own.heard).isEqualTo(registryHeard.heard);
    assertThat(own.kinds())
        .containsExactly("AttemptStarting", "Retrying", "AttemptStarting", "SendEvent");
    MailEvent.Retrying retry = (MailEvent.Retrying) own.heard.get(1);
    assertThat(retry.messageId()).isEqualTo(r.messageId());
    assertThat(retry.attempt()).isEqualTo(1);
    assertThat(retry.stage()).isEqualTo(TransportException.Stage.CONNECT);
    assertThat(retry.failure()).hasMessage("421 4.3.2 busy");
    assertThat(retry.delay()).isBetween(Duration.ZERO, Duration.ofMillis(5));
    assertThat(retry.deferredRecipients()).isEmpty();
    assertThat(((MailEvent.AttemptStarting) own.heard.get(2)).attempt()).isEqualTo(2);
    SendEvent finished = (SendEvent) own.heard.get(3);
    assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.SENT);
    assertThat(finished.attempts()).isEqualTo(2);
  }

  @Test
  void deferredRecipientsAreNamedInTheRetryAndInTheEndWhenStillDeferred() {
    String later = "451 4.3.0 <" + BOB + ">: try again later";
    recorder.then(m -> TransportReceipt.partial(List.of(ALICE), Map.of(), Map.of(BOB, later), "250 queued"));
    recorder.then(m -> TransportReceipt.partial(List.of(), Map.of(), Map.of(BOB, later), "250 queued"));
    RecordedEvents own = new RecordedEvents();

    SendResult r = registry.outgoing(id).send(email(), own);

    assertThat(own.heard).isEqualTo(registryHeard.heard);
    assertThat(own.kinds())
        .containsExactly("AttemptStarting", "Retrying", "AttemptStarting", "SendEvent");
    MailEvent.Retrying retry = (MailEvent.Retrying) own.heard.get(1);
    assertThat(retry.deferredRecipients()).containsExactly(entry(BOB, later));
    assertThat(retry.stage()).isEqualTo(TransportException.Stage.RECIPIENTS);
    SendEvent finished = (SendEvent) own.heard.get(3);
    assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.SENT);
    assertThat(finished.deferredRecipients()).containsExactly(entry(BOB, later));
    assertThat(finished.result().orElseThrow().acceptedRecipients()).containsExactly(ALICE);
    assertThat(recorder.attempts.get(1).recipients()).containsExactly(BOB);
    assertThat(r.deferredRecipients()).containsOnlyKeys(BOB);
  }

  @Test
  void aLostConnectionAfterTheDataEndsWithAnUnknownOutcomeAndNoRetry() {
    recorder.then(m -> {
      throw TransportException.builder(id, "connection lost after the message was sent")
          .stage(TransportException.Stage.CONTENT).transientFailure(true).outcomeUnknown(true).build();
    });
    RecordedEvents own = new RecordedEvents();

    assertThatThrownBy(() -> registry.outgoing(id).send(email(), own)).isInstanceOf(TransportException.class);

    assertThat(own.heard).isEqualTo(registryHeard.heard);
    assertThat(own.kinds()).containsExactly("AttemptStarting", "SendEvent");
    String messageId = ((MailEvent.AttemptStarting) own.heard.get(0)).messageId();
    SendEvent finished = (SendEvent) own.heard.get(1);
    assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.UNKNOWN);
    assertThat(finished.stage()).contains(TransportException.Stage.CONTENT);
    assertThat(finished.messageId()).contains(messageId);
    assertThat(finished.attempts()).isEqualTo(1);
    assertThat(finished.server()).isEmpty();
  }

  @Test
  void aPermanentFailureEndsFailedWithItsStage() {
    recorder.then(m -> {
      throw TransportException.builder(id, "550 5.7.1 relaying denied").stage(TransportException.Stage.SENDER)
          .replyCode(550).build();
    });
    RecordedEvents own = new RecordedEvents();

    assertThatThrownBy(() -> registry.outgoing(id).send(email(), own)).isInstanceOf(TransportException.class);

    assertThat(own.heard).isEqualTo(registryHeard.heard).hasSize(2);
    SendEvent finished = (SendEvent) own.heard.get(1);
    assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.FAILED);
    assertThat(finished.stage()).contains(TransportException.Stage.SENDER);
  }

  @Test
  void noAccessTokenDuringAnAttemptEndsFailedAtTheTokenStage() {
    recorder.then(m -> {
      throw new org.outmail.oauth.OAuthException("invalid_client: the client secret has expired", "invalid_client",
          false, null);
    });
    RecordedEvents own = new RecordedEvents();

    assertThatThrownBy(() -> registry.outgoing(id).send(email(), own))
        .isInstanceOf(org.outmail.oauth.OAuthException.class);

    SendEvent finished = (SendEvent) own.heard.get(own.heard.size() - 1);
    assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.FAILED);
    assertThat(finished.attempts()).isEqualTo(1);
    assertThat(finished.stage()).contains(TransportException.Stage.TOKEN);
  }

  @Test
  void anyOtherExceptionDuringAnAttemptIsNotMistakenForATokenFailure() {
    // a transport breaking its contract (a MailException that is not a TransportException)
    recorder.then(m -> {
      throw new MailException(id, "the transport failed in a way it does not describe");
    });
    RecordedEvents own = new RecordedEvents();

    assertThatThrownBy(() -> registry.outgoing(id).send(email(), own)).isInstanceOf(MailException.class);

    SendEvent finished = (SendEvent) own.heard.get(own.heard.size() - 1);
    assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.FAILED);
    assertThat(finished.stage()).contains(TransportException.Stage.OTHER);
  }

  @Test
  void aSendRefusedBeforeItsFirstAttemptNamesNoStage() {
    Email toNobody = Email.builder().to("nobody@noreply.example.com").subject("s").text("t").build();
    MailboxRegistry excluding = MailboxRegistry.builder().transportProvider(transports).listener(registryHeard)
        .mailbox(out(id).excludeExpression(".*@noreply\\.example\\.com").build()).build();
    try {
      RecordedEvents own = new RecordedEvents();

      assertThatThrownBy(() -> excluding.outgoing(id).send(toNobody, own))
          .isInstanceOf(RecipientsBlockedException.class);

      SendEvent finished = (SendEvent) own.heard.get(own.heard.size() - 1);
      assertThat(finished.outcome()).isEqualTo(SendEvent.Outcome.BLOCKED);
      assertThat(finished.attempts()).isZero();
      assertThat(finished.stage()).isEmpty();
    } finally {
      excluding.close();
    }
  }

  @Test
  void aListenerWrittenForTheOldMethodsStillHearsAttemptsAndRetries() {
    recorder.then(m -> {
      throw TransportException.builder(id, "421 busy").transientFailure(true).build();
    });
    List<String> heard = new ArrayList<>();
    @SuppressWarnings("deprecation") SendListener old = new SendListener() {
      @Override
      public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
        heard.add("attempt " + attempt + " of " + mailbox.id());
      }

      @Override
      public void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {
        heard.add("retrying " + attempt + ": " + failure.getMessage());
      }
    };

    registry.outgoing(id).send(email(), old);

    assertThat(heard).containsExactly("attempt 1 of " + id, "retrying 1: 421 busy", "attempt 2 of " + id);
  }
}
