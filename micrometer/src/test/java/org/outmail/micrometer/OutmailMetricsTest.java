package org.outmail.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.MailEvent;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.RecipientsBlockedException;
import org.outmail.RetryPolicy;
import org.outmail.TransportException;
import org.outmail.test.MailCapture;

/** The meters {@link OutmailMetrics} records for a real registry sending through a capture. */
@Timeout(30)
class OutmailMetricsTest {
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final MailCapture capture = new MailCapture();
  private final MailboxRegistry registry = capture.install(MailboxRegistry.builder())
      .mailbox(Mailbox.builder("support").emailDisplay("support@example.com").defaultOutgoing(true)
          .excludeExpression(".*@noreply\\.example\\.com")
          .retryPolicy(RetryPolicy.of(3, Duration.ZERO, Duration.ofMillis(10))).build())
      .mailbox(Mailbox.builder("graph").protocol("owa").emailDisplay("graph@example.com").host("127.0.0.1").build())
      .listener(new OutmailMetrics(meters))
      .build();

  @AfterEach
  void close() {
    registry.close();
  }

  private static Email.Builder email() {
    return Email.builder().to("alice@example.org").subject("Printer jammed").text("We are on it.");
  }

  private double sends(String mailbox, String outcome) {
    return meters.find(OutmailMetrics.SENDS).tag("mailbox", mailbox).tag("outcome", outcome).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  @Test
  void sentMailIsCountedByMailboxProtocolAndOutcomeAndTimed() {
    registry.defaultOutgoing().send(email().build());
    registry.defaultOutgoing().send(email().build());
    registry.outgoing("graph").send(email().build());

    assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "support", "protocol", "smtp", "outcome", "sent",
        "exception", "none").counter().count()).isEqualTo(2);
    assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "graph", "protocol", "owa", "outcome", "sent")
        .counter().count()).isEqualTo(1);
    Timer timer = meters.get(OutmailMetrics.SEND_DURATION).tags("mailbox", "support", "outcome", "sent").timer();
    assertThat(timer.count()).isEqualTo(2);
    assertThat(meters.find(OutmailMetrics.SEND_RETRIES).meters()).isEmpty();
  }

  @Test
  void blockedRecipientsAreCountedByReasonAndAWhollyBlockedSendAsBlocked() {
    registry.defaultOutgoing().send(email().cc("bot@noreply.example.com").build());
    assertThatThrownBy(() -> registry.defaultOutgoing().send(Email.builder().to("a@noreply.example.com")
        .cc("b@noreply.example.com").subject("x").text("y").build())).isInstanceOf(RecipientsBlockedException.class);

    assertThat(meters.get(OutmailMetrics.RECIPIENTS_BLOCKED).tags("mailbox", "support", "reason", "excluded")
        .counter().count()).isEqualTo(3);
    assertThat(sends("support", "sent")).isEqualTo(1);
    assertThat(meters.get(OutmailMetrics.SENDS).tags("outcome", "blocked", "exception", "RecipientsBlockedException")
        .counter().count()).isEqualTo(1);
  }

  @Test
  void retriesAreCountedAndAnExhaustedSendIsAFailureNamedByItsException() {
    capture.failNext(TransportException.Kind.TRANSIENT);
    registry.defaultOutgoing().send(email().build());
    capture.failNext(3, TransportException.Kind.TRANSIENT);
    assertThatThrownBy(() -> registry.defaultOutgoing().send(email().build())).isInstanceOf(TransportException.class);

    assertThat(
        meters.get(OutmailMetrics.SEND_RETRIES).tags("mailbox", "support", "protocol", "smtp", "stage", "content")
            .counter().count())
        .isEqualTo(3);
    assertThat(sends("support", "sent")).isEqualTo(1);
    assertThat(meters.get(OutmailMetrics.SENDS).tags("outcome", "failed", "exception", "TransportException")
        .counter().count()).isEqualTo(1);
    assertThat(meters.get(OutmailMetrics.SEND_DURATION).tags("outcome", "failed").timer().count()).isEqualTo(1);
  }

  @Test
  void everyMeterIsNamedUnderOutmailWithTheMailboxTag() {
    registry.defaultOutgoing().send(email().cc("bot@noreply.example.com").build());

    assertThat(meters.getMeters()).extracting(m -> m.getId().getName())
        .containsExactlyInAnyOrder(OutmailMetrics.SENDS, OutmailMetrics.SEND_DURATION,
            OutmailMetrics.RECIPIENTS_BLOCKED);
    assertThat(meters.getMeters()).map(Meter::getId)
        .allSatisfy(id -> assertThat(id.getTag("mailbox")).isEqualTo("support"));
  }

  @Test
  void aSendIsTaggedWithTheServerThatTookItOrNoneWhenTheTransportNamesNone() {
    registry.defaultOutgoing().send(email().build());

    assertThat(meters.get(OutmailMetrics.SENDS).tags("mailbox", "support", "outcome", "sent", "server", "none")
        .counter().count()).isEqualTo(1);
  }

  @Test
  void serverSwitchOversAreCountedByMailboxAndServers() {
    OutmailMetrics metrics = new OutmailMetrics(meters);
    Mailbox relay = Mailbox.builder("relay").emailDisplay("relay@example.com")
        .host("smtp1.example.com:587, smtp2.example.com:587").build();
    MailEvent.ServerSwitched refused = new MailEvent.ServerSwitched(relay, "smtp1.example.com:587",
        "smtp2.example.com:587", "connection refused");
    metrics.serverSwitched(refused);
    metrics.serverSwitched(refused);

    assertThat(meters.get(OutmailMetrics.SERVER_SWITCHES).tags("mailbox", "relay", "protocol", "smtp",
        "from", "smtp1.example.com:587", "to", "smtp2.example.com:587").counter().count()).isEqualTo(2);
  }

  @Test
  void aSendWhoseOutcomeIsUnknownIsCountedAsUnknownNotFailed() {
    capture.failNext(TransportException.Kind.OUTCOME_UNKNOWN);

    assertThatThrownBy(() -> registry.defaultOutgoing().send(email().build())).isInstanceOf(TransportException.class);

    assertThat(sends("support", "unknown")).isEqualTo(1);
    assertThat(sends("support", "failed")).isZero();
    assertThat(meters.find(OutmailMetrics.SEND_RETRIES).meters()).isEmpty();
  }

  @Test
  void aClosedRegistryCountsSendsAsFailed() {
    registry.close();

    assertThatThrownBy(() -> registry.defaultOutgoing().send(email().build())).isInstanceOf(MailException.class);

    assertThat(sends("support", "failed")).isEqualTo(1);
  }
}
