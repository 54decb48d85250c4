package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.smtp.ScriptedSmtpServer.Action.dropConnection;
import static org.outmail.smtp.ScriptedSmtpServer.Action.reply;
import static org.outmail.smtp.ScriptedSmtpServer.Action.stallForever;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
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
 * Failures are classified: 4xx and a connection lost before the message went out are transient
 * (retried, three attempts here), 5xx permanent (one attempt), a connection lost after the final
 * dot leaves the outcome unknown (never retried). {@link PipelinedFaultTest} runs every case again
 * on a server that offers PIPELINING. The scripted server answers, stalls or drops at
 * the chosen command and counts what it saw.
 */
@Timeout(60)
class FaultTest extends ScriptedServerTest {

  MailboxRegistry plain() {
    return registry(Fixtures.mailbox(server.port(), Encryption.NONE));
  }

  static Email email(String... to) {
    return Email.builder().to(to.length == 0 ? new String[] {"alice@example.org"} : to).subject("Hello").text("body")
        .build();
  }

  /** The failure of a mail whose content went out whole before the connection was lost: unknown, never retried. */
  void lostAfterTheContentWentOut(Throwable t) {
    assertThat(t).isInstanceOfSatisfying(TransportException.class, e -> {
      assertThat(e.isOutcomeUnknown()).isTrue();
      assertThat(e.getMessage()).startsWith("mailbox 'mb': the message was sent to " + at() + " but connection lost (")
          .endsWith(") before the server confirmed it: it may have been delivered, so it is not retried");
    });
  }

  /** Commands that carried a mail's content: DATA, or BDAT with CHUNKING. */
  long contentCommands() {
    return count("DATA") + count("BDAT");
  }

  long count(String prefix) {
    return server.commands().stream().filter(c -> c.startsWith(prefix)).count();
  }

  /**
   * After the server refused every recipient: no content reached it. Command by command, DATA is
   * never sent; {@link PipelinedFaultTest} says what holds when DATA went with the batch.
   */
  void assertNoContentSentAfterEveryRecipientRefused() {
    assertThat(count("DATA")).isZero();
    assertThat(server.received()).isEmpty();
  }

  String at() {
    return "127.0.0.1:" + server.port();
  }

  @Test
  void aTemporaryReplyToMailFromIsRetriedThenReportedAsTransient() {
    server.at("MAIL", reply("451 4.3.0 Try again later"), reply("451 4.3.0 Try again later"),
        reply("451 4.3.0 Try again later"));
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.isOutcomeUnknown()).isFalse();
          assertThat(e.replyCode()).isEqualTo(451);
          assertThat(e.serverReply()).contains("451 4.3.0 Try again later");
          assertThat(e.stage()).isEqualTo(TransportException.Stage.SENDER);
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': the server " + at() + " answered MAIL FROM with 451 4.3.0 Try again later");
        });
    assertThat(count("MAIL")).isEqualTo(3);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aTemporaryFailureThatGoesAwayCostsOneMoreAttempt() {
    server.at("MAIL", reply("451 4.3.0 Try again later"));

    SendResult result = plain().defaultOutgoing().send(email());

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aPermanentReplyIsReportedAtOnceWithoutRetry() {
    server.at("MAIL", reply("550 5.7.1 Relaying denied"));
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.replyCode()).isEqualTo(550);
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': the server " + at() + " answered MAIL FROM with 550 5.7.1 Relaying denied");
          assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.SENDER);
        });
    assertThat(count("MAIL")).isEqualTo(1);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void a421GreetingIsTransientAndTheCheckSaysTheServerRefused() {
    server.at("CONNECT", reply("421 4.3.2 Service not available"), reply("421 4.3.2 Service not available"),
        reply("421 4.3.2 Service not available"), reply("421 4.3.2 Service not available"));
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.replyCode()).isEqualTo(421);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.CONNECT);
        });
    assertThat(server.connections()).isEqualTo(3);
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.stage()).contains(TransportException.Stage.CONNECT);
    assertThat(check.message())
        .isEqualTo("the server " + at() + " refused the connection: 421 4.3.2 Service not available");
  }

  @Test
  void tooManyRecipients452IsTransientAndListsTheRecipients() {
    server.rcptReply(a -> "452 4.5.3 Too many recipients");
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.replyCode()).isEqualTo(452);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.RECIPIENTS);
          assertThat(e.rejectedRecipients()).isEqualTo(Map.of("alice@example.org", "452 4.5.3 Too many recipients"));
        });
    assertThat(count("MAIL")).isEqualTo(3);
    assertNoContentSentAfterEveryRecipientRefused();
  }

  @Test
  void someRecipientsRejectedTheOthersGetTheMessage() {
    server.rcptReply(a -> a.startsWith("nobody") ? "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown"
        : "250 2.1.5 Ok");

    SendResult result = plain().defaultOutgoing().send(email("alice@example.org", "nobody@example.org"));

    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(result.rejectedRecipients()).isEqualTo(Map.of("nobody@example.org",
        "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"));
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(server.received()).singleElement()
        .satisfies(m -> assertThat(m.recipients()).containsExactly("alice@example.org"));
  }

  @Test
  void everyRecipientRejectedIsAnExceptionAndNothingIsSent() {
    server.rcptReply(a -> "550 5.1.1 User unknown");
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email("alice@example.org", "bob@example.org")))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.replyCode()).isEqualTo(550);
          assertThat(e.rejectedRecipients()).containsOnlyKeys("alice@example.org", "bob@example.org");
          assertThat(e.stage()).isEqualTo(TransportException.Stage.RECIPIENTS);
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': the server " + at() + " refused every recipient: "
              + "{alice@example.org=550 5.1.1 User unknown, bob@example.org=550 5.1.1 User unknown}");
        });
    assertThat(count("MAIL")).isEqualTo(1);
    assertNoContentSentAfterEveryRecipientRefused();
  }

  @Test
  void aStallAfterTheFinalDotIsAnUnknownOutcomeNeverRetried() {
    server.at(".", stallForever());
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).readTimeout(Duration.ofSeconds(1)));

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isOutcomeUnknown()).isTrue();
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': the message was sent to " + at() + " but no reply within 1 s "
                  + "before the server confirmed it: it may have been delivered, so it is not retried");
        });
    assertThat(contentCommands()).isEqualTo(1);
  }

  @Test
  void aConnectionDroppedAfterTheFinalDotIsAnUnknownOutcomeNeverRetried() {
    server.at(".", dropConnection());
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email())).satisfies(this::lostAfterTheContentWentOut);
    assertThat(contentCommands()).isEqualTo(1);
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void aConnectionDroppedBeforeTheFinalDotIsRetriedAndDeliveredOnce() {
    server.at("DATA", dropConnection());

    SendResult result = plain().defaultOutgoing().send(email());

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(server.received()).hasSize(1);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void aRejectionOfTheMessageAfterTheFinalDotIsPermanent() {
    server.at(".", reply("554 5.7.1 Message rejected as spam"));
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.isOutcomeUnknown()).isFalse();
          assertThat(e.replyCode()).isEqualTo(554);
          assertThat(e.getMessage()).isEqualTo(
              "mailbox 'mb': the server " + at() + " refused the message: 554 5.7.1 Message rejected as spam");
        });
    assertThat(contentCommands()).isEqualTo(1);
  }

  @Test
  void aTemporaryRejectionAfterTheFinalDotIsRetried() {
    server.at(".", reply("451 4.7.1 Greylisted, try again"));

    SendResult result = plain().defaultOutgoing().send(email());

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aServerThatNeverGreetsTimesOut() {
    server.at("CONNECT", stallForever());
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).readTimeout(Duration.ofSeconds(1)));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.stage()).contains(TransportException.Stage.CONNECT);
    assertThat(check.message()).isEqualTo("timed out after 1 s waiting for the greeting of " + at());
  }

  @Test
  void aStallAtMailFromTimesOutAsTransient() {
    server.at("MAIL", stallForever(), stallForever(), stallForever());
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).readTimeout(Duration.ofSeconds(1))
        .retryPolicy(org.outmail.RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(10))));

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': timed out after 1 s waiting for the reply of " + at()
              + " to MAIL FROM; the message was not handed over");
          assertThat(e.stage()).isEqualTo(TransportException.Stage.SENDER);
        });
    assertThat(count("MAIL")).isEqualTo(2);
  }

  @Test
  void aRefusedConnectionIsTransientAndTheCheckSaysSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MailboxRegistry r = registry(Fixtures.mailbox(port, Encryption.NONE));

    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.stage()).contains(TransportException.Stage.CONNECT);
    assertThat(check.message()).isEqualTo("connection refused by 127.0.0.1:" + port);
    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.stage()).isEqualTo(TransportException.Stage.CONNECT);
        });
  }

  @Test
  void anUnknownHostIsReportedAsNotFound() {
    MailboxRegistry r = registry(Fixtures.mailbox(25, Encryption.NONE).host("no-such-host.invalid"));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.stage()).contains(TransportException.Stage.CONNECT);
    assertThat(check.message()).isEqualTo("host not found: no-such-host.invalid");
  }

  @Test
  void smtpAuthDisabledForTheTenantPointsToOAuthOrOwa() {
    server.authReply(
        a -> "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.");
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).username("svc@contoso.com")
        .password(Secret.of("pw-Secret-1")));

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.stage()).contains(TransportException.Stage.AUTHENTICATE);
    assertThat(check.message()).isEqualTo("authentication failed: 535 5.7.139 Authentication unsuccessful, "
        + "SmtpClientAuthentication is disabled for the Tenant. (SMTP AUTH is disabled for this Microsoft 365 tenant or mailbox: "
        + "enable authenticated SMTP for the mailbox, give the mailbox an OAuth client to use XOAUTH2, or use the 'owa' protocol)");
    assertThat(check.message()).doesNotContain("pw-Secret-1");
  }

  @Test
  void basicAuthenticationTurnedOffByMicrosoft365PointsToOAuthOrOwa() {
    server.authReply(a -> "550 5.7.30 Basic authentication is not supported for Client Submission");
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).username("svc@contoso.com")
        .password(Secret.of("pw-Secret-1")));
    String explained = "authentication failed: 550 5.7.30 Basic authentication is not supported for Client Submission "
        + "(Microsoft 365 no longer accepts a password (basic authentication) for SMTP client submission in this tenant: "
        + "give the mailbox an OAuth client to use XOAUTH2, or use the 'owa' protocol)";

    CheckResult check = r.defaultOutgoing().check();

    assertThat(check.stage()).contains(TransportException.Stage.AUTHENTICATE);
    assertThat(check.message()).isEqualTo(explained);
    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.AUTHENTICATE);
          assertThat(e.replyCode()).isEqualTo(550);
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': " + explained).doesNotContain("pw-Secret-1");
        });
    assertThat(server.auths()).hasSize(2); // the check's and the send's single attempt
    assertThat(count("MAIL")).isZero();
  }

  @Test
  void basicAuthenticationRefusedAtMailFromIsExplainedToo() {
    server.at("MAIL", reply("550 5.7.30 Basic authentication is not supported for Client Submission"));
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': the server " + at() + " answered MAIL FROM with "
              + "550 5.7.30 Basic authentication is not supported for Client Submission (Microsoft 365 no longer accepts a "
              + "password (basic authentication) for SMTP client submission in this tenant: give the mailbox an OAuth client "
              + "to use XOAUTH2, or use the 'owa' protocol)");
        });
  }

  @Test
  void aTemporaryAuthFailureIsTransient() {
    server.authReply(a -> "454 4.7.0 Temporary authentication failure");
    MailboxRegistry r = registry(
        Fixtures.mailbox(server.port(), Encryption.NONE).username("svc").password(Secret.of("pw-Secret-1")));

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.replyCode()).isEqualTo(454);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.AUTHENTICATE);
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': authentication failed: 454 4.7.0 Temporary authentication failure");
        });
    assertThat(server.auths()).hasSize(3);
  }

  @Test
  void aConnectionClosedDuringAuthIsALostConnectionNotARefusalOfTheCredentials() {
    server.at("AUTH", dropConnection(), dropConnection(), dropConnection());
    MailboxRegistry r = registry(
        Fixtures.mailbox(server.port(), Encryption.NONE).username("svc").password(Secret.of("pw-Secret-1")));

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.stage()).isEqualTo(TransportException.Stage.AUTHENTICATE);
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': connection to " + at()
              + " lost during AUTH: connection closed by the server");
        });
    assertThat(count("AUTH")).isEqualTo(3); // retried as any lost connection is
  }

  @Test
  void aConnectionClosedBeforeTheServerRepliedCarriesNoServerReply() {
    server.at("EHLO", dropConnection(), dropConnection(), dropConnection());
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': connection to " + at()
              + " lost during EHLO: connection closed by the server");
          assertThat(e.replyCode()).isEqualTo(-1);
          assertThat(e.serverReply()).isEmpty();
        });
  }

  @Test
  void passwordLoginUsesPlainAndFallsBackToLogin() {
    server.authMechanisms("LOGIN");
    MailboxRegistry r = registry(
        Fixtures.mailbox(server.port(), Encryption.NONE).username("svc").password(Secret.of("pw-Secret-1")));

    r.defaultOutgoing().send(email());

    assertThat(server.auths()).singleElement().satisfies(a -> {
      assertThat(a.mechanism()).isEqualTo("LOGIN");
      assertThat(a.secret()).isEqualTo("pw-Secret-1");
    });
  }

  @Test
  void noUserNameMeansNoAuth() {
    plain().defaultOutgoing().send(email());

    assertThat(server.auths()).isEmpty();
    assertThat(server.received()).singleElement()
        .satisfies(m -> assertThat(m.mailFrom()).isEqualTo("<desk@example.com>"));
  }
}
