package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendCommandTest {
  @TempDir
  Path dir;

  @RegisterExtension
  final SmtpServer server = new SmtpServer();

  private Path config;

  @BeforeEach
  void writeConfig() {
    config = TestConfig.write(dir, server.port());
  }

  @Test
  void sendWithRecordTagsTheSubjectAndTheServerReceivesIt() throws Exception {
    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "alice@example.org",
        "--subject", "Printer jammed", "--record", "4711", "--text", "We are on it.");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.out()).contains("Mailbox:    support\n")
        .containsPattern("Message-ID: <[^>]+>\n")
        .contains("Subject:    [TICKET#4711] Printer jammed\n")
        .contains("Accepted:   alice@example.org\n")
        .contains("Blocked:    none\n");
    MimeMessage received = server.received(1).get(0);
    assertThat(received.getSubject()).isEqualTo("[TICKET#4711] Printer jammed");
    assertThat(((InternetAddress) received.getFrom()[0]).getPersonal()).isEqualTo("Your Service Desk");
    assertThat(((InternetAddress) received.getFrom()[0]).getAddress()).isEqualTo("support@example.com");
    assertThat(cli.out()).contains("Message-ID: " + received.getMessageID());
    assertThat(String.valueOf(received.getContent())).contains("We are on it.");
  }

  @Test
  void sendReportsTheExcludedRecipientAsBlocked() {
    Cli cli = Cli.run("send", "--config", config.toString(),
        "--to", "alice@example.org,bot@noreply.example.com", "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("Accepted:   alice@example.org\n")
        .contains("Blocked:    bot@noreply.example.com (EXCLUDED)\n");
    assertThat(server.received(1)).hasSize(1);
  }

  @Test
  void sendThroughNamedMailboxUsesItsFrom() throws Exception {
    Cli cli = Cli.run("send", "--config", config.toString(), "--mailbox", "sales",
        "--to", "bob@example.org", "--subject", "Your order", "--text", "Shipped.");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("Mailbox:    sales\n").contains("Subject:    Your order\n");
    InternetAddress from = (InternetAddress) server.received(1).get(0).getFrom()[0];
    assertThat(from.toUnicodeString()).isEqualTo("Example Sales <sales@example.com>");
  }

  @Test
  void sendAttachesFilesAndReadsTheBodyFromTextFile() throws Exception {
    Path body = Files.writeString(dir.resolve("body.txt"), "Body from a file, ünïcode.", StandardCharsets.UTF_8);
    Path log = Files.writeString(dir.resolve("printer.log"), "paper jam at tray 2", StandardCharsets.UTF_8);

    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "alice@example.org",
        "--subject", "Log", "--text-file", body.toString(), "--attach", log.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    MimeMessage received = server.received(1).get(0);
    Multipart parts = (Multipart) received.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(String.valueOf(parts.getBodyPart(0).getContent())).contains("Body from a file, ünïcode.");
    Part attachment = parts.getBodyPart(1);
    assertThat(attachment.getFileName()).isEqualTo("printer.log");
    assertThat(new String(attachment.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("paper jam at tray 2");
  }

  @Test
  void sendToExcludedRecipientsOnlyFailsAndSendsNothing() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "bot@noreply.example.com",
        "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines()).containsExactly("outmail send: mailbox 'support': every recipient was blocked, "
        + "nothing was sent: {bot@noreply.example.com=EXCLUDED}");
    assertThat(server.received(0)).isEmpty();
  }

  @Test
  void sendThroughDisabledMailboxFails() {
    Path disabled = TestConfig.write(dir, server.port(), "outmail.mailbox.sales.status=DISABLED");

    Cli cli = Cli.run("send", "--config", disabled.toString(), "--mailbox", "sales",
        "--to", "bob@example.org", "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(cli.errLines()).containsExactly("outmail send: mailbox 'sales' is disabled: nothing was sent");
  }

  @Test
  void sendWhenNothingListensFailsWithOneLine() {
    Path unreachable = TestConfig.write(dir, TestConfig.closedPort());

    Cli cli = Cli.run("send", "--config", unreachable.toString(), "--to", "alice@example.org",
        "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(cli.errLines()).singleElement().asString().startsWith("outmail send: ").contains("support");
  }

  @Test
  void sendThroughUnknownMailboxIsAConfigurationError() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--mailbox", "nope",
        "--to", "bob@example.org", "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines()).singleElement().asString().startsWith("outmail send: no mailbox with id 'nope'");
  }

  @Test
  void sendThroughInMailboxIsAConfigurationError() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--mailbox", "inbox",
        "--to", "bob@example.org", "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines()).containsExactly(
        "outmail send: mailbox 'inbox' is an IN mailbox and cannot send");
  }

  @Test
  void sendWithoutRecipientIsAUsageError() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly(
        "outmail send: Missing required option: '--to=ADDR' (see outmail send --help)");
  }

  @Test
  void sendWithTextAndTextFileIsAUsageError() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "a@example.org", "--subject", "S",
        "--text", "T", "--text-file", "body.txt");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).singleElement().asString()
        .startsWith("outmail send: --text=T, --text-file=F are mutually exclusive");
  }

  @Test
  void sendWithInvalidAddressIsAUsageError() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "not an address", "--subject", "S",
        "--text", "T");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).singleElement().asString().startsWith("outmail send: to: ");
    assertThat(server.received(0)).isEmpty();
  }

  @Test
  void sendWithMissingAttachmentIsAUsageError() {
    Path missing = dir.resolve("missing.pdf");

    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "a@example.org", "--subject", "S",
        "--attach", missing.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly(
        "outmail send: --attach " + missing + ": not a readable file (see outmail send --help)");
  }

  @Test
  void sendWithoutBodyIsAUsageError() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "a@example.org", "--subject", "S");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly(
        "outmail send: an email needs a text or html body, or an attachment (see outmail send --help)");
  }
}
