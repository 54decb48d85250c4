package org.outmail.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.BlockReason;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.RecipientsBlockedException;
import org.outmail.SendResult;

/**
 * The behaviour every transport must show through the public API, whatever its protocol. A
 * transport module extends this with a test server on 127.0.0.1 and says how to read what the
 * server received.
 */
@Timeout(60)
public abstract class TransportContractTest {
  private MailboxRegistry registry;

  /**
   * A mailbox builder, id as given, pointing at this test's server, with whatever host, port,
   * encryption, protocol, credentials and OAuth client a send needs to succeed. The contract sets
   * email display, display name, prefix and exclude expression itself.
   */
  protected abstract Mailbox.Builder mailboxAtTestServer(String id);

  /** Every mail the test server received since the test started, in order. */
  protected abstract List<ReceivedMail> received();

  /** A registry builder; override to add providers or token sources the transport's tests need. */
  protected MailboxRegistry.Builder registryBuilder() {
    return MailboxRegistry.builder();
  }

  protected final MailboxRegistry registry() {
    if (registry == null) {
      Mailbox mailbox = mailboxAtTestServer("contract")
          .emailDisplay("desk@example.com")
          .displayName("Your Service Desk")
          .prefix("TICKET#")
          .excludeExpression(".*@noreply\\.example\\.com")
          .defaultOutgoing(true)
          .build();
      registry = registryBuilder().mailbox(mailbox).build();
    }
    return registry;
  }

  @AfterEach
  void closeRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void sendsWithTaggedSubjectFromTheMailboxDisplayName() {
    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org")
        .subject("Printer on floor 2 is jammed")
        .text("plain body")
        .recordId("4711")
        .build());

    assertThat(result.subject()).isEqualTo("[TICKET#4711] Printer on floor 2 is jammed");
    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org");
    List<ReceivedMail> mails = received();
    assertThat(mails).hasSize(1);
    ReceivedMail mail = mails.get(0);
    assertThat(mail.subject()).isEqualTo("[TICKET#4711] Printer on floor 2 is jammed");
    assertThat(mail.fromAddress()).isEqualTo("desk@example.com");
    assertThat(mail.fromName()).isEqualTo("Your Service Desk");
    assertThat(mail.to()).containsExactly("alice@example.org");
    assertThat(mail.text()).contains("plain body");
  }

  @Test
  void bccIsDeliveredButNeverAppearsInTheHeaders() {
    registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").cc("carol@example.org").bcc("bob@example.org")
        .subject("Hidden copy").text("body").build());

    ReceivedMail mail = received().get(0);
    assertThat(mail.recipients()).containsExactlyInAnyOrder("alice@example.org", "carol@example.org", "bob@example.org");
    assertThat(mail.cc()).containsExactly("carol@example.org");
    assertThat(mail.header("bcc")).isEmpty();
    assertThat(String.join("\n", mail.headers().values())).doesNotContain("bob@example.org");
  }

  @Test
  void excludedRecipientNeverReachesTheServer() {
    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org", "robot@noreply.example.com")
        .subject("Update").text("body").build());

    assertThat(result.blockedRecipients()).isEqualTo(Map.of("robot@noreply.example.com", BlockReason.EXCLUDED));
    assertThat(received()).singleElement().satisfies(m -> assertThat(m.recipients()).containsExactly("alice@example.org"));
  }

  @Test
  void everyRecipientBlockedSendsNothing() {
    assertThatThrownBy(() -> registry().defaultOutgoing().send(Email.builder()
        .to("robot@noreply.example.com").subject("Update").text("body").build()))
        .isInstanceOf(RecipientsBlockedException.class);
    assertThat(received()).isEmpty();
  }

  @Test
  void customHeaderReplyToHtmlAndAttachmentArrive() {
    byte[] content = "line 1\nline 2\n".getBytes(StandardCharsets.UTF_8);
    registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").replyTo("helpdesk@example.com")
        .subject("With parts").text("plain body").html("<p>html body</p>")
        .header("X-Outmail-Test", "42")
        .attach("log.txt", "text/plain", content)
        .build());

    ReceivedMail mail = received().get(0);
    assertThat(mail.header("X-Outmail-Test")).contains("42");
    assertThat(mail.replyTo()).containsExactly("helpdesk@example.com");
    assertThat(mail.html()).contains("<p>html body</p>");
    assertThat(mail.attachments()).containsKey("log.txt");
    assertThat(mail.attachments().get("log.txt")).isEqualTo(content);
  }

  @Test
  void utf8SubjectAndDisplayNameSurviveTheTrip() {
    registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("Drucker im 2. Stock: Papierstau – čeština 日本").text("Grüße").build());

    ReceivedMail mail = received().get(0);
    assertThat(mail.subject()).isEqualTo("Drucker im 2. Stock: Papierstau – čeština 日本");
    assertThat(mail.text()).contains("Grüße");
  }

  @Test
  void messageIdOfTheResultIsTheOneSent() {
    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("Id").text("body").build());

    assertThat(result.messageId()).matches("<[^@<>]+@example\\.com>");
    assertThat(received().get(0).header("message-id")).contains(result.messageId());
  }

  @Test
  void checkPassesAgainstAWorkingServer() {
    CheckResult check = registry().defaultOutgoing().check();
    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.message()).isNotBlank();
    assertThat(received()).isEmpty();
  }
}
