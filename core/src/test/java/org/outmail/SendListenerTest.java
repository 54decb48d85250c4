package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.MailboxRegistryTest.email;
import static org.outmail.MailboxRegistryTest.out;
import static org.outmail.MailboxRegistryTest.uniqueId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/** What {@link OutgoingMailer#send(Email, SendListener)} tells a listener: attempts, waits and the outcome. */
@Timeout(30)
class SendListenerTest {
  private final String id = uniqueId("progress");
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);
  private final MailboxRegistry registry = MailboxRegistry.builder().transportProvider(transports)
      .mailbox(out(id).retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(20))).build())
      .build();

  /** Writes down what it hears, one line per call. */
  private static final class Heard implements SendListener {
    final List<String> calls = new ArrayList<>();

    @Override
    public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
      calls.add("attempt " + attempt + "/" + maxAttempts + " " + messageId);
    }

    @Override
    public void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {
      assertThat(wait).isBetween(Duration.ZERO, Duration.ofMillis(20));
      calls.add("retry after " + attempt + "/" + maxAttempts + ": " + failure.getMessage());
    }

    @Override
    public void sendFinished(SendEvent event) {
      calls.add(event.outcome() + " after " + event.attempts() + " of " + event.mailboxId());
    }
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static TransportException greetingRefused() {
    return TransportException.builder("x", "421 4.3.2 busy, try later").transientFailure(true).replyCode(421).build();
  }

  @Test
  void listenerHearsEachAttemptAndEachWaitBeforeARetry() {
    recorder.then(m -> {
      throw greetingRefused();
    });
    Heard heard = new Heard();

    SendResult r = registry.outgoing(id).send(email(), heard);

    assertThat(heard.calls).containsExactly(
        "attempt 1/3 " + r.messageId(),
        "retry after 1/3: 421 4.3.2 busy, try later",
        "attempt 2/3 " + r.messageId(),
        "SENT after 2 of " + id);
    assertThat(r.attempts()).isEqualTo(2);
  }

  @Test
  void lastFailureIsThrownNotAnnouncedAsARetry() {
    for (int i = 0; i < 3; i++) {
      recorder.then(m -> {
        throw greetingRefused();
      });
    }
    Heard heard = new Heard();

    assertThatThrownBy(() -> registry.outgoing(id).send(email(), heard)).isInstanceOf(TransportException.class);

    assertThat(heard.calls).hasSize(6).filteredOn(c -> c.startsWith("retry")).hasSize(2);
    assertThat(heard.calls.get(4)).startsWith("attempt 3/3 <");
    assertThat(heard.calls.get(5)).isEqualTo("FAILED after 3 of " + id);
  }

  @Test
  void listenerThatThrowsDoesNotChangeTheSend() {
    SendListener broken = new SendListener() {
      @Override
      public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
        throw new IllegalStateException("listener bug");
      }
    };

    SendResult r = registry.outgoing(id).send(email(), broken);

    assertThat(r.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(recorder.attempts).hasSize(1);
  }
}
