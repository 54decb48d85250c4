package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.SendResult;
import org.outmail.TransportException;

/**
 * STARTTLS (required, never a fallback to plain text) and certificate checks, against the scripted
 * server: trusted private CA (PEM and PKCS12), self-signed refused unless trusted, wrong host refused.
 */
@Timeout(60)
class TlsTest extends ScriptedServerTest {

  private Mailbox.Builder startTls() {
    return Fixtures.mailbox(server.port(), Encryption.STARTTLS).username("svc").password(Secret.of("pw-Secret-1"));
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Hello").text("body").build();
  }

  @Test
  void sendsOverStartTlsWhenTheMailboxTrustsThePrivateCaAsPem() throws Exception {
    server.tls(Fixtures.tls("localhost.p12")).offerStartTls();
    MailboxRegistry r = registry(startTls().trustStore(Fixtures.tls("ca.pem")));

    SendResult result = r.defaultOutgoing().send(email());

    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(server.commands()).startsWith("EHLO " + server.commands().get(0).substring(5), "STARTTLS");
    assertThat(server.commands().indexOf("STARTTLS")).isLessThan(server.commands().indexOf("AUTH PLAIN"));
    assertThat(server.auths()).singleElement().satisfies(a -> {
      assertThat(a.mechanism()).isEqualTo("PLAIN");
      assertThat(a.user()).isEqualTo("svc");
    });
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aPkcs12TrustStoreWithItsPasswordWorksToo() throws Exception {
    server.tls(Fixtures.tls("localhost.p12")).offerStartTls();
    MailboxRegistry r = registry(
        startTls().trustStore(Fixtures.tls("ca-truststore.p12")).trustStorePassword(Secret.of("changeit")));

    r.defaultOutgoing().send(email());

    assertThat(server.received()).hasSize(1);
  }

  @Test
  void checkNamesTheServerTheTlsVersionAndTheMechanismAndSaysQuit() throws Exception {
    server.tls(Fixtures.tls("localhost.p12")).offerStartTls();
    MailboxRegistry r = registry(startTls().trustStore(Fixtures.tls("ca.pem")));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.message()).isEqualTo("connected to 127.0.0.1:" + server.port()
        + ", server 'scripted.test ESMTP ready', TLSv1.3 via STARTTLS, authenticated as svc with PLAIN");
    ScriptedSmtpServer.await(() -> server.quits() == 1, "QUIT");
    assertThat(server.commands()).doesNotContain("MAIL FROM:<desk@example.com>");
  }

  @Test
  void aServerThatDoesNotOfferStartTlsGetsNoCredentialsAndNoMessage() throws Exception {
    MailboxRegistry r = registry(startTls().trustStore(Fixtures.tls("ca.pem")));

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': the server does not offer STARTTLS (127.0.0.1:" + server.port()
                  + "); encryption STARTTLS requires it");
          assertThat(e.stage()).isEqualTo(TransportException.Stage.TLS);
        });
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.stage()).contains(TransportException.Stage.TLS);
    assertThat(check.message()).isEqualTo("the server does not offer STARTTLS (127.0.0.1:" + server.port()
        + "); encryption STARTTLS requires it");
    assertThat(server.auths()).isEmpty();
    assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL") || c.startsWith("AUTH"));
  }

  @Test
  void aSelfSignedCertificateIsRefusedByDefaultOnSendAndCheck() throws Exception {
    server.tls(Fixtures.tls("self-signed.p12")).offerStartTls();
    MailboxRegistry r = registry(startTls());
    String expected = "TLS handshake with 127.0.0.1:" + server.port() + " failed: server certificate "
        + "'O=outmail self-signed,CN=localhost' issued by 'O=outmail self-signed,CN=localhost' is not signed by a trusted "
        + "certificate authority (for a private CA or a self-signed certificate, name it in the mailbox's trust-store)";

    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TLS);
    assertThat(check.message()).isEqualTo(expected);
    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': " + expected);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.TLS);
        });
    assertThat(server.auths()).isEmpty();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aSelfSignedCertificateIsAcceptedWhenTheMailboxTrustsIt() throws Exception {
    server.tls(Fixtures.tls("self-signed.p12")).offerStartTls();
    MailboxRegistry r = registry(startTls().trustStore(Fixtures.tls("self-signed.pem")));

    assertThat(r.defaultOutgoing().check().ok()).isTrue();
    r.defaultOutgoing().send(email());

    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aCertificateForAnotherHostIsRefusedEvenFromATrustedCa() throws Exception {
    server.tls(Fixtures.tls("wrong-host.p12")).offerStartTls();
    MailboxRegistry r = registry(startTls().trustStore(Fixtures.tls("ca.pem")));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TLS);
    assertThat(check.message())
        .startsWith("TLS handshake with 127.0.0.1:" + server.port() + " failed: server certificate "
            + "'O=outmail tests,CN=wrong.example.com' issued by 'CN=outmail test CA' does not match the host name");
    assertThatThrownBy(() -> r.defaultOutgoing().send(email())).isInstanceOf(TransportException.class);
    assertThat(server.auths()).isEmpty();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void implicitTlsToTheScriptedServerReportsItsVersion() throws Exception {
    server.tls(Fixtures.tls("localhost.p12")).implicitTls();
    MailboxRegistry r = registry(
        Fixtures.mailbox(server.port(), Encryption.SSL_TLS).trustStore(Fixtures.tls("ca.pem")));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.message()).isEqualTo("connected to 127.0.0.1:" + server.port()
        + ", server 'scripted.test ESMTP ready', TLSv1.3 (implicit TLS), no authentication");
    r.defaultOutgoing().send(email());
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void implicitTlsToAPlainTextPortSaysThePortSpeaksPlainTextAndSuggestsStartTlsOrNone() throws Exception {
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.SSL_TLS).trustStore(Fixtures.tls("ca.pem"))
        .username("svc").password(Secret.of("pw-Secret-1")));
    String expected = "the server 127.0.0.1:" + server.port() + " answered in plain text, not TLS: encryption SSL_TLS"
        + " needs a port that speaks TLS from the first byte (usually 465); for a port that speaks plain text"
        + " set encryption STARTTLS (upgraded to TLS, usually port 587) or NONE";

    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TLS);
    assertThat(check.message()).isEqualTo(expected);
    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': " + expected);
          assertThat(e.mailboxId()).isEqualTo("mb");
          assertThat(e.stage()).isEqualTo(TransportException.Stage.TLS);
          assertThat(e.isTransient()).isFalse();
        });
    assertThat(server.auths()).isEmpty();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void credentialsTheServerGivesNoChanceToUseFailTheConnection() throws Exception {
    server.tls(Fixtures.tls("localhost.p12")).offerStartTls().authMechanisms(null);
    MailboxRegistry r = registry(startTls().trustStore(Fixtures.tls("ca.pem")));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.stage()).contains(TransportException.Stage.AUTHENTICATE);
    assertThat(check.message())
        .isEqualTo("authentication failed: the server does not offer AUTH, but the mailbox has credentials");
    assertThatThrownBy(() -> r.defaultOutgoing().send(email())).isInstanceOf(TransportException.class);
    assertThat(server.received()).isEmpty();
  }
}
