package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.outmail.testing.RecordingTransportProvider;

/** The limits of a {@link RetryPolicy} at their values, how it shows itself, and the duration a send is reported with. */
class RetryPolicyLimitsTest {
  @Test
  void oneAttemptIsAllowedAndNoneIsNot() {
    assertThat(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO).maxAttempts()).isEqualTo(1);
    assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be at least 1, was 0");
  }

  @Test
  void theLongestWaitMayEqualTheFirstButNotBeShorter() {
    RetryPolicy same = RetryPolicy.of(3, Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(same.maxBackoff()).isEqualTo(same.initialBackoff());
    assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(1), Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBackoff must not be shorter than initialBackoff");
  }

  @Test
  void showsItsLimits() {
    assertThat(RetryPolicy.of(4, Duration.ofMillis(100), Duration.ofSeconds(2)))
        .hasToString("RetryPolicy{maxAttempts=4, initialBackoff=PT0.1S, maxBackoff=PT2S}");
  }

  @Test
  void aSendIsReportedToListenersWithADurationOfItsOwn() {
    List<SendEvent> events = new ArrayList<>();
    SendListener listener = new SendListener() {
      @Override
      public void sendFinished(SendEvent event) {
        events.add(event);
      }
    };
    try (MailboxRegistry registry = MailboxRegistry.builder().transportProvider(new RecordingTransportProvider())
        .listener(listener)
        .mailbox(Mailbox.builder("desk").emailDisplay("desk@example.com").protocol(RecordingTransportProvider.PROTOCOL)
            .defaultOutgoing(true).build())
        .build()) {
      registry.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("s").text("t").build());
    }

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo(SendEvent.Outcome.SENT);
      assertThat(e.duration()).isBetween(Duration.ZERO, Duration.ofMinutes(1));
    });
  }
}
