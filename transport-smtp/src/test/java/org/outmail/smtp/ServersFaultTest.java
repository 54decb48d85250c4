package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.smtp.ScriptedSmtpServer.Action.dropConnection;
import static org.outmail.smtp.ScriptedSmtpServer.Action.reply;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.SendListener;
import org.outmail.SendResult;
import org.outmail.TransportException;

/**
 * A mailbox whose host lists two scripted servers: a server that fails before any mail was handed
 * to it (421 or 4xx at the greeting or EHLO, connection refused) moves the connection on to the
 * next, counted and heard by the registry's listeners; a mail whose outcome is unknown on one server
 * is never sent through the other; round-robin takes turns; the Check reports each server.
 */
@Timeout(60)
class ServersFaultTest {
  private ScriptedSmtpServer first;
  private ScriptedSmtpServer second;
  private MailboxRegistry registry;
  private final List<String> switches = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    first = new ScriptedSmtpServer();
    second = new ScriptedSmtpServer();
  }

  @AfterEach
  void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    first.close();
    second.close();
  }

  private static String at(int port) {
    return "127.0.0.1:" + port;
  }

  private MailboxRegistry registry(String host, SmtpOptions.Builder options) {
    Mailbox mb = Fixtures.mailbox(1, Encryption.NONE).host(host).options(options.build()).defaultOutgoing(true).build();
    registry = MailboxRegistry.builder().mailbox(mb).listener(new SendListener() {
      @Override
      public void serverSwitched(Mailbox mailbox, String from, String to, String reason) {
        switches.add(from + " -> " + to + ": " + reason);
      }
    }).build();
    return registry;
  }

  private MailboxRegistry both(SmtpOptions.Builder options) {
    return registry(at(first.port()) + ", " + at(second.port()), options);
  }

  private static Email email(String subject) {
    return Email.builder().to("alice@example.org").subject(subject).text("body").build();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void a421GreetingMovesTheConnectionToTheNextServerCountedAndNamedInTheResult() {
    first.at("CONNECT", reply("421 4.3.2 Service not available, closing transmission channel"));
    MailboxRegistry r = both(SmtpOptions.builder());

    SendResult result = r.defaultOutgoing().send(email("after 421"));

    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.server()).contains(at(second.port()));
    assertThat(second.received()).hasSize(1);
    assertThat(first.received()).isEmpty();
    assertThat(first.commands()).noneMatch(c -> c.startsWith("MAIL"));
    assertThat(switches)
        .containsExactly(at(first.port()) + " -> " + at(second.port()) + ": the server " + at(first.port())
            + " refused the connection: 421 4.3.2 Service not available, closing transmission channel");
  }

  @Test
  void aTemporaryRefusalOfEhloAndHeloMovesOnToo() {
    first.at("EHLO", reply("451 4.3.0 Try again later")).at("HELO", reply("451 4.3.0 Try again later"));
    MailboxRegistry r = both(SmtpOptions.builder());

    SendResult result = r.defaultOutgoing().send(email("after EHLO 451"));

    assertThat(result.server()).contains(at(second.port()));
    assertThat(second.received()).hasSize(1);
    assertThat(switches).hasSize(1);
  }

  @Test
  void aFailedTlsHandshakeMovesOnBeforeAnyCredentialIsSent() throws Exception {
    first.tls(Fixtures.tls("wrong-host.p12")).offerStartTls();
    second.tls(Fixtures.tls("localhost.p12")).offerStartTls();
    Mailbox.Builder mb = Fixtures.mailbox(1, Encryption.STARTTLS).host(at(first.port()) + ", " + at(second.port()))
        .trustStore(Fixtures.tls("ca.pem")).username("svc").password(Secret.of("pw-Secret-1")).defaultOutgoing(true);
    registry = MailboxRegistry.builder().mailbox(mb.build()).listener(new SendListener() {
      @Override
      public void serverSwitched(Mailbox mailbox, String from, String to, String reason) {
        switches.add(from + " -> " + to + ": " + reason);
      }
    }).build();

    SendResult result = registry.defaultOutgoing().send(email("over TLS"));

    assertThat(result.server()).contains(at(second.port()));
    assertThat(first.auths()).isEmpty();
    assertThat(first.received()).isEmpty();
    assertThat(second.auths()).singleElement().satisfies(a -> assertThat(a.user()).isEqualTo("svc"));
    assertThat(switches).singleElement().asString().startsWith(at(first.port()) + " -> " + at(second.port())
        + ": TLS handshake with " + at(first.port()) + " failed: ").doesNotContain("pw-Secret-1");
    CheckResult check = registry.defaultOutgoing().check();
    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TLS);
    assertThat(check.message()).contains(at(first.port()) + " FAILED: TLS handshake with " + at(first.port()))
        .contains(at(second.port()) + " passed: connected to " + at(second.port()));
  }

  @Test
  void aRefusedConnectionMovesOnAndTheServerIsSkippedDuringItsBackoff() throws Exception {
    int dead = closedPort();
    MailboxRegistry r = registry(at(dead) + ", " + at(second.port()), SmtpOptions.builder().maxMessagesPerConnection(1)
        .serversBackoff(Duration.ofHours(1)));

    for (int i = 0; i < 3; i++) {
      assertThat(r.defaultOutgoing().send(email("mail " + i)).server()).contains(at(second.port()));
    }

    assertThat(second.received()).hasSize(3);
    assertThat(second.connections()).isEqualTo(3);
    // tried once, then skipped while its back-off lasts: one switch-over, not one per connection
    assertThat(switches).containsExactly(at(dead) + " -> " + at(second.port()) + ": connection refused by " + at(dead));
  }

  @Test
  void aMailWhoseOutcomeIsUnknownIsNeverSentThroughTheOtherServer() {
    first.at(".", dropConnection());
    MailboxRegistry r = both(SmtpOptions.builder());

    assertThatThrownBy(() -> r.defaultOutgoing().send(email("unknown")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isOutcomeUnknown()).isTrue();
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage())
              .startsWith("mailbox 'mb': the message was sent to " + at(first.port()) + " but connection lost");
        });
    assertThat(first.commands()).filteredOn(c -> c.startsWith("DATA")).hasSize(1);
    assertThat(second.connections()).isZero();
    assertThat(second.received()).isEmpty();
    assertThat(switches).isEmpty();
  }

  @Test
  void aConnectionLostBeforeTheContentIsRetriedAndMayGoToTheNextServer() {
    first.at("DATA", dropConnection());
    first.at("CONNECT", reply("220 first ESMTP"), reply("421 4.3.2 going down"));
    MailboxRegistry r = both(SmtpOptions.builder());

    SendResult result = r.defaultOutgoing().send(email("retried"));

    assertThat(result.server()).contains(at(second.port()));
    assertThat(first.received()).isEmpty();
    assertThat(second.received()).hasSize(1);
  }

  @Test
  void aPermanentRefusalOfTheCredentialsDoesNotMoveOn() {
    first.authReply(a -> "535 5.7.8 Authentication credentials invalid");
    Mailbox.Builder mb = Fixtures.mailbox(1, Encryption.NONE).host(at(first.port()) + ", " + at(second.port()))
        .username("svc").password(Secret.of("pw-Secret-1")).defaultOutgoing(true);
    registry = MailboxRegistry.builder().mailbox(mb.build()).build();

    assertThatThrownBy(() -> registry.defaultOutgoing().send(email("auth")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.stage()).isEqualTo(TransportException.Stage.AUTHENTICATE);
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage()).doesNotContain("pw-Secret-1");
        });
    assertThat(second.connections()).isZero();
  }

  @Test
  void aConnectionClosedDuringAuthMovesOnToTheNextServer() {
    first.at("AUTH", dropConnection());
    Mailbox.Builder mb = Fixtures.mailbox(1, Encryption.NONE).host(at(first.port()) + ", " + at(second.port()))
        .username("svc").password(Secret.of("pw-Secret-1")).defaultOutgoing(true);
    registry = MailboxRegistry.builder().mailbox(mb.build()).build();

    SendResult result = registry.defaultOutgoing().send(email("auth lost"));

    assertThat(result.server()).contains(at(second.port()));
    assertThat(second.received()).hasSize(1);
  }

  @Test
  void whenEveryServerFailsTheExceptionNamesEachOneAndIsTransient() throws Exception {
    int dead = closedPort();
    first.at("CONNECT", reply("421 4.3.2 busy"), reply("421 4.3.2 busy"), reply("421 4.3.2 busy"));
    MailboxRegistry r = registry(at(first.port()) + ", " + at(dead), SmtpOptions.builder());

    assertThatThrownBy(() -> r.defaultOutgoing().send(email("nowhere")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.stage()).isEqualTo(TransportException.Stage.CONNECT);
          assertThat(e.replyCode()).isEqualTo(421);
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': no server took the connection: " + at(first.port())
              + ": the server " + at(first.port()) + " refused the connection: 421 4.3.2 busy; " + at(dead)
              + ": connection refused by " + at(dead));
        });
  }

  @Test
  void roundRobinSpreadsNewConnectionsOverTheServersInTurn() {
    MailboxRegistry r = both(SmtpOptions.builder().serversMode(SmtpOptions.ServersMode.ROUND_ROBIN)
        .maxMessagesPerConnection(1));

    List<String> used = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      used.add(r.defaultOutgoing().send(email("rr " + i)).server().orElseThrow());
    }

    assertThat(used).containsExactly(at(first.port()), at(second.port()), at(first.port()), at(second.port()));
    assertThat(first.received()).hasSize(2);
    assertThat(second.received()).hasSize(2);
    assertThat(switches).isEmpty();
  }

  @Test
  void failoverKeepsToTheFirstServerWhileItAnswers() {
    MailboxRegistry r = both(SmtpOptions.builder().maxMessagesPerConnection(1));

    for (int i = 0; i < 3; i++) {
      assertThat(r.defaultOutgoing().send(email("fo " + i)).server()).contains(at(first.port()));
    }
    assertThat(second.connections()).isZero();
  }

  @Test
  void theCheckReportsEachServerAndFailsWhenOneFails() throws Exception {
    int dead = closedPort();
    MailboxRegistry r = registry(at(first.port()) + ", " + at(dead), SmtpOptions.builder());

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.CONNECT);
    assertThat(check.message()).isEqualTo("2 servers, 1 failed: " + at(first.port()) + " passed: connected to "
        + at(first.port()) + ", server 'scripted.test ESMTP ready', no TLS, no authentication; " + at(dead)
        + " FAILED: connection refused by " + at(dead));
  }

  @Test
  void theCheckPassesWhenEveryServerPasses() throws Exception {
    CheckResult check = both(SmtpOptions.builder()).defaultOutgoing().check();

    assertThat(check.ok()).isTrue();
    assertThat(check.message()).startsWith("2 servers, every one passed: " + at(first.port()) + " passed: connected to "
        + at(first.port())).contains("; " + at(second.port()) + " passed: connected to " + at(second.port()));
    ScriptedSmtpServer.await(() -> first.quits() == 1 && second.quits() == 1, "QUIT on each server");
  }
}
