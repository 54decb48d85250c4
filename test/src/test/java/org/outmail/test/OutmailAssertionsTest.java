package org.outmail.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.test.OutmailAssertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;

class OutmailAssertionsTest {
  private final MailCapture capture = new MailCapture();
  private MailboxRegistry registry;

  @BeforeEach
  void buildRegistry() {
    registry = capture.install(MailboxRegistry.builder()
        .mailbox(Mailbox.builder("support").protocol("smtp").host("smtp.invalid").emailDisplay("support@example.com")
            .prefix("TICKET#").defaultOutgoing(true).build()))
        .build();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private CapturedMail send(Email email) {
    registry.defaultOutgoing().send(email);
    return capture.mails().get(capture.count() - 1);
  }

  private CapturedMail ticketMail() {
    return send(Email.builder().to("a@x.example").cc("b@x.example").subject("Printer jammed").text("We are on it.")
        .html("<p>We are on it.</p>").header("X-Priority", "1").recordId("4711")
        .attach("log.txt", "text/plain", "jam".getBytes(StandardCharsets.UTF_8)).build());
  }

  @Test
  void aMailThatMatchesPassesEveryAssertion() {
    CapturedMail mail = ticketMail();

    assertThat(mail).wasSentTo("a@x.example").wasSentTo("B@X.example").wasSentOnlyTo("a@x.example", "b@x.example")
        .wasNotSentTo("c@x.example").wasSentBy("support").isFrom("support@example.com")
        .hasSubject("[TICKET#4711] Printer jammed").hasSubjectContaining("Printer").hasRecordId("4711")
        .hasMessageId(mail.messageId()).hasHeader("X-Priority", "1").hasHeader("x-priority")
        .doesNotHaveHeader("X-Other")
        .hasTextContaining("on it").hasHtmlContaining("<p>").hasAttachmentNamed("log.txt")
        .hasAttachment("log.txt", "jam".getBytes(StandardCharsets.UTF_8));
    assertThat(capture).hasSent(1).hasSentTo("a@x.example").hasSentNothingTo("c@x.example")
        .singleMail().hasRecordId("4711");
  }

  @Test
  void wrongRecipientSaysWhereTheMailWent() {
    CapturedMail mail = ticketMail();

    assertThatThrownBy(() -> assertThat(mail).wasSentTo("a@x.example", "c@x.example"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(String.format("%nExpecting mail%n  %s%nto be sent to%n  [a@x.example, c@x.example]%n"
            + "but it was not sent to%n  [c@x.example]%nits recipients: to=[a@x.example], cc=[b@x.example], bcc=[]",
            mail));
  }

  @Test
  void wrongSubjectShowsBothSubjects() {
    CapturedMail mail = ticketMail();

    assertThatThrownBy(() -> assertThat(mail).hasSubject("Printer jammed"))
        .hasMessage(String.format(
            "%nExpecting subject%n  \"Printer jammed\"%nbut was%n  \"[TICKET#4711] Printer jammed\"%nin mail %s",
            mail));
  }

  @Test
  void wrongRecordIdSaysWhichRecordTheMailBelongsTo() {
    CapturedMail mail = ticketMail();
    CapturedMail untagged = send(Email.builder().to("a@x.example").subject("No record").text("b").build());

    assertThatThrownBy(() -> assertThat(mail).hasRecordId("4712"))
        .hasMessageEndingWith("to belong to record '4712' but it belongs to record '4711'");
    assertThatThrownBy(() -> assertThat(untagged).hasRecordId("4711"))
        .hasMessageEndingWith("to belong to record '4711' but it names no record");
    assertThatThrownBy(() -> assertThat(mail).hasNoRecordId())
        .hasMessageEndingWith("to name no record but it belongs to record '4711'");
  }

  @Test
  void missingHeaderListsTheHeadersThere() {
    CapturedMail mail = ticketMail();

    assertThatThrownBy(() -> assertThat(mail).hasHeader("X-Ticket", "4711"))
        .hasMessageEndingWith("to have header 'X-Ticket' but its headers are%n  {X-Priority=1}".formatted());
    assertThatThrownBy(() -> assertThat(mail).hasHeader("X-Priority", "5"))
        .hasMessageEndingWith("to be%n  \"5\"%nbut was%n  \"1\"".formatted());
  }

  @Test
  void missingAttachmentListsTheAttachmentsThere() {
    CapturedMail mail = ticketMail();

    assertThatThrownBy(() -> assertThat(mail).hasAttachmentNamed("report.pdf"))
        .hasMessageEndingWith(
            "to have an attachment named 'report.pdf' but its attachments are%n  [log.txt (text/plain, 3 bytes)]"
                .formatted());
    assertThatThrownBy(() -> assertThat(mail).hasAttachment("log.txt", new byte[] {1}))
        .hasMessageEndingWith("to have the 1 bytes given but it has 3 other bytes");
    assertThatThrownBy(() -> assertThat(mail).hasNoAttachments()).hasMessageContaining("to have no attachment");
  }

  @Test
  void missingBodyTextIsShown() {
    CapturedMail mail = send(Email.builder().to("a@x.example").subject("s").text("plain only").build());

    assertThatThrownBy(() -> assertThat(mail).hasTextContaining("plain", "html"))
        .hasMessageContaining("but it does not contain%n  [html]%nbody:%n  plain only".formatted());
    assertThatThrownBy(() -> assertThat(mail).hasHtmlContaining("x"))
        .hasMessageEndingWith("but the mail has no html body");
  }

  @Test
  void wrongCountListsTheMailsSent() {
    CapturedMail first = ticketMail();
    CapturedMail second = send(Email.builder().to("d@x.example").subject("Second").text("b").build());

    assertThatThrownBy(() -> assertThat(capture).hasSent(1))
        .hasMessage(String.format("%nExpecting 1 mail(s) to be sent but 2 were:%n  0: %s%n  1: %s", first, second)
            .replace("%n", System.lineSeparator()));
    assertThatThrownBy(() -> assertThat(capture).singleMail())
        .hasMessageContaining("Expecting 1 mail(s) to be sent but 2 were");
    assertThatThrownBy(() -> assertThat(capture).hasSentTo("z@x.example"))
        .hasMessageStartingWith(String.format("%nExpecting a mail to be sent to%n  z@x.example%nbut none was:"));
    assertThatThrownBy(() -> assertThat(capture).hasSentNothingTo("d@x.example"))
        .hasMessageContaining("but 1 was:");
    assertThatThrownBy(() -> assertThat(capture).mail(2))
        .hasMessageContaining("Expecting a mail at index 2 but 2 were sent");
    assertThat(capture).mail(1).hasSubject("Second");
    assertThat(capture).lastMail().hasSubject("Second");
    assertThat(capture).mailTo("d@x.example").hasSubject("Second");
  }

  @Test
  void nothingSentSaysSo() {
    assertThat(capture).hasSentNothing();
    assertThatThrownBy(() -> assertThat(capture).lastMail())
        .hasMessage(String.format("%nExpecting a mail to be sent but none was"));
    assertThatThrownBy(() -> assertThat(capture).hasSent(1))
        .hasMessage(String.format("%nExpecting 1 mail(s) to be sent but 0 were"));
  }
}
