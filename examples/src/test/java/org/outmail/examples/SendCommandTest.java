package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendCommandTest {
  @TempDir Path dir;

  @RegisterExtension final SmtpServer server = new SmtpServer();

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
  void excludedRecipientIsBlockedListedOnStderrAndTheExitCodeIsOne() {
    Cli cli = Cli.run("send", "--config", config.toString(),
        "--to", "alice@example.org,bot@noreply.example.com", "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(cli.out()).contains("Accepted:   alice@example.org\n")
        .contains("Blocked:    bot@noreply.example.com (EXCLUDED)\n");
    assertThat(cli.errLines()).containsExactly(
        "outmail send: not sent to 1 of 2 recipients: bot@noreply.example.com (blocked: EXCLUDED)");
    assertThat(server.received(1)).hasSize(1);
  }

  @Test
  void recipientRefusedByTheServerIsListedOnStderrAndTheExitCodeIsOne() throws Exception {
    try (ScriptedSmtp smtp = new ScriptedSmtp().refuse("nobody@example.org", "550 5.1.1 no such user")) {
      Path scripted = TestConfig.write(dir, smtp.port());

      Cli cli = Cli.run("send", "--config", scripted.toString(), "--to", "alice@example.org,nobody@example.org",
          "--subject", "Hello", "--text", "Hi");

      assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
      assertThat(cli.out()).contains("Accepted:   alice@example.org\n")
          .contains("Rejected:   nobody@example.org (550 5.1.1 no such user)\n");
      assertThat(cli.errLines()).containsExactly(
          "outmail send: not sent to 1 of 2 recipients: nobody@example.org (refused: 550 5.1.1 no such user)");
    }
  }

  @Test
  void recipientDeferredByTheServerIsListedApartFromRefusedOnesAndTheExitCodeIsOne() throws Exception {
    try (ScriptedSmtp smtp = new ScriptedSmtp().refuse("busy@example.org", "451 4.3.0 try again later")) {
      Path scripted = TestConfig.write(dir, smtp.port());

      Cli cli = Cli.run("send", "--config", scripted.toString(), "--to", "alice@example.org,busy@example.org",
          "--subject", "Hello", "--text", "Hi");

      assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
      assertThat(cli.out()).contains("Accepted:   alice@example.org\n")
          .contains("Deferred:   busy@example.org (451 4.3.0 try again later)\n")
          .doesNotContain("Rejected:");
      assertThat(cli.errLines()).containsExactly(
          "outmail send: not sent to 1 of 2 recipients: busy@example.org (deferred: 451 4.3.0 try again later)");
    }
  }

  @Test
  void sendWithCcBccReplyToAndHtmlBodies() throws Exception {
    Path html = Files.writeString(dir.resolve("body.html"), "<p>From a <b>file</b></p>", StandardCharsets.UTF_8);

    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "alice@example.org",
        "--cc", "carol@example.org", "--bcc", "audit@example.org", "--reply-to", "desk@example.org",
        "--subject", "Both bodies", "--text", "Plain", "--html-file", html.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("Accepted:   alice@example.org, carol@example.org, audit@example.org\n");
    MimeMessage received = server.received(3).get(0);
    assertThat(received.getHeader("Cc", ",")).isEqualTo("carol@example.org");
    assertThat(received.getHeader("Bcc")).isNull();
    assertThat(received.getReplyTo()).extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("desk@example.org");
    Multipart alternative = (Multipart) received.getContent();
    assertThat(alternative.getContentType()).startsWith("multipart/alternative");
    assertThat(String.valueOf(alternative.getBodyPart(0).getContent())).contains("Plain");
    assertThat(String.valueOf(alternative.getBodyPart(1).getContent())).contains("<p>From a <b>file</b></p>");
  }

  @Test
  void sendWithHtmlOnly() throws Exception {
    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "alice@example.org",
        "--subject", "Html", "--html", "<h1>Hi</h1>");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    MimeMessage received = server.received(1).get(0);
    assertThat(received.getContentType()).startsWith("text/html");
    assertThat(String.valueOf(received.getContent())).contains("<h1>Hi</h1>");
  }

  @Test
  void sendWithHtmlAndHtmlFileIsAUsageError() {
    Cli cli = Cli.run("send", "--config", config.toString(), "--to", "a@example.org", "--subject", "S",
        "--html", "<p>x</p>", "--html-file", "body.html");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).singleElement().asString()
        .startsWith("outmail send: --html=H, --html-file=F are mutually exclusive");
  }

  @Test
  void retryAfterA421IsAnnouncedWithTheAttemptAndTheWait() throws Exception {
    try (ScriptedSmtp smtp = new ScriptedSmtp().greet("421 4.3.2 too busy, try later")) {
      Path retrying = retrying(smtp.port());

      Cli cli = Cli.run("send", "--config", retrying.toString(), "--to", "alice@example.org",
          "--subject", "Hello", "--text", "Hi");

      assertThat(cli.exitCode()).as(cli.err()).isZero();
      assertThat(cli.errLines()).singleElement().asString()
          .startsWith("outmail send: attempt 1 of 3 failed: mailbox 'support': ")
          .contains("421 4.3.2 too busy, try later")
          .containsPattern("; attempt 2 of 3 in \\d+ ms$");
      assertThat(cli.out()).contains("Accepted:   alice@example.org\n");
    }
  }

  @Test
  void finalFailureSaysHowManyAttemptsAndHowLong() throws Exception {
    try (ScriptedSmtp smtp = new ScriptedSmtp().greet("421 busy", "421 busy", "421 busy")) {
      Path retrying = retrying(smtp.port());

      Cli cli = Cli.run("send", "--config", retrying.toString(), "--to", "alice@example.org",
          "--subject", "Hello", "--text", "Hi");

      assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
      assertThat(cli.errLines()).hasSize(3);
      assertThat(cli.errLines()[2]).startsWith("outmail send: mailbox 'support': ").contains("421 busy")
          .containsPattern(" \\(3 attempts in \\d+(\\.\\d)? m?s\\)$");
      assertThat(cli.out()).isEmpty();
    }
  }

  @Test
  void slowSendIsAnnouncedOnStderr() {
    Cli cli = Cli.run(Duration.ZERO, "send", "--config", config.toString(), "--to", "alice@example.org",
        "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.errLines()).containsExactly(
        "outmail send: sending 2 bytes to 1 recipient through 'support'...");
  }

  @Test
  void quietPrintsOnlyTheMessageId() throws Exception {
    Cli cli = Cli.run(Duration.ZERO, "send", "--quiet", "--config", config.toString(),
        "--to", "alice@example.org", "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.outLines()).containsExactly(server.received(1).get(0).getMessageID());
  }

  @Test
  void verboseAndQuietTogetherAreAUsageError() {
    Cli cli = Cli.run("send", "--quiet", "--verbose", "--config", config.toString(),
        "--to", "alice@example.org", "--subject", "Hello", "--text", "Hi");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).singleElement().asString().contains("mutually exclusive");
  }

  /** The test mailboxes on a port, {@code support} with three attempts and short waits. */
  private Path retrying(int port) {
    java.util.List<String> lines = TestConfig.mailboxes(port);
    lines.replaceAll(l -> l.equals("outmail.mailbox.support.retry.max-attempts=1")
        ? "outmail.mailbox.support.retry.max-attempts=3" : l);
    lines.add("outmail.mailbox.support.retry.initial-backoff=10ms");
    lines.add("outmail.mailbox.support.retry.max-backoff=50ms");
    return TestConfig.write(dir, lines);
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
