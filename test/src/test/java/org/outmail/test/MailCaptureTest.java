package org.outmail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.BlockReason;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxDisabledException;
import org.outmail.MailboxRegistry;
import org.outmail.RecipientsBlockedException;
import org.outmail.RetryPolicy;
import org.outmail.Secret;
import org.outmail.SendResult;
import org.outmail.TransportException.Kind;
import org.outmail.TransportException.Stage;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;

class MailCaptureTest {
  private static final RetryPolicy THREE_QUICK = RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(5));

  private final MailCapture capture = new MailCapture();
  private MailboxRegistry registry;

  /** An smtp mailbox at a host that does not exist: the capture must never try to reach it. */
  private static Mailbox.Builder support() {
    return Mailbox.builder("support").protocol("smtp").host("smtp.invalid").port(587).encryption(Encryption.STARTTLS)
        .username("svc-desk").password(Secret.of("hunter2"))
        .emailDisplay("support@example.com").displayName("Your Service Desk").prefix("TICKET#")
        .excludeExpression(".*@noreply\\.example\\.com").retryPolicy(THREE_QUICK);
  }

  /** An owa mailbox of a Microsoft 365 tenant that does not exist. */
  private static Mailbox.Builder sales() {
    OAuthClient m365 = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso.invalid")
        .clientId("client-id").clientSecret(Secret.of("client-secret")).build();
    return Mailbox.builder("sales").protocol("owa").emailDisplay("sales@example.com").oauthClient(m365)
        .prefix("ORDER#");
  }

  private MailboxRegistry registry() {
    if (registry == null) {
      registry = capture.install(MailboxRegistry.builder()
          .mailbox(support().defaultOutgoing(true).build()).mailbox(sales().build())).build();
    }
    return registry;
  }

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  private static Email.Builder email() {
    return Email.builder().to("alice@example.org").subject("Printer jammed").text("We are on it.");
  }

  @Test
  void everythingThatWouldHaveGoneOutIsCaptured(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("printer.log"), "paper jam in tray 2\n");
    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};

    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").cc("carol@example.org").bcc("audit@example.org").replyTo("helpdesk@example.com")
        .subject("Printer jammed").text("plain body").html("<p>html body</p>")
        .header("X-Priority", "1")
        .attach("log.txt", "text/plain", log).attach("photo.png", "image/png", png)
        .recordId("4711").build());

    CapturedMail mail = capture.mails().get(0);
    assertThat(capture.mails()).hasSize(1);
    assertThat(mail.mailboxId()).isEqualTo("support");
    assertThat(mail.messageId()).isEqualTo(result.messageId());
    assertThat(mail.recordId()).contains("4711");
    assertThat(mail.subject()).isEqualTo("[TICKET#4711] Printer jammed").isEqualTo(result.subject());
    assertThat(mail.fromAddress()).isEqualTo("support@example.com");
    assertThat(mail.fromName()).contains("Your Service Desk");
    assertThat(mail.to()).containsExactly("alice@example.org");
    assertThat(mail.cc()).containsExactly("carol@example.org");
    assertThat(mail.bcc()).containsExactly("audit@example.org");
    assertThat(mail.recipients()).containsExactly("alice@example.org", "carol@example.org", "audit@example.org");
    assertThat(mail.replyTo()).containsExactly("helpdesk@example.com");
    assertThat(mail.text()).contains("plain body");
    assertThat(mail.html()).contains("<p>html body</p>");
    assertThat(mail.headers()).isEqualTo(Map.of("X-Priority", "1"));
    assertThat(mail.header("x-priority")).contains("1");
    assertThat(mail.attachments()).extracting(CapturedAttachment::filename).containsExactly("log.txt", "photo.png");
    assertThat(mail.attachment("log.txt").orElseThrow().contentAsText()).isEqualTo("paper jam in tray 2\n");
    assertThat(mail.attachment("photo.png").orElseThrow().content()).isEqualTo(png);
    assertThat(mail.attachment("photo.png").orElseThrow().contentType()).isEqualTo("image/png");
    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org", "carol@example.org",
        "audit@example.org");
  }

  @Test
  void eachMailboxOfEitherProtocolIsCapturedUnderItsId() {
    registry().defaultOutgoing().send(email().recordId("1").build());
    registry().outgoing("sales").send(email().recordId("2").build());

    assertThat(capture.mails()).extracting(CapturedMail::mailboxId).containsExactly("support", "sales");
    assertThat(capture.mailsFrom("sales")).singleElement()
        .satisfies(m -> assertThat(m.subject()).isEqualTo("[ORDER#2] Printer jammed"));
    assertThat(capture.mailsForRecord("1")).singleElement()
        .satisfies(m -> assertThat(m.mailboxId()).isEqualTo("support"));
    assertThat(capture.mailsTo("ALICE@example.org")).hasSize(2);
    assertThat(capture.count()).isEqualTo(2);
  }

  @Test
  void theRegistrysRulesStillApplyBeforeTheCapture() {
    SendResult result = registry().defaultOutgoing().send(email().to("bot@noreply.example.com").build());
    assertThat(result.blockedRecipients()).isEqualTo(Map.of("bot@noreply.example.com", BlockReason.EXCLUDED));
    assertThat(capture.mails()).singleElement()
        .satisfies(m -> assertThat(m.recipients()).containsExactly("alice@example.org"));

    assertThatThrownBy(() -> registry().defaultOutgoing().send(Email.builder().to("bot@noreply.example.com")
        .subject("s").text("b").build())).isInstanceOf(RecipientsBlockedException.class);
    assertThat(capture.count()).isEqualTo(1);
  }

  @Test
  void aDisabledMailboxSendsNothingToTheCaptureEither() {
    MailboxRegistry off = capture
        .install(MailboxRegistry.builder().mailbox(support().enabled(false).defaultOutgoing(true).build()))
        .build();
    assertThatThrownBy(() -> off.defaultOutgoing().send(email().build())).isInstanceOf(MailboxDisabledException.class);
    assertThat(capture.mails()).isEmpty();
    assertThat(capture.attempts()).isZero();
    off.close();
  }

  @Test
  void aTransientFailureOnDemandIsRetriedAndTheMailCapturedOnce() {
    capture.failNext(Kind.TRANSIENT);

    SendResult result = registry().defaultOutgoing().send(email().build());

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(capture.attempts()).isEqualTo(2);
    assertThat(capture.mails()).hasSize(1);
  }

  @Test
  void transientFailuresBeyondTheRetryPolicyReachTheCaller() {
    capture.failAlways(Kind.TRANSIENT);

    TransportException e = catchThrowableOfType(TransportException.class,
        () -> registry().defaultOutgoing().send(email().build()));

    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.stage()).isEqualTo(Stage.CONTENT);
    assertThat(e.mailboxId()).isEqualTo("support");
    assertThat(e.replyCode()).isEqualTo(451);
    assertThat(e.getMessage()).isEqualTo(
        "mailbox 'support': the captured transport refused the message: 451 4.3.0 transient failure asked for by the test");
    assertThat(capture.attempts()).isEqualTo(3);
    assertThat(capture.mails()).isEmpty();
  }

  @Test
  void aPermanentFailureOnDemandIsNotRetried() {
    capture.failNext(Kind.PERMANENT);

    TransportException e = catchThrowableOfType(TransportException.class,
        () -> registry().defaultOutgoing().send(email().build()));

    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.replyCode()).isEqualTo(554);
    assertThat(capture.attempts()).isEqualTo(1);
    registry().defaultOutgoing().send(email().build());
    assertThat(capture.mails()).hasSize(1);
  }

  @Test
  void anUnknownOutcomeOnDemandIsNotRetried() {
    capture.failNext(Kind.OUTCOME_UNKNOWN);

    TransportException e = catchThrowableOfType(TransportException.class,
        () -> registry().outgoing("sales").send(email().build()));

    assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
    assertThat(e.mailboxId()).isEqualTo("sales");
    assertThat(capture.attempts()).isEqualTo(1);
    assertThat(capture.mails()).isEmpty();
  }

  @Test
  void anAttachmentFileGoneBeforeTheSendIsAPermanentContentFailure(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("source.bin"), "x");
    Email email = email().attach("log.txt", "text/plain", file).build();
    Files.delete(file);

    TransportException e = catchThrowableOfType(TransportException.class,
        () -> registry().defaultOutgoing().send(email));

    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.stage()).isEqualTo(Stage.CONTENT);
    assertThat(e.getMessage())
        .startsWith("mailbox 'support': cannot read attachment 'log.txt': java.nio.file.NoSuchFileException");
    assertThat(capture.mails()).isEmpty();
  }

  @Test
  void checkPassesWithoutContactingAServerUnlessAskedToFail() {
    CheckResult passed = registry().defaultOutgoing().check();
    assertThat(passed.ok()).isTrue();
    assertThat(passed.message()).isEqualTo("mailbox 'support': smtp captured by outmail-test; no server contacted");

    capture.failChecks(TransportException.Stage.AUTHENTICATE, "authentication failed: 535 5.7.8");
    CheckResult failed = registry().outgoing("sales").check();
    assertThat(failed.ok()).isFalse();
    assertThat(failed.stage()).contains(TransportException.Stage.AUTHENTICATE);
    assertThat(failed.message()).isEqualTo("authentication failed: 535 5.7.8");
  }

  @Test
  void clearForgetsMailsAttemptsAndFailures() {
    registry().defaultOutgoing().send(email().build());
    capture.failAlways(Kind.PERMANENT).failChecks(TransportException.Stage.CONNECT, "refused");

    capture.clear();

    assertThat(capture.mails()).isEmpty();
    assertThat(capture.attempts()).isZero();
    assertThat(registry().defaultOutgoing().check().ok()).isTrue();
    registry().defaultOutgoing().send(email().build());
    assertThat(capture.mails()).hasSize(1);
  }

  @Test
  void aCapturedMailIsAnImmutableValue() {
    byte[] content = "abc".getBytes(StandardCharsets.UTF_8);
    Email email = email().attach("a.txt", "text/plain", content).build();
    registry().defaultOutgoing().send(email);
    registry().defaultOutgoing().send(email);

    CapturedMail first = capture.mails().get(0);
    first.attachment("a.txt").orElseThrow().content()[0] = 'z';

    assertThat(first.attachment("a.txt").orElseThrow().contentAsText()).isEqualTo("abc");
    assertThatThrownBy(() -> first.to().add("eve@example.org")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> first.headers().put("X-Evil", "1")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> capture.mails().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(first.messageId()).isEqualTo(capture.mails().get(1).messageId());
    assertThat(first).isEqualTo(first).hasSameHashCodeAs(first);
    assertThat(first.toString())
        .isEqualTo(
            "CapturedMail{mailbox=support, subject=\"Printer jammed\", to=[alice@example.org], attachments=[a.txt]}");
  }

  @Test
  void twoCapturesShareNothing() {
    MailCapture other = new MailCapture();
    MailboxRegistry second = other.install(MailboxRegistry.builder().mailbox(support().defaultOutgoing(true).build()))
        .build();

    second.defaultOutgoing().send(email().build());

    assertThat(other.mails()).hasSize(1);
    assertThat(capture.mails()).isEmpty();
    second.close();
  }

  @Test
  void aProviderForAProtocolOfTheHostsOwn() {
    MailboxRegistry pigeons = MailboxRegistry.builder().transportProvider(capture.provider("pigeon"))
        .mailbox(
            Mailbox.builder("loft").protocol("pigeon").emailDisplay("loft@example.com").defaultOutgoing(true).build())
        .build();

    pigeons.defaultOutgoing().send(email().build());

    assertThat(capture.mailsFrom("loft")).hasSize(1);
    pigeons.close();
  }

  @Test
  void aClosedRegistrysTransportNoLongerCaptures() {
    MailboxRegistry r = registry();
    r.defaultOutgoing().send(email().build());
    r.close();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email().build())).hasMessageContaining("closed");
    assertThat(capture.mails()).hasSize(1);
  }
}
