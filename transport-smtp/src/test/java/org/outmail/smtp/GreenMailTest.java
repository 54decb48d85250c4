package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.TransportException;
import org.outmail.test.contract.ReceivedMail;

/** Against GreenMail in-process: plain SMTP and SMTPS, password and XOAUTH2 auth, UTF-8, parts. */
@Timeout(60)
class GreenMailTest {
  private GreenMailServer server;
  private MailboxRegistry registry;

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private MailboxRegistry registry(Mailbox mailbox) {
    registry = MailboxRegistry.builder().mailbox(mailbox.toBuilder().defaultOutgoing(true).build()).build();
    return registry;
  }

  @Test
  void passwordLoginDeliversAndCheckNamesTheMechanism() {
    server = GreenMailServer.smtpWithUser("desk@example.com", "desk", "pw-1");
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .username("desk").password(Secret.of("pw-1")).build());

    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Hello").text("body").build());

    assertThat(server.received()).singleElement().satisfies(m -> assertThat(m.subject()).isEqualTo("Hello"));
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.message()).startsWith("connected to 127.0.0.1:" + server.port() + ", server '")
        .endsWith(", no TLS, authenticated as desk with PLAIN");
  }

  @Test
  void wrongPasswordFailsPermanentlyWithTheServersReplyAndNoSecret() {
    server = GreenMailServer.smtpWithUser("desk@example.com", "desk", "right-password");
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .username("desk").password(Secret.of("wrong-Passw0rd")).build());

    assertThatThrownBy(
        () -> r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("x").text("y").build()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.replyCode()).isEqualTo(535);
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': authentication failed: 535 5.7.8  Authentication credentials invalid");
          assertThat(e.getMessage()).doesNotContain("wrong-Passw0rd");
        });
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.AUTHENTICATE);
    assertThat(check.message()).isEqualTo("authentication failed: 535 5.7.8  Authentication credentials invalid");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void implicitTlsDeliversWhenTheMailboxTrustsThePrivateCa() {
    server = GreenMailServer.smtpsWithUser("desk@example.com", "desk", "pw-1");
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.SSL_TLS)
        .username("desk").password(Secret.of("pw-1")).trustStore(Fixtures.tls("ca.pem")).build());

    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Over TLS").text("body").build());

    assertThat(server.received()).singleElement().satisfies(m -> assertThat(m.subject()).isEqualTo("Over TLS"));
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.message())
        .matches("connected to 127\\.0\\.0\\.1:\\d+, server '.*', TLSv1\\.[23] \\(implicit TLS\\), "
            + "authenticated as desk with PLAIN");
  }

  @Test
  void implicitTlsRefusesACertificateTheJdkDoesNotTrust() {
    server = GreenMailServer.smtpsWithUser("desk@example.com", "desk", "pw-1");
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.SSL_TLS)
        .username("desk").password(Secret.of("pw-1")).build());

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TLS);
    assertThat(check.message()).isEqualTo("TLS handshake with 127.0.0.1:" + server.port()
        + " failed: server certificate "
        + "'O=outmail tests,CN=localhost' issued by 'CN=outmail test CA' is not signed by a trusted certificate authority "
        + "(for a private CA or a self-signed certificate, name it in the mailbox's trust-store)");
    assertThatThrownBy(
        () -> r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("x").text("y").build()))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isTransient()).isFalse());
    assertThat(server.received()).isEmpty();
  }

  @Test
  void xoauth2IsTheMechanismUsedWithGreenMail() {
    // GreenMail checks an XOAUTH2 token as the user's password; the first token handed out is "token-1"
    server = GreenMailServer.smtpWithUser("svc@example.com", "svc@example.com", "token-1");
    Fixtures.CountingTokens tokens = new Fixtures.CountingTokens();
    registry = MailboxRegistry.builder().accessTokenProvider(tokens)
        .mailbox(Fixtures.mailbox(server.port(), Encryption.NONE).username("svc@example.com")
            .oauthClient(Fixtures.microsoftClient()).defaultOutgoing(true).build())
        .build();
    CheckResult check = registry.defaultOutgoing().check();

    // the Check names the mechanism the connection authenticated with (XOAuth2Test sees "AUTH XOAUTH2" on the wire)
    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.message()).endsWith("authenticated as svc@example.com with XOAUTH2").doesNotContain("token-");
    assertThat(tokens.fetched).hasValue(1);
  }

  @Test
  void utf8SubjectDisplayNameAndAttachmentNameSurvive(@TempDir Path dir) throws Exception {
    server = GreenMailServer.smtp();
    Path file = dir.resolve("report.csv");
    Files.writeString(file, "a;b\n1;2\n", StandardCharsets.UTF_8);
    MailboxRegistry r = registry(
        Fixtures.mailbox(server.port(), Encryption.NONE).displayName("Kundendienst Müller – 日本").build());

    r.defaultOutgoing().send(Email.builder().to("alice@example.org")
        .subject("Grüße aus Köln – čeština 日本語 " + "long ".repeat(20).strip())
        .text("Grüße").html("<p>Grüße</p>")
        .attach("Übersicht März.csv", "text/csv", file)
        .build());

    ReceivedMail mail = server.received().get(0);
    assertThat(mail.fromName()).isEqualTo("Kundendienst Müller – 日本");
    assertThat(mail.subject()).isEqualTo("Grüße aus Köln – čeština 日本語 " + "long ".repeat(20).strip());
    assertThat(mail.text()).isEqualTo("Grüße");
    assertThat(mail.html()).isEqualTo("<p>Grüße</p>");
    assertThat(mail.attachments()).containsOnlyKeys("Übersicht März.csv");
    assertThat(mail.attachments().get("Übersicht März.csv")).isEqualTo("a;b\n1;2\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBinaryAttachmentFromAFileArrivesIntact(@TempDir Path dir) throws Exception {
    server = GreenMailServer.smtp();
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(content);
    Path file = dir.resolve("blob.bin");
    Files.write(file, content);
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).build());

    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Blob").text("see attachment")
        .attach("blob.bin", "application/octet-stream", file).build());

    ReceivedMail mail = server.received().get(0);
    assertThat(mail.text()).isEqualTo("see attachment");
    assertThat(mail.attachments().get("blob.bin")).isEqualTo(content);
  }
}
