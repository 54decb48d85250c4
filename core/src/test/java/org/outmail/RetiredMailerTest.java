package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.spi.MailTransport;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/**
 * A mailer the host kept after its mailbox was replaced hands sends and checks to the mailer of the
 * mailbox now, and gives back what that one answered; the replaced transport closes once nothing
 * runs on it. And what the Check button says when the transport cannot even be opened.
 */
@Timeout(30)
class RetiredMailerTest {
  private final String id = "kept-" + UUID.randomUUID().toString().substring(0, 8);
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);
  private final MailboxRegistry registry = MailboxRegistry.builder().transportProvider(transports)
      .store(MailboxStore.inMemory(List.of(desk("Old Desk").build()))).build();

  @AfterEach
  void close() {
    registry.close();
  }

  private Mailbox.Builder desk(String name) {
    return Mailbox.builder(id).emailDisplay("desk@example.com").displayName(name)
        .protocol(RecordingTransportProvider.PROTOCOL).defaultOutgoing(true);
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Printer jammed").text("On it.").build();
  }

  @Test
  void aKeptMailerSendsWithTheMailboxAsItIsNowAndReturnsItsResult() {
    OutgoingMailer kept = registry.defaultOutgoing();
    kept.send(email());

    registry.save(desk("New Desk").build());
    SendResult r = kept.send(email());

    assertThat(r.mailboxId()).isEqualTo(id);
    assertThat(r.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(recorder.attempts).hasSize(2);
    assertThat(recorder.attempts.get(1).fromName()).contains("New Desk");
  }

  @Test
  void aKeptMailerChecksThroughTheMailboxAsItIsNow() {
    OutgoingMailer kept = registry.defaultOutgoing();
    registry.save(desk("New Desk").build());
    recorder.checkResult = CheckResult.passed("ready again", Duration.ofMillis(3));

    CheckResult r = kept.check();

    assertThat(r.ok()).isTrue();
    assertThat(r.message()).isEqualTo("ready again");
  }

  @Test
  void aPassedCheckSaysWhatTheTransportSaid() {
    CheckResult r = registry.defaultOutgoing().check();

    assertThat(r.ok()).isTrue();
    assertThat(r.message()).isEqualTo("recording transport ready");
  }

  @Test
  void theReplacedTransportIsClosedAfterACheckOnceTheMailboxIsReplaced() {
    registry.defaultOutgoing().check();
    assertThat(recorder.opened).isEqualTo(1);
    assertThat(recorder.closed).isFalse();

    registry.save(desk("New Desk").build());

    assertThat(recorder.closed).isTrue();
  }

  @Test
  void theReplacedTransportIsClosedAfterASendOnceTheMailboxIsReplaced() {
    registry.defaultOutgoing().send(email());
    assertThat(recorder.closed).isFalse();

    registry.save(desk("New Desk").build());

    assertThat(recorder.closed).isTrue();
  }

  /** A transport that cannot be opened: with a transport exception, or with a bug. */
  private static TransportProvider failingToOpen(RuntimeException failure) {
    return new TransportProvider() {
      @Override
      public String protocol() {
        return "unopenable";
      }

      @Override
      public MailTransport open(Mailbox mailbox, TransportContext context) {
        throw failure;
      }
    };
  }

  private static CheckResult check(RuntimeException failure) {
    try (MailboxRegistry r = MailboxRegistry.builder().transportProvider(failingToOpen(failure))
        .mailbox(Mailbox.builder("broken").emailDisplay("broken@example.com").protocol("unopenable")
            .defaultOutgoing(true).build())
        .build()) {
      return r.defaultOutgoing().check();
    }
  }

  @Test
  void aCheckWhoseTransportCannotBeOpenedFailsAtTheConfigStageWithItsMessage() {
    CheckResult r = check(TransportException.builder("broken", "mailbox 'broken': the trust store cannot be read")
        .stage(TransportException.Stage.CONFIG).build());

    assertThat(r.ok()).isFalse();
    assertThat(r.stage()).contains(TransportException.Stage.CONFIG);
    assertThat(r.message()).isEqualTo("mailbox 'broken': the trust store cannot be read");
    assertThat(r.elapsed()).isBetween(Duration.ZERO, Duration.ofMinutes(1));
  }

  @Test
  void aCheckThatMeetsABugFailsAtTheInternalStageNamingIt() {
    CheckResult r = check(new IllegalStateException("provider bug"));

    assertThat(r.ok()).isFalse();
    assertThat(r.stage()).contains(TransportException.Stage.OTHER);
    assertThat(r.message()).isEqualTo("mailbox 'broken': check failed: java.lang.IllegalStateException: provider bug");
    assertThat(r.elapsed()).isBetween(Duration.ZERO, Duration.ofMinutes(1));
  }
}
