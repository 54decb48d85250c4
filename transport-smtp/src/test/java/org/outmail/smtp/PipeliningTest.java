package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.smtp.ScriptedSmtpServer.Action.reply;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.TransportException;

/**
 * PIPELINING (RFC 2920) against the scripted server offering it: MAIL, RCPT and DATA in one batch,
 * the content only after every reply was checked (the failure cases are {@link PipelinedFaultTest});
 * large mails and file attachments still streamed through Angus, one command at a time.
 */
@Timeout(60)
class PipeliningTest extends ScriptedServerTest {

  @BeforeEach
  void pipelining() {
    server.offerPipelining();
  }

  private MailboxRegistry plain() {
    return registry(Fixtures.mailbox(server.port(), Encryption.NONE));
  }

  private static Email email(String... to) {
    return Email.builder().to(to.length == 0 ? new String[] {"alice@example.org"} : to).subject("Hello").text("body")
        .build();
  }

  private long count(String prefix) {
    return server.commands().stream().filter(c -> c.startsWith(prefix)).count();
  }

  /** The batch that holds the first MAIL FROM. */
  private List<String> mailBatch() {
    return server.batches().stream().filter(b -> b.get(0).startsWith("MAIL")).findFirst().orElseThrow();
  }

  @Test
  void mailRcptAndDataArriveInOneBatchWhenTheServerOffersPipelining() {
    plain().defaultOutgoing()
        .send(Email.builder().to("alice@example.org").cc("carol@example.org").bcc("hidden@example.org")
            .subject("Hello").text("body").build());

    assertThat(mailBatch()).containsExactly("MAIL FROM:<desk@example.com>", "RCPT TO:<alice@example.org>",
        "RCPT TO:<carol@example.org>", "RCPT TO:<hidden@example.org>", "DATA");
    assertThat(server.received()).singleElement().satisfies(m -> {
      assertThat(m.recipients()).containsExactly("alice@example.org", "carol@example.org", "hidden@example.org");
      assertThat(m.text()).contains("Subject: Hello\r\n").doesNotContainIgnoringCase("bcc:").doesNotContain("hidden@");
    });
  }

  @Test
  void commandsGoOneByOneWhenTheServerDoesNotOfferPipelining() throws Exception {
    server.close();
    server = new ScriptedSmtpServer();
    plain().defaultOutgoing().send(email("alice@example.org", "bob@example.org"));

    assertThat(server.batches()).allSatisfy(b -> assertThat(b).hasSize(1));
    assertThat(server.commands()).contains("MAIL FROM:<desk@example.com>", "RCPT TO:<alice@example.org>",
        "RCPT TO:<bob@example.org>", "DATA");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void fiftyMessagesOnOneConnectionEachInTwoRoundTrips() {
    MailboxRegistry r = plain();
    for (int i = 0; i < 50; i++) {
      r.defaultOutgoing()
          .send(Email.builder().to("alice@example.org").subject("Message " + i).text("body " + i).build());
    }

    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.received()).hasSize(50);
    assertThat(server.batches().stream().filter(b -> b.get(0).startsWith("MAIL")))
        .hasSize(50).allSatisfy(b -> assertThat(b).hasSize(3));
    assertThat(server.received().get(49).text()).contains("Subject: Message 49\r\n");
  }

  @Test
  void someRecipientsRejectedTheOthersGetTheMessage() {
    server.rcptReply(a -> a.startsWith("nobody") ? "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown"
        : "250 2.1.5 Ok");

    SendResult result = plain().defaultOutgoing()
        .send(email("alice@example.org", "nobody@example.org", "bob@example.org"));

    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org", "bob@example.org");
    assertThat(result.rejectedRecipients()).isEqualTo(Map.of("nobody@example.org",
        "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"));
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(mailBatch()).hasSize(5);
    assertThat(server.received()).singleElement()
        .satisfies(m -> assertThat(m.recipients()).containsExactly("alice@example.org", "bob@example.org"));
  }

  @Test
  void aServerThatAcceptsDataWithoutRecipientsGetsALoneDotAndNoContent() {
    server.rcptReply(a -> "550 5.1.1 User unknown");
    server.at("DATA", reply("354 go ahead"));
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class,
            e -> assertThat(e.rejectedRecipients()).containsOnlyKeys("alice@example.org"));
    server.rcptReply(a -> "250 2.1.5 Ok");
    r.defaultOutgoing().send(email());

    List<String> commands = server.commands().stream().filter(c -> !c.equals("QUIT")).toList();
    int data = commands.indexOf("DATA");
    // the lone dot; then the next mail's transaction starts with RSET, as the refused one was left open
    assertThat(commands.subList(data + 1, data + 3)).containsExactly(".", "RSET");
    assertThat(commands.get(data + 3)).startsWith("MAIL FROM:");
    assertThat(server.received()).hasSize(1);
    assertThat(server.received().get(0).text()).contains("Subject: ");
  }

  @Test
  void aKilledIdleConnectionIsReplacedWithoutLosingOrDuplicatingAMessage() throws Exception {
    MailboxRegistry r = plain();
    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Message 1").text("one").build());

    server.dropAllConnections();
    SendResult second = r.defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("Message 2").text("two").build());

    assertThat(second.attempts()).isEqualTo(1);
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.received()).hasSize(2);
    assertThat(server.received().get(1).text()).contains("Message 2").doesNotContain("Message 1");
  }

  @Test
  void aMailOverTheThresholdStillStreamsThroughAngus() {
    String big = ("0123456789".repeat(7) + "\n").repeat((int) (WireMessage.MAX_BYTES / 71) + 10);

    plain().defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Big").text(big).build());

    assertThat(server.batches().stream().filter(b -> b.get(0).startsWith("MAIL"))).singleElement()
        .satisfies(b -> assertThat(b).hasSize(1));
    String wire = server.received().get(0).text();
    assertThat(wire).contains("Content-Transfer-Encoding: 7bit\r\n");
    assertThat(wire.substring(wire.indexOf("\r\n\r\n") + 4)).isEqualTo(big.replace("\n", "\r\n"));
  }

  @Test
  void aFileAttachmentStillStreamsThroughAngus(@TempDir Path dir) throws Exception {
    byte[] content = new byte[300_000];
    new Random(7).nextBytes(content);
    Path file = Files.write(dir.resolve("blob.bin"), content);

    plain().defaultOutgoing().send(Email.builder().to("alice@example.org").subject("File").text("see attachment")
        .attach("blob.bin", "application/octet-stream", file).build());

    assertThat(server.batches().stream().filter(b -> b.get(0).startsWith("MAIL"))).singleElement()
        .satisfies(b -> assertThat(b).hasSize(1));
    var mail = GreenMailServer.read(WireFormatTest.unstuffed(server.received().get(0).data()), List.of());
    assertThat(mail.text()).isEqualTo("see attachment");
    assertThat(mail.attachments().get("blob.bin")).isEqualTo(content);
  }

  @Test
  void aPipelinedMessageOverStartTlsIsDeliveredAfterAuth() throws Exception {
    server.tls(Fixtures.tls("localhost.p12")).offerStartTls();
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.STARTTLS)
        .trustStore(Fixtures.tls("ca.pem")).username("svc").password(org.outmail.Secret.of("pw-Secret-1")));

    r.defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("Over TLS").text("body\n".repeat(5000)).build());

    assertThat(server.auths()).hasSize(1);
    assertThat(server.commands()).containsSubsequence("STARTTLS", "AUTH PLAIN", "MAIL FROM:<desk@example.com>", "DATA");
    assertThat(server.received()).singleElement()
        .satisfies(m -> assertThat(m.text()).contains("Subject: Over TLS\r\n"));
    assertThat(new String(server.received().get(0).data(), StandardCharsets.US_ASCII)).endsWith("\r\nbody\r\n")
        .contains("Content-Transfer-Encoding: 7bit");
  }
}
