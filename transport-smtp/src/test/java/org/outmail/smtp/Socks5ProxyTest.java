package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.TransportException;
import org.outmail.testing.Socks5TestProxy;

/** SMTP through a SOCKS5 proxy that the test runs on 127.0.0.1, to GreenMail. */
@Timeout(60)
class Socks5ProxyTest {
  private GreenMailServer server;
  private Socks5TestProxy proxy;
  private MailboxRegistry registry;

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private MailboxRegistry registry(Mailbox.Builder mailbox) {
    registry = MailboxRegistry.builder().mailbox(mailbox.defaultOutgoing(true).build()).build();
    return registry;
  }

  private static Email mail(String subject) {
    return Email.builder().to("alice@example.org").subject(subject).text("body").build();
  }

  /** A mailbox of GreenMail's at "localhost" (its name, for the proxy to resolve), through the proxy. */
  private Mailbox.Builder throughProxy(Encryption encryption) {
    return Fixtures.mailbox(server.port(), encryption).host("localhost")
        .username("desk").password(Secret.of("pw-1"))
        .setting("smtp.proxy", "socks5://127.0.0.1:" + proxy.port())
        .setting("smtp.no-proxy", "none");
  }

  @Test
  void mailGoesThroughTheProxyWhichResolvesTheServersName() {
    server = GreenMailServer.smtpWithUser("desk@example.com", "desk", "pw-1");
    proxy = Socks5TestProxy.withUser("proxy-user", "proxy-Pa55");
    MailboxRegistry r = registry(throughProxy(Encryption.NONE)
        .setting("smtp.proxy-user", "proxy-user").setting("smtp.proxy-password", "proxy-Pa55"));

    r.defaultOutgoing().send(mail("Through the proxy"));

    assertThat(server.received()).singleElement()
        .satisfies(m -> assertThat(m.subject()).isEqualTo("Through the proxy"));
    assertThat(proxy.targets()).containsExactly("localhost:" + server.port());
    assertThat(proxy.presented()).containsExactly("proxy-user:proxy-Pa55");
    assertThat(proxy.relayed()).isGreaterThan(200);
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.message())
        .startsWith("connected to localhost:" + server.port() + " through SOCKS5 proxy socks5://127.0.0.1:"
            + proxy.port() + ", server '");
  }

  @Test
  void implicitTlsRunsOverTheTunnelAndVerifiesTheMailServersName() {
    server = GreenMailServer.smtpsWithUser("desk@example.com", "desk", "pw-1");
    proxy = Socks5TestProxy.open();
    MailboxRegistry r = registry(throughProxy(Encryption.SSL_TLS).trustStore(Fixtures.tls("ca.pem")));

    r.defaultOutgoing().send(mail("TLS through the proxy"));

    assertThat(server.received()).singleElement()
        .satisfies(m -> assertThat(m.subject()).isEqualTo("TLS through the proxy"));
    assertThat(proxy.targets()).containsExactly("localhost:" + server.port());
    assertThat(r.defaultOutgoing().check().message()).contains("(implicit TLS)");
  }

  @Test
  void wrongProxyPasswordFailsPermanentlyNamingTheProxyNeverTheCredentials() {
    server = GreenMailServer.smtpWithUser("desk@example.com", "desk", "pw-1");
    proxy = Socks5TestProxy.withUser("proxy-user", "right-Pa55");
    MailboxRegistry r = registry(throughProxy(Encryption.NONE)
        .setting("smtp.proxy-user", "proxy-user").setting("smtp.proxy-password", "wrong-Pa55"));

    assertThatThrownBy(() -> r.defaultOutgoing().send(mail("x")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': SOCKS5 proxy socks5://127.0.0.1:" + proxy.port()
              + ": the proxy rejected the user name and password (smtp.proxy-user, smtp.proxy-password)");
          assertThat(e.toString()).doesNotContain("wrong-Pa55");
        });
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.CONNECT);
    assertThat(check.message()).contains("socks5://127.0.0.1:" + proxy.port()).doesNotContain("wrong-Pa55");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aProxyAskingForAuthenticationSaysToSetTheProxyUser() {
    server = GreenMailServer.smtpWithUser("desk@example.com", "desk", "pw-1");
    proxy = Socks5TestProxy.withUser("proxy-user", "right-Pa55");
    MailboxRegistry r = registry(throughProxy(Encryption.NONE));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.message()).isEqualTo("SOCKS5 proxy socks5://127.0.0.1:" + proxy.port()
        + ": the proxy asks for authentication; set proxy-user and proxy-password");
  }

  @Test
  void aProxyRefusingByItsRulesFailsPermanentlyInWords() {
    server = GreenMailServer.smtpWithUser("desk@example.com", "desk", "pw-1");
    proxy = Socks5TestProxy.refusing(2);
    MailboxRegistry r = registry(throughProxy(Encryption.NONE));

    assertThatThrownBy(() -> r.defaultOutgoing().send(mail("x")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': SOCKS5 proxy socks5://127.0.0.1:" + proxy.port()
              + ": the proxy could not connect to localhost:" + server.port()
              + ": connection not allowed by the proxy's rules");
        });
  }

  @Test
  void aServerDownBehindTheProxyIsTransientAndSaysSo() throws Exception {
    proxy = Socks5TestProxy.open();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    MailboxRegistry r = registry(Fixtures.mailbox(closed, Encryption.NONE).host("localhost")
        .setting("smtp.proxy", "socks5://127.0.0.1:" + proxy.port()).setting("smtp.no-proxy", "none"));

    assertThatThrownBy(() -> r.defaultOutgoing().send(mail("x")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': SOCKS5 proxy socks5://127.0.0.1:" + proxy.port()
              + ": the proxy could not connect to localhost:" + closed + ": connection refused by the mail server");
        });
    assertThat(proxy.targets()).contains("localhost:" + closed);
  }

  @Test
  void aProxyThatIsNotListeningIsNamed() throws Exception {
    server = GreenMailServer.smtp();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).host("localhost")
        .setting("smtp.proxy", "socks5://127.0.0.1:" + closed).setting("smtp.no-proxy", "none"));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.ok()).isFalse();
    assertThat(check.message())
        .isEqualTo("SOCKS5 proxy socks5://127.0.0.1:" + closed + ": the proxy refused the connection");
  }

  @Test
  void noProxyDestinationsGoDirect() {
    server = GreenMailServer.smtp();
    proxy = Socks5TestProxy.open();
    // the default no-proxy list holds localhost, 127.0.0.1 and ::1
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .setting("smtp.proxy", "socks5://127.0.0.1:" + proxy.port()));

    r.defaultOutgoing().send(mail("Direct"));

    assertThat(server.received()).hasSize(1);
    assertThat(proxy.targets()).isEmpty();
    assertThat(r.defaultOutgoing().check().message()).doesNotContain("proxy");
  }
}
