package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.outmail.MailboxRegistryTest.out;
import static org.outmail.MailboxRegistryTest.uniqueId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.spi.TransportReceipt;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/**
 * Which server took a mail, as the transport's receipt names it, reaches the {@link SendResult};
 * a transport's switch-over from one server to the next reaches the registry's listeners, and a
 * listener that throws changes nothing.
 */
@Timeout(30)
class ServerOfSendTest {
  private final String id = uniqueId("relay");
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);
  private final List<String> heard = new ArrayList<>();

  private MailboxRegistry registry(SendListener... listeners) {
    MailboxRegistry.Builder b = MailboxRegistry.builder().transportProvider(transports)
        .mailbox(out(id).emailDisplay("desk@example.com").retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1),
            Duration.ofMillis(5))).defaultOutgoing(true).build());
    for (SendListener l : listeners) {
      b.listener(l);
    }
    return b.build();
  }

  private static Email email() {
    return Email.builder().to("alice@example.org", "bob@example.org").subject("Printer").text("On it.").build();
  }

  @Test
  void theServerTheReceiptNamesIsTheResults() {
    recorder.then(m -> TransportReceipt.accepted(m.recipients(), "250 ok").withServer("smtp2.example.com:587"));

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.server()).contains("smtp2.example.com:587");
    assertThat(r.toString()).contains("server=smtp2.example.com:587");
  }

  @Test
  void aReceiptNamingNoServerLeavesTheResultsEmpty() {
    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.server()).isEmpty();
    assertThat(r.toString()).doesNotContain("server=");
  }

  @Test
  void whenDeferredRecipientsGoThroughAnotherServerTheFirstThatTookTheMailIsNamed() {
    recorder.then(m -> TransportReceipt.partial(List.of("alice@example.org"), Map.of(),
        Map.of("bob@example.org", "451 4.3.0 later"), "250 ok").withServer("smtp1.example.com:587"));
    recorder.then(m -> TransportReceipt.accepted(m.recipients(), "250 ok").withServer("smtp2.example.com:587"));

    SendResult r = registry().defaultOutgoing().send(email());

    assertThat(r.acceptedRecipients()).containsExactly("alice@example.org", "bob@example.org");
    assertThat(r.server()).contains("smtp1.example.com:587");
  }

  @Test
  void aSwitchOverReachesTheRegistrysListenersAndOneThatThrowsChangesNothing() {
    SendListener throwing = new SendListener() {
      @Override
      public void serverSwitched(Mailbox mailbox, String from, String to, String reason) {
        throw new IllegalStateException("listener broken");
      }
    };
    SendListener recording = new SendListener() {
      @Override
      public void serverSwitched(Mailbox mailbox, String from, String to, String reason) {
        heard.add(mailbox.id() + ": " + from + " -> " + to + " (" + reason + ")");
      }
    };
    recorder.then(m -> {
      recorder.context.serverSwitched("smtp1.example.com:587", "smtp2.example.com:587", "connection refused");
      return TransportReceipt.accepted(m.recipients(), "250 ok").withServer("smtp2.example.com:587");
    });

    SendResult r = registry(throwing, recording).defaultOutgoing().send(email());

    assertThat(r.server()).contains("smtp2.example.com:587");
    assertThat(heard).containsExactly(id + ": smtp1.example.com:587 -> smtp2.example.com:587 (connection refused)");
  }

  @Test
  void aReceiptCopyNamingItsServerKeepsEverythingElse() {
    TransportReceipt r = TransportReceipt.partial(List.of("a@example.org"), Map.of("b@example.org", "550 no"),
        Map.of("c@example.org", "451 later"), "250 ok").withServer("smtp1.example.com:25");

    assertThat(r.acceptedRecipients()).containsExactly("a@example.org");
    assertThat(r.rejectedRecipients()).containsEntry("b@example.org", "550 no");
    assertThat(r.deferredRecipients()).containsEntry("c@example.org", "451 later");
    assertThat(r.serverReply()).isEqualTo("250 ok");
    assertThat(r.server()).contains("smtp1.example.com:25");
    assertThat(r.toString()).endsWith(", server=smtp1.example.com:25}");
  }
}
