package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.MailboxRegistryTest.email;
import static org.outmail.MailboxRegistryTest.out;
import static org.outmail.MailboxRegistryTest.uniqueId;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/** What a registry's {@link SendListener} hears of every send: attempts, retries and the outcome. */
@Timeout(30)
class RegistryListenerTest {
  private final String id = uniqueId("metrics");
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);
  private final Heard heard = new Heard();
  private final MailboxRegistry registry = MailboxRegistry.builder().transportProvider(transports)
      .mailbox(out(id).excludeExpression(".*@noreply\\.example\\.com")
          .retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(20))).build())
      .mailbox(out(id + "-off").enabled(false).build())
      .listener(heard)
      .build();

  /** Writes down what it hears, one line per call, and keeps the events. */
  private static final class Heard implements SendListener {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<SendEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
      calls.add(mailbox.id() + " attempt " + attempt + "/" + maxAttempts);
    }

    @Override
    public void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {
      calls.add(mailbox.id() + " retry after " + attempt + "/" + maxAttempts + ": " + failure.getMessage());
    }

    @Override
    public void sendFinished(SendEvent event) {
      calls.add(event.mailboxId() + " " + event.outcome());
      events.add(event);
    }
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static TransportException busy() {
    return TransportException.builder("x", "421 4.3.2 busy, try later").transientFailure(true).replyCode(421).build();
  }

  private static Email toAliceAndNoreply() {
    return Email.builder().to("alice@example.org").cc("bot@noreply.example.com").subject("Hello").text("body").build();
  }

  @Test
  void sentMailIsHeardWithItsMailboxProtocolAttemptsAndBlockedRecipients() {
    recorder.then(m -> {
      throw busy();
    });

    SendResult r = registry.outgoing(id).send(toAliceAndNoreply());

    assertThat(heard.calls).containsExactly(
        id + " attempt 1/3",
        id + " retry after 1/3: 421 4.3.2 busy, try later",
        id + " attempt 2/3",
        id + " SENT");
    SendEvent e = heard.events.get(0);
    assertThat(e.mailboxId()).isEqualTo(id);
    assertThat(e.protocol()).isEqualTo(RecordingTransportProvider.PROTOCOL);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.retries()).isEqualTo(1);
    assertThat(e.blockedRecipients()).isEqualTo(Map.of("bot@noreply.example.com", BlockReason.EXCLUDED));
    assertThat(e.result()).containsSame(r);
    assertThat(e.failure()).isEmpty();
    assertThat(e.duration()).isPositive();
  }

  @Test
  void everyRecipientBlockedIsHeardAsBlockedWithNoAttempt() {
    Email onlyNoreply = Email.builder().to("bot@noreply.example.com").subject("Hello").text("body").build();

    assertThatThrownBy(() -> registry.outgoing(id).send(onlyNoreply)).isInstanceOf(RecipientsBlockedException.class);

    SendEvent e = heard.events.get(0);
    assertThat(e.outcome()).isEqualTo(SendEvent.Outcome.BLOCKED);
    assertThat(e.attempts()).isZero();
    assertThat(e.blockedRecipients()).containsOnlyKeys("bot@noreply.example.com");
    assertThat(e.failure()).containsInstanceOf(RecipientsBlockedException.class);
    assertThat(recorder.attempts).isEmpty();
  }

  @Test
  void exhaustedRetriesAreHeardAsFailedWithEveryAttemptCounted() {
    for (int i = 0; i < 3; i++) {
      recorder.then(m -> {
        throw busy();
      });
    }

    assertThatThrownBy(() -> registry.outgoing(id).send(email())).isInstanceOf(TransportException.class);

    SendEvent e = heard.events.get(0);
    assertThat(e.outcome()).isEqualTo(SendEvent.Outcome.FAILED);
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.retries()).isEqualTo(2);
    assertThat(e.failure()).containsInstanceOf(TransportException.class);
  }

  @Test
  void disabledMailboxIsHeardAsFailedBeforeAnyAttempt() {
    assertThatThrownBy(() -> registry.outgoing(id + "-off").send(email())).isInstanceOf(MailboxDisabledException.class);

    assertThat(heard.calls).containsExactly(id + "-off FAILED");
    assertThat(heard.events.get(0).attempts()).isZero();
  }

  @Test
  void asyncSendIsHeardToo() {
    registry.outgoing(id).sendAsync(email()).join();

    assertThat(heard.calls).containsExactly(id + " attempt 1/3", id + " SENT");
  }

  @Test
  void sendsOwnListenerStillHearsEveryAttempt() {
    List<String> own = new CopyOnWriteArrayList<>();
    recorder.then(m -> {
      throw busy();
    });

    registry.outgoing(id).send(email(), new SendListener() {
      @Override
      public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
        own.add("attempt " + attempt);
      }

      @Override
      public void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {
        own.add("retry after " + attempt);
      }
    });

    assertThat(own).containsExactly("attempt 1", "retry after 1", "attempt 2");
    assertThat(heard.calls).hasSize(4);
  }

  @Test
  void listenerThatThrowsNeverChangesTheResultOrTheException() {
    SendListener broken = new SendListener() {
      @Override
      public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void sendFinished(SendEvent event) {
        throw new IllegalStateException("listener bug");
      }
    };
    String otherId = uniqueId("broken");
    RecordingTransportProvider others = new RecordingTransportProvider();
    try (MailboxRegistry r = MailboxRegistry.builder().transportProvider(others)
        .mailbox(out(otherId).retryPolicy(RetryPolicy.NONE).build()).listener(broken).listener(heard).build()) {
      SendResult sent = r.outgoing(otherId).send(email());
      assertThat(sent.acceptedRecipients()).containsExactly("alice@example.org");

      others.recorder(otherId).then(m -> {
        throw busy();
      });
      assertThatThrownBy(() -> r.outgoing(otherId).send(email()))
          .isInstanceOf(TransportException.class).hasMessage("421 4.3.2 busy, try later");
    }
    assertThat(heard.calls).containsExactly(
        otherId + " attempt 1/1", otherId + " SENT", otherId + " attempt 1/1", otherId + " FAILED");
  }
}
