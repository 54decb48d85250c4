package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Attachment;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.spi.OutgoingMessage;
import org.outmail.test.contract.ReceivedMail;

/** What reaches the wire, byte for byte: encoded headers, no injected line breaks, Bcc in the envelope only. */
@Timeout(60)
class WireTest extends ScriptedServerTest {
  /** Characters whose low byte is CR or LF (CVE-2025-7962). */
  private static final String LOOK_ALIKES = "\u010D\u010A\u760D\u760A";

  private static MimeMessage parse(byte[] raw) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }

  /** Every CR is followed by LF and every LF preceded by CR. */
  private static void assertOnlyCrLfLineBreaks(byte[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\r') {
        assertThat(i + 1 < raw.length && raw[i + 1] == '\n').as("bare CR at byte " + i).isTrue();
      }
      if (raw[i] == '\n') {
        assertThat(i > 0 && raw[i - 1] == '\r').as("bare LF at byte " + i).isTrue();
      }
    }
  }

  @Test
  void lookAlikeCharactersOfCve2025_7962NeverBecomeLineBreaks() throws Exception {
    String subject = "Invoice " + LOOK_ALIKES + "Bcc: victim@example.org";
    String displayName = "Desk " + LOOK_ALIKES + "X-Injected: yes";
    String headerValue = "note " + LOOK_ALIKES + "X-Evil: 1";
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).displayName(displayName));

    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject(subject).text("text " + LOOK_ALIKES)
        .header("X-Note", headerValue)
        .attach("file" + LOOK_ALIKES + ".txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8))
        .build());

    byte[] raw = server.received().get(0).data();
    assertOnlyCrLfLineBreaks(raw);
    String wire = new String(raw, StandardCharsets.ISO_8859_1);
    assertThat(wire.lines())
        .noneMatch(l -> l.startsWith("Bcc:") || l.startsWith("X-Injected") || l.startsWith("X-Evil"));
    for (int i = 0; i < wire.length(); i++) {
      assertThat(wire.charAt(i)).as("raw byte at " + i).isLessThan('\u0080');
    }
    MimeMessage parsed = parse(raw);
    assertThat(parsed.getSubject()).isEqualTo(subject);
    assertThat(((InternetAddress) parsed.getFrom()[0]).getPersonal()).isEqualTo(displayName);
    assertThat(MimeUtility.decodeText(MimeUtility.unfold(parsed.getHeader("X-Note", null)))).isEqualTo(headerValue);
    ReceivedMail mail = GreenMailServer.read(parsed, List.of());
    assertThat(mail.text()).isEqualTo("text " + LOOK_ALIKES);
    assertThat(mail.attachments()).containsOnlyKeys("file" + LOOK_ALIKES + ".txt");
  }

  @Test
  void bccIsInTheEnvelopeAndNowhereInTheMessage() {
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE));

    r.defaultOutgoing()
        .send(Email.builder().to("alice@example.org").bcc("hidden@example.org").subject("x").text("y").build());

    ScriptedSmtpServer.Received received = server.received().get(0);
    assertThat(received.recipients()).containsExactly("alice@example.org", "hidden@example.org");
    assertThat(received.text()).doesNotContain("hidden@example.org").doesNotContainIgnoringCase("bcc:");
  }

  @Test
  void fromCarriesTheDisplayNameEncodedOnlyWhenNotAsciiAndMailFromIsTheEmailDisplay() throws Exception {
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).displayName("Your Service Desk"));
    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("x").text("y").build());
    registry.close();
    registry(Fixtures.mailbox(server.port(), Encryption.NONE).displayName("Kundendienst Müller"))
        .defaultOutgoing().send(Email.builder().to("alice@example.org").subject("x").text("y").build());

    List<ScriptedSmtpServer.Received> received = server.received();
    assertThat(received.get(0).text()).contains("From: Your Service Desk <desk@example.com>\r\n");
    assertThat(received.get(1).text()).containsPattern("From: =\\?UTF-8\\?[QB]\\?[^?]+\\?= <desk@example.com>\r\n");
    assertThat(received).allSatisfy(m -> assertThat(m.mailFrom()).isEqualTo("<desk@example.com>"));
  }

  @Test
  void internationalisedDomainsGoOutInTheirAsciiForm() {
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).emailDisplay("desk@bücher.example"));

    r.defaultOutgoing().send(Email.builder().to("anna@müller.example").subject("x").text("y").build());

    ScriptedSmtpServer.Received received = server.received().get(0);
    assertThat(received.mailFrom()).isEqualTo("<desk@xn--bcher-kva.example>");
    assertThat(received.recipients()).containsExactly("anna@xn--mller-kva.example");
    assertThat(received.text()).contains("To: anna@xn--mller-kva.example\r\n");
  }

  @Test
  void theMessageIdAndDateAreTheOnesCoreChose() throws Exception {
    Mailbox mb = Fixtures.mailbox(server.port(), Encryption.NONE).build();
    OutgoingMessage message = OutgoingMessage.builder(mb).to(List.of("alice@example.org")).subject("x").text("y")
        .messageId("<fixed-id-1@example.com>")
        .date(java.time.ZonedDateTime.parse("2025-03-04T05:06:07+02:00"))
        .build();
    try (SmtpTransport transport = new SmtpTransport(mb, Fixtures.noTokens())) {
      transport.send(message);
    }

    String wire = server.received().get(0).text();
    assertThat(wire).contains("Message-ID: <fixed-id-1@example.com>\r\n")
        .contains("Date: Tue, 4 Mar 2025 05:06:07 +0200");
  }

  @Test
  void anAttachmentIsReadFromItsFileWhenSentNotWhenBuilt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("log.txt");
    Files.writeString(file, "first version");
    Mailbox mb = Fixtures.mailbox(server.port(), Encryption.NONE).build();
    OutgoingMessage message = OutgoingMessage.builder(mb).to(List.of("alice@example.org")).subject("x").text("y")
        .attachments(List.of(Attachment.of("log.txt", "text/plain", file)))
        .messageId("<att-1@example.com>").build();
    try (SmtpTransport transport = new SmtpTransport(mb, Fixtures.noTokens())) {
      new MimeBuilder(Session.getInstance(new Properties())).build(message);
      Files.writeString(file, "second version");
      transport.send(message);
    }

    ReceivedMail mail = GreenMailServer.read(parse(server.received().get(0).data()), List.of());
    assertThat(mail.attachments().get("log.txt")).isEqualTo("second version".getBytes(StandardCharsets.UTF_8));
    assertThat(server.received().get(0).text()).contains("Content-Transfer-Encoding: base64");
  }
}
