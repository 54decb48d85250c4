package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.outmail.MailboxRegistryTest.out;
import static org.outmail.MailboxRegistryTest.uniqueId;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.internal.PreparedEmail;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/** The core API a durable queue builds on: prepare without sending, a fixed Message-ID, streamed attachments. */
@Timeout(30)
class PrepareTest {
  private final String id = uniqueId("queue");
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);

  private OutgoingMailer mailer(Mailbox.Builder mailbox) {
    return MailboxRegistry.builder().transportProvider(transports).mailbox(mailbox.defaultOutgoing(true).build())
        .build()
        .defaultOutgoing();
  }

  private Mailbox.Builder desk() {
    return out(id).emailDisplay("desk@example.com").prefix("TICKET#").excludeExpression(".*@noreply\\.example\\.com");
  }

  @Test
  void prepareReturnsWhatSendWouldSendAndSendsNothing() {
    Email email = Email.builder().to("alice@example.org", "bot@noreply.example.com").bcc("carol@example.org")
        .subject("Printer jammed").text("b").recordId("4711").build();
    PreparedEmail p = mailer(desk()).prepare(email);

    assertThat(recorder.attempts).isEmpty();
    assertThat(p.mailboxId()).isEqualTo(id);
    assertThat(p.subject()).isEqualTo("[TICKET#4711] Printer jammed");
    assertThat(p.to()).containsExactly("alice@example.org");
    assertThat(p.bcc()).containsExactly("carol@example.org");
    assertThat(p.recipients()).containsExactly("alice@example.org", "carol@example.org");
    assertThat(p.blockedRecipients()).containsExactly(entry("bot@noreply.example.com", BlockReason.EXCLUDED));
    assertThat(p.messageId()).isEqualTo("<" + email.uniqueId() + "@example.com>");
  }

  @Test
  void prepareThrowsWhatSendWouldForADisabledMailbox() {
    OutgoingMailer mailer = mailer(desk().enabled(false));
    Email email = Email.builder().to("alice@example.org").subject("s").text("b").build();
    assertThatThrownBy(() -> mailer.prepare(email)).isInstanceOf(MailboxDisabledException.class)
        .hasMessage("mailbox '" + id + "' is disabled: nothing was sent");
  }

  @Test
  void prepareThrowsWhatSendWouldWhenEveryRecipientIsBlocked() {
    OutgoingMailer mailer = mailer(desk());
    Email email = Email.builder().to("bot@noreply.example.com").subject("s").text("b").build();
    assertThatThrownBy(() -> mailer.prepare(email)).isInstanceOf(RecipientsBlockedException.class);
    assertThatThrownBy(() -> mailer.send(email)).isInstanceOf(RecipientsBlockedException.class);
    assertThat(recorder.attempts).isEmpty();
  }

  @Test
  void aFixedMessageIdIsSentAsItIs() {
    OutgoingMailer mailer = mailer(desk());
    Email email = Email.builder().to("alice@example.org").subject("s").text("b").messageId("<q-42.outbox@desk.example>")
        .build();

    assertThat(mailer.prepare(email).messageId()).isEqualTo("<q-42.outbox@desk.example>");
    SendResult r = mailer.send(email);
    assertThat(r.messageId()).isEqualTo("<q-42.outbox@desk.example>");
    assertThat(recorder.attempts.get(0).messageId()).isEqualTo("<q-42.outbox@desk.example>");
  }

  @Test
  void aMessageIdMustBeLocalAtDomainInAngleBrackets() {
    for (String bad : new String[] {"q-42@desk.example", "<q-42>", "<q 42@desk.example>", "<q@42@desk.example>",
        "<q-42@desk.example>\r\nBcc: x@y", "<>", "<@desk.example>"}) {
      assertThatThrownBy(() -> Email.builder().messageId(bad)).as(bad).isInstanceOf(InvalidEmailException.class)
          .hasMessageEndingWith("must be of the form <local@domain> (printable ASCII, no spaces)");
    }
  }

  @Test
  void aStreamedAttachmentIsOpenedEachTimeItIsRead() {
    AtomicInteger opened = new AtomicInteger();
    byte[] content = "stored copy".getBytes(StandardCharsets.UTF_8);
    Attachment a = Attachment.of("log.txt", "text/plain", content.length, () -> {
      opened.incrementAndGet();
      return new ByteArrayInputStream(content);
    });

    assertThat(a.size()).hasValue(content.length);
    assertThat(a.path()).isEmpty();
    assertThat(a.readAllBytes()).isEqualTo(content);
    assertThat(a.readAllBytes()).isEqualTo(content);
    assertThat(opened).hasValue(2);
    assertThatThrownBy(() -> Attachment.of("log.txt", "text/plain", -1, () -> null))
        .isInstanceOf(InvalidEmailException.class).hasMessage("attachment size must not be negative, was -1");
  }
}
