package org.outmail.test.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.BlockReason;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.RecipientsBlockedException;
import org.outmail.RetryPolicy;
import org.outmail.Secret;
import org.outmail.SendResult;
import org.outmail.TransportException.Kind;
import org.outmail.TransportException.Stage;
import org.outmail.TransportException;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/**
 * The behaviour every transport must show, whatever its protocol: what arrives at the server, and
 * the one shape of its failures (a {@link TransportException} with its kind and stage, the mailbox
 * id, never a secret). A transport module extends this with a test server on 127.0.0.1 and
 * supplies, through the abstract methods, mailboxes pointing at it, at a server that fails on
 * purpose, at a token endpoint that refuses, and one the transport refuses.
 *
 * <p>Sends go through the public API ({@link MailboxRegistry}); what only a transport can be asked
 * (send after close, a configuration refused when the transport is opened) goes through the
 * provider found for the mailbox's protocol.
 */
@Timeout(60)
public abstract class TransportContractTest {
  /** How the test server fails a message handed over to it (the whole message, not a command before it). */
  public enum Fault {
    /** Refuses it for now: an SMTP {@code 4xx} reply to the final dot; Graph's {@code 429} or {@code 503}. */
    TRANSIENT,
    /** Refuses it for good: an SMTP {@code 5xx} reply to the final dot; a Graph {@code 4xx} error about the message. */
    PERMANENT,
    /**
     * Takes it and never answers: the connection closed after the final dot, or a gateway error
     * ({@code 504}) after the request.
     */
    OUTCOME_UNKNOWN
  }

  /** The retry policy of the mailboxes that fail on purpose: two quick attempts. */
  protected static final RetryPolicy QUICK_RETRIES = RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(20));

  private final List<MailboxRegistry> registries = new ArrayList<>();
  private final List<MailTransport> transports = new ArrayList<>();
  private @Nullable MailboxRegistry registry;

  /**
   * A mailbox builder, id as given, pointing at this test's server, with whatever host, port,
   * encryption, protocol, credentials and OAuth client a send needs to succeed. The contract sets
   * email display ({@code desk@example.com}), display name, prefix, exclude expression and default
   * itself.
   *
   * @param id the mailbox id
   * @return a new mailbox builder
   */
  protected abstract Mailbox.Builder mailboxAtTestServer(String id);

  /** {@return every mail the test server received since the test started, in order} */
  protected abstract List<ReceivedMail> received();

  /**
   * A mailbox builder like {@link #mailboxAtTestServer}, at a server that fails every message
   * handed over to it as the fault says (at least as many times as {@link #QUICK_RETRIES} tries).
   *
   * @param id the mailbox id
   * @param fault how the server fails each message
   * @return a new mailbox builder
   */
  protected abstract Mailbox.Builder mailboxAtServerFailing(String id, Fault fault);

  /**
   * A mailbox builder whose OAuth client's token endpoint (on 127.0.0.1) refuses the client's
   * credentials for good ({@code invalid_client}).
   *
   * @param id the mailbox id
   * @return a new mailbox builder
   */
  protected abstract Mailbox.Builder mailboxWithRefusedToken(String id);

  /**
   * A mailbox builder that the transport's provider refuses ({@link TransportProvider#validate}).
   *
   * @param id the mailbox id
   * @return a new mailbox builder
   */
  protected abstract Mailbox.Builder mailboxRefusedByTheTransport(String id);

  /**
   * A mailbox builder like {@link #mailboxAtTestServer}, at a port of 127.0.0.1 where nothing
   * listens.
   *
   * @param id the mailbox id
   * @return a new mailbox builder
   */
  protected Mailbox.Builder mailboxAtDeadServer(String id) {
    return mailboxAtTestServer(id).port(deadPort());
  }

  /**
   * {@return the token providers the transport's tests need, asked before the built-in one; none
   * unless overridden}
   */
  protected List<AccessTokenProvider> accessTokenProviders() {
    return List.of();
  }

  /** {@return a new registry builder with {@link #accessTokenProviders()}; override to add more} */
  protected MailboxRegistry.Builder registryBuilder() {
    MailboxRegistry.Builder b = MailboxRegistry.builder();
    accessTokenProviders().forEach(b::accessTokenProvider);
    return b;
  }

  /**
   * {@return the provider of the protocol, found by {@link ServiceLoader} as the registry finds it}
   *
   * @param protocol the protocol, such as {@code smtp}
   * @throws IllegalStateException if no transport for the protocol is on the classpath
   */
  protected TransportProvider provider(String protocol) {
    List<String> found = new ArrayList<>();
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      if (p.protocol().equals(protocol)) {
        return p;
      }
      found.add(p.protocol());
    }
    throw new IllegalStateException("no transport for protocol '" + protocol + "' on the classpath; found: " + found);
  }

  /**
   * {@return what a transport opened directly is given: {@link #accessTokenProviders()} and the
   * built-in token client}
   */
  protected TransportContext transportContext() {
    return TransportContext.of(AccessTokens.standardWith(accessTokenProviders(), TokenStore.inMemory()));
  }

  /**
   * {@return the registry of the contract's mailbox at the test server, {@code contract}; made on
   * first use and closed after the test}
   */
  protected final MailboxRegistry registry() {
    if (registry == null) {
      registry = registry(mailboxAtTestServer("contract"));
    }
    return registry;
  }

  /**
   * {@return a registry whose default mailbox is the one given, with the contract's fields set;
   * closed after the test}
   *
   * @param mailbox the mailbox builder, to which the contract's fields are added
   */
  protected final MailboxRegistry registry(Mailbox.Builder mailbox) {
    MailboxRegistry r = registryBuilder().mailbox(contractFields(mailbox).build()).build();
    registries.add(r);
    return r;
  }

  private static Mailbox.Builder contractFields(Mailbox.Builder mailbox) {
    return mailbox
        .emailDisplay("desk@example.com")
        .displayName("Your Service Desk")
        .prefix("TICKET#")
        .excludeExpression(".*@noreply\\.example\\.com")
        .defaultOutgoing(true);
  }

  @AfterEach
  void closeEverything() {
    transports.forEach(MailTransport::close);
    registries.forEach(MailboxRegistry::close);
  }

  // what arrives

  @Test
  void sendsWithTaggedSubjectFromTheMailboxDisplayName() {
    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org")
        .subject("Printer on floor 2 is jammed")
        .text("plain body")
        .recordId("4711")
        .build());

    assertThat(result.subject()).isEqualTo("[TICKET#4711] Printer on floor 2 is jammed");
    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org");
    List<ReceivedMail> mails = received();
    assertThat(mails).hasSize(1);
    ReceivedMail mail = mails.get(0);
    assertThat(mail.subject()).isEqualTo("[TICKET#4711] Printer on floor 2 is jammed");
    assertThat(mail.fromAddress()).isEqualTo("desk@example.com");
    assertThat(mail.fromName()).isEqualTo("Your Service Desk");
    assertThat(mail.to()).containsExactly("alice@example.org");
    assertThat(mail.text()).contains("plain body");
  }

  @Test
  void bccIsDeliveredButNeverAppearsInTheHeaders() {
    registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").cc("carol@example.org").bcc("bob@example.org")
        .subject("Hidden copy").text("body").build());

    ReceivedMail mail = received().get(0);
    assertThat(mail.recipients()).containsExactlyInAnyOrder("alice@example.org", "carol@example.org",
        "bob@example.org");
    assertThat(mail.cc()).containsExactly("carol@example.org");
    assertThat(mail.header("bcc")).isEmpty();
    assertThat(String.join("\n", mail.headers().values())).doesNotContain("bob@example.org");
  }

  @Test
  void excludedRecipientNeverReachesTheServer() {
    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org", "robot@noreply.example.com")
        .subject("Update").text("body").build());

    assertThat(result.blockedRecipients()).isEqualTo(Map.of("robot@noreply.example.com", BlockReason.EXCLUDED));
    assertThat(received()).singleElement()
        .satisfies(m -> assertThat(m.recipients()).containsExactly("alice@example.org"));
  }

  @Test
  void everyRecipientBlockedSendsNothing() {
    assertThatThrownBy(() -> registry().defaultOutgoing().send(Email.builder()
        .to("robot@noreply.example.com").subject("Update").text("body").build()))
        .isInstanceOf(RecipientsBlockedException.class);
    assertThat(received()).isEmpty();
  }

  @Test
  void customHeaderReplyToHtmlAndAttachmentArrive() {
    byte[] content = "line 1\nline 2\n".getBytes(StandardCharsets.UTF_8);
    registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").replyTo("helpdesk@example.com")
        .subject("With parts").text("plain body").html("<p>html body</p>")
        .header("X-Outmail-Test", "42")
        .attach("log.txt", "text/plain", content)
        .build());

    ReceivedMail mail = received().get(0);
    assertThat(mail.header("X-Outmail-Test")).contains("42");
    assertThat(mail.replyTo()).containsExactly("helpdesk@example.com");
    assertThat(mail.html()).contains("<p>html body</p>");
    assertThat(mail.attachments()).containsKey("log.txt");
    assertThat(mail.attachments().get("log.txt")).isEqualTo(content);
  }

  @Test
  void attachmentFromAFileArrivesWithItsBytes(@TempDir Path dir) throws IOException {
    byte[] content = "read from a file when the mail is sent\n".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("source.bin"), content);

    registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("File").text("body").attach("report.txt", "text/plain", file).build());

    assertThat(received()).singleElement()
        .satisfies(m -> assertThat(m.attachments().get("report.txt")).isEqualTo(content));
  }

  @Test
  void utf8SubjectAndDisplayNameSurviveTheTrip() {
    registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("Drucker im 2. Stock: Papierstau – čeština 日本").text("Grüße").build());

    ReceivedMail mail = received().get(0);
    assertThat(mail.subject()).isEqualTo("Drucker im 2. Stock: Papierstau – čeština 日本");
    assertThat(mail.text()).contains("Grüße");
  }

  @Test
  void messageIdOfTheResultIsTheOneSent() {
    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("Id").text("body").build());

    assertThat(result.messageId()).matches("<[^@<>]+@example\\.com>");
    assertThat(received().get(0).header("message-id")).contains(result.messageId());
  }

  @Test
  void checkPassesAgainstAWorkingServer() {
    CheckResult check = registry().defaultOutgoing().check();
    assertThat(check.ok()).as(check.message()).isTrue();
    assertThat(check.message()).isNotBlank();
    assertThat(received()).isEmpty();
  }

  // one failure shape

  @Test
  void transientRefusalIsATransientFailureOfTheContent() {
    TransportException e = sendFailing(mailboxAtServerFailing("transient", Fault.TRANSIENT));

    assertFailure(e, "transient", Kind.TRANSIENT, Stage.CONTENT);
    assertThat(e.isTransient()).isTrue();
    assertThat(e.replyCode()).as("the server's reply or HTTP code").isPositive();
  }

  @Test
  void permanentRefusalIsAPermanentFailureOfTheContent() {
    TransportException e = sendFailing(mailboxAtServerFailing("permanent", Fault.PERMANENT));

    assertFailure(e, "permanent", Kind.PERMANENT, Stage.CONTENT);
    assertThat(e.isTransient()).isFalse();
    assertThat(e.replyCode()).as("the server's reply or HTTP code").isPositive();
  }

  @Test
  void noAnswerAfterTheHandoverIsAnUnknownOutcome() {
    TransportException e = sendFailing(mailboxAtServerFailing("unknown", Fault.OUTCOME_UNKNOWN));

    assertFailure(e, "unknown", Kind.OUTCOME_UNKNOWN, Stage.CONTENT);
    assertThat(e.isOutcomeUnknown()).isTrue();
  }

  @Test
  void refusedTokenIsAPermanentTokenFailureThatNeverShowsTheSecret() {
    Mailbox.Builder mailbox = mailboxWithRefusedToken("token");
    String secret = contractFields(mailbox).build().oauthClient().flatMap(OAuthClient::clientSecret).map(Secret::value)
        .orElseThrow();

    TransportException e = sendFailing(mailbox);

    assertFailure(e, "token", Kind.PERMANENT, Stage.TOKEN);
    assertThat(e.getMessage()).doesNotContain(secret);
    assertThat(e.toString()).doesNotContain(secret);
  }

  @Test
  void checkReportsARefusedTokenAtStageToken() {
    Mailbox.Builder mailbox = mailboxWithRefusedToken("token-check");
    String secret = contractFields(mailbox).build().oauthClient().flatMap(OAuthClient::clientSecret).map(Secret::value)
        .orElseThrow();

    CheckResult check = registry(mailbox).defaultOutgoing().check();

    assertThat(check.ok()).as(check.message()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(check.message()).isNotBlank().doesNotContain(secret);
  }

  @Test
  void unreadableAttachmentFileIsAPermanentContentFailureNamingIt(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("source.bin"), "gone before the send");
    Email email = Email.builder().to("alice@example.org").subject("Log").text("see attachment")
        .attach("log.txt", "text/plain", file).build();
    Files.delete(file);

    TransportException e = catchThrowableOfType(TransportException.class,
        () -> registry().defaultOutgoing().send(email));

    assertFailure(e, "contract", Kind.PERMANENT, Stage.CONTENT);
    assertThat(e.getMessage()).contains("log.txt");
    assertThat(received()).isEmpty();
  }

  @Test
  void attachmentFileThatFailsWhileReadIsAPermanentContentFailureNamingIt(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("source.bin"), "replaced before the send");
    Email email = Email.builder().to("alice@example.org").subject("Log").text("see attachment")
        .attach("log.txt", "text/plain", file).build();
    Files.delete(file);
    Files.createDirectory(file); // readable, so it passes a check; reading it fails

    TransportException e = catchThrowableOfType(TransportException.class,
        () -> registry().defaultOutgoing().send(email));

    assertFailure(e, "contract", Kind.PERMANENT, Stage.CONTENT);
    assertThat(e.getMessage()).contains("log.txt");
    assertThat(received()).isEmpty();
  }

  @Test
  void checkAgainstADeadServerFailsWithoutThrowing() {
    MailboxRegistry r = registry(mailboxAtDeadServer("dead-check").retryPolicy(QUICK_RETRIES));

    CheckResult[] check = new CheckResult[1];
    assertThatCode(() -> check[0] = r.defaultOutgoing().check()).doesNotThrowAnyException();

    assertThat(check[0].ok()).as(check[0].message()).isFalse();
    assertThat(check[0].stage()).isPresent();
    assertThat(check[0].message()).isNotBlank();
  }

  @Test
  void sendToADeadServerIsATransientConnectFailure() {
    TransportException e = sendFailing(mailboxAtDeadServer("dead"));

    assertFailure(e, "dead", Kind.TRANSIENT, Stage.CONNECT);
  }

  @Test
  void sendAfterCloseIsAClosedFailure() {
    Mailbox mailbox = contractFields(mailboxAtTestServer("closed")).build();
    MailTransport transport = open(mailbox);
    transport.close();

    TransportException e = catchThrowableOfType(TransportException.class, () -> transport.send(message(mailbox)));

    assertFailure(e, "closed", Kind.PERMANENT, Stage.CLOSED);
    assertThat(received()).isEmpty();
  }

  @Test
  void checkAfterCloseFailsWithoutThrowing() {
    Mailbox mailbox = contractFields(mailboxAtTestServer("closed-check")).build();
    MailTransport transport = open(mailbox);
    transport.close();

    CheckResult[] check = new CheckResult[1];
    assertThatCode(() -> check[0] = transport.check()).doesNotThrowAnyException();

    assertThat(check[0].ok()).as(check[0].message()).isFalse();
  }

  @Test
  void refusedConfigurationFailsTheRegistryAndIsAConfigFailureOfTheTransport() {
    Mailbox mailbox = contractFields(mailboxRefusedByTheTransport("refused")).build();

    assertThatThrownBy(() -> registryBuilder().mailbox(mailbox).build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.mailboxId()).isEqualTo("refused"));
    TransportException e = catchThrowableOfType(TransportException.class, () -> {
      MailTransport transport = open(mailbox);
      transport.send(message(mailbox));
    });

    assertFailure(e, "refused", Kind.PERMANENT, Stage.CONFIG);
  }

  // helpers

  private TransportException sendFailing(Mailbox.Builder mailbox) {
    MailboxRegistry r = registry(mailbox.retryPolicy(QUICK_RETRIES));
    Email email = Email.builder().to("alice@example.org").subject("Fails").text("body").recordId("4711").build();
    return catchThrowableOfType(TransportException.class, () -> r.defaultOutgoing().send(email));
  }

  /**
   * Checks the kind, the stage, and the mailbox named in the exception and in its message.
   *
   * @param e the exception, which must not be {@code null}
   * @param mailboxId the id of the mailbox the exception must name
   * @param kind the expected kind
   * @param stage the expected stage
   */
  protected static void assertFailure(TransportException e, String mailboxId, Kind kind, Stage stage) {
    assertThat(e).as("a TransportException").isNotNull();
    assertThat(e.kind()).as("kind of: %s", e).isEqualTo(kind);
    assertThat(e.stage()).as("stage of: %s", e).isEqualTo(stage);
    assertThat(e.mailboxId()).as("mailbox id of: %s", e).isEqualTo(mailboxId);
    assertThat(e.getMessage()).contains("'" + mailboxId + "'");
  }

  private MailTransport open(Mailbox mailbox) {
    MailTransport t = provider(mailbox.protocol()).open(mailbox, transportContext());
    transports.add(t);
    return t;
  }

  private static OutgoingMessage message(Mailbox mailbox) {
    return OutgoingMessage.builder(mailbox).to(List.of("alice@example.org")).subject("Direct").text("body")
        .messageId("<contract-" + mailbox.id() + "@example.com>").build();
  }

  /** {@return a port of 127.0.0.1 where nothing listens: one that was free a moment ago} */
  protected static int deadPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
