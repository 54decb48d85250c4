package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.test.contract.ReceivedMail;

/**
 * Against a real Postfix (Debian's package, run by {@code scripts/postfix-local.sh}; {@code
 * ./test.sh} installs it), whose smtpd offers PIPELINING and CHUNKING: each behaviour in every mode
 * of the connection (PIPELINING and CHUNKING as offered, CHUNKING off, PIPELINING off, one mail in
 * flight), on one pooled connection. What Postfix delivered is read from its maildir, what its
 * smtpd counted per connection from its log ({@code target/postfix/log/maillog}).
 */
@Timeout(120)
class PostfixTest {
  private static final String DOMAIN = LocalPostfix.DOMAIN;
  /** Postfix takes this many recipients in one transaction and answers 452 4.5.3 to the next. */
  private static final int RECIPIENT_LIMIT = 20;

  private static LocalPostfix postfix;

  /** How the mailbox may use the connection. */
  enum Mode {
    DEFAULTS(SmtpOptions.builder()), CHUNKING_OFF(SmtpOptions.builder().chunking(false)), PIPELINING_OFF(
        SmtpOptions.builder().pipelining(false)), ONE_IN_FLIGHT(SmtpOptions.builder().maxInFlight(1));

    private final SmtpOptions options;

    Mode(SmtpOptions.Builder options) {
      this.options = options.maxConnections(1).build();
    }

    /** Whether mails should go with BDAT: CHUNKING and PIPELINING on (Postfix offers both). */
    boolean bdat() {
      return options.pipelining() && options.chunking();
    }

    /** A recipient at the test domain, unique to the mode: {@code burst-7-chunking-off@postfix.test}. */
    String address(String localPart) {
      return localPart + suffix();
    }

    /** How the mode's recipients end: {@code -chunking-off@postfix.test}. */
    String suffix() {
      return "-" + name().toLowerCase(Locale.ROOT).replace('_', '-') + "@" + DOMAIN;
    }
  }

  @BeforeAll
  static void startPostfix() {
    postfix = LocalPostfix.start(Path.of("target", "postfix"),
        Map.of("POSTFIX_LOCAL_RECIPIENT_LIMIT", Integer.toString(RECIPIENT_LIMIT)));
  }

  @AfterAll
  static void stopPostfix() {
    if (postfix != null) {
      postfix.close();
    }
  }

  /** A registry whose default mailbox sends to Postfix in the mode, with 8 threads for sendAsync. */
  private static MailboxRegistry registry(Mode mode) {
    return MailboxRegistry.builder().asyncThreads(8)
        .mailbox(Fixtures.mailbox(postfix.port(), Encryption.NONE).options(mode.options).defaultOutgoing(true).build())
        .build();
  }

  private static SendResult join(CompletableFuture<SendResult> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw new AssertionError("a send failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Every file Postfix delivered to the mode's recipients whose address starts with {@code prefix}:
   * also a mail the transport did not mean to send, such as an empty one.
   */
  private static List<LocalPostfix.Delivery> deliveredTo(Mode mode, String prefix) {
    return postfix.deliveries().stream()
        .filter(d -> d.recipient() != null && d.recipient().startsWith(prefix) && d.recipient().endsWith(mode.suffix()))
        .toList();
  }

  /** Message-ID → the recipients Postfix delivered it to, once per delivery. */
  private static Map<String, List<String>> byMessageId(List<LocalPostfix.Delivery> deliveries) {
    return deliveries.stream().collect(Collectors.groupingBy(LocalPostfix.Delivery::messageId,
        Collectors.mapping(LocalPostfix.Delivery::recipient, Collectors.toList())));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fiftyConcurrentMailsOnOneConnectionAreEachDeliveredOnceToTheirOwnRecipients(Mode mode) throws Exception {
    long mark = postfix.logMark();
    List<CompletableFuture<SendResult>> futures = new ArrayList<>();
    List<SendResult> results = new ArrayList<>();
    try (MailboxRegistry r = registry(mode)) {
      for (int i = 0; i < 50; i++) {
        futures.add(r.defaultOutgoing().sendAsync(Email.builder()
            .to(mode.address("burst-" + i)).bcc(mode.address("burst-" + i + "-bcc"))
            .subject("Burst " + i).text("mail number " + i).build()));
      }
      futures.forEach(f -> results.add(join(f)));
    }

    assertThat(results.stream().map(SendResult::messageId).distinct()).hasSize(50);
    for (int i = 0; i < 50; i++) {
      assertThat(results.get(i).acceptedRecipients())
          .containsExactly(mode.address("burst-" + i), mode.address("burst-" + i + "-bcc"));
      assertThat(results.get(i).rejectedRecipients()).isEmpty();
      assertThat(results.get(i).deferredRecipients()).isEmpty();
    }
    List<LocalPostfix.Delivery> deliveries = postfix
        .awaitDeliveries(results.stream().map(SendResult::messageId).toList(), 100);
    assertThat(deliveries).hasSize(100);
    Map<String, List<String>> delivered = byMessageId(deliveries);
    for (int i = 0; i < 50; i++) {
      assertThat(delivered.get(results.get(i).messageId())).as("mail %d", i)
          .containsExactlyInAnyOrder(mode.address("burst-" + i), mode.address("burst-" + i + "-bcc"));
    }
    assertThat(deliveries).allSatisfy(d -> assertThat(d.recipient()).startsWith(d.subject().toLowerCase(Locale.ROOT)
        .replace(' ', '-') + "-"));
    assertThat(deliveredTo(mode, "burst-")).hasSize(100);
    assertThat(postfix.sessionsSince(mark)).singleElement()
        .satisfies(s -> assertThat(s).containsEntry("mail", "50").containsEntry("rcpt", "100"));
    assertThat(postfix.logSince(mark))
        .noneMatch(l -> l.contains("improper command pipelining") || l.contains("smtpd[") && l.contains("warning:"));
  }

  /**
   * The wire feature the mode asks for, as Postfix's smtpd counted it: every mail's content with
   * BDAT when PIPELINING and CHUNKING are on, with DATA otherwise.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void postfixReceivesEveryMailWithBdatExactlyWhenPipeliningAndChunkingAreOn(Mode mode) throws Exception {
    long mark = postfix.logMark();
    List<CompletableFuture<SendResult>> futures = new ArrayList<>();
    try (MailboxRegistry r = registry(mode)) {
      for (int i = 0; i < 10; i++) {
        futures.add(r.defaultOutgoing().sendAsync(Email.builder().to(mode.address("wire-" + i))
            .subject("Wire " + i).text("mail number " + i).build()));
      }
      futures.forEach(PostfixTest::join);
    }

    assertThat(postfix.sessionsSince(mark)).singleElement().satisfies(s -> {
      if (mode.bdat()) {
        assertThat(s).containsEntry("bdat", "10").doesNotContainKey("data");
      } else {
        assertThat(s).containsEntry("data", "10").doesNotContainKey("bdat");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void acceptedRejectedAndDeferredRecipientsAreToldApartAndOnlyTheAcceptedGetsTheMail(Mode mode) throws Exception {
    long mark = postfix.logMark();
    String ok = mode.address("partial");
    String rejected = mode.address("rejected-partial");
    String later = mode.address("later-partial");
    SendResult result;
    try (MailboxRegistry r = registry(mode)) {
      result = r.defaultOutgoing()
          .send(Email.builder().to(ok, rejected).cc(later).subject("Partial").text("body").build());
    }

    assertThat(result.acceptedRecipients()).containsExactly(ok);
    assertThat(result.rejectedRecipients())
        .isEqualTo(Map.of(rejected, "550 5.1.1 <" + rejected + ">: Recipient address rejected: User unknown"));
    assertThat(result.deferredRecipients())
        .isEqualTo(Map.of(later, "450 4.2.1 <" + later + ">: Recipient address rejected: Try again later"));
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(postfix.awaitDeliveries(Set.of(result.messageId()), 1)).singleElement()
        .satisfies(d -> assertThat(d.recipient()).isEqualTo(ok));
    assertThat(deliveredTo(mode, "partial")).hasSize(1);
    assertThat(deliveredTo(mode, "rejected-partial")).isEmpty();
    assertThat(deliveredTo(mode, "later-partial")).isEmpty();
    // the deferred recipient alone was tried again, twice; the accepted one never again
    assertThat(postfix.sessionsSince(mark)).singleElement()
        .satisfies(s -> assertThat(s).containsEntry("mail", "3").containsEntry("rcpt", "1/5"));
  }

  private static Email around(Mode mode, int i) {
    return Email.builder().to(mode.address("around-" + i)).subject("Around " + i).text("mail number " + i).build();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aMailWhoseEveryRecipientIsRefusedFailsWithTheRepliesAndTheMailsAroundItAreDelivered(Mode mode) throws Exception {
    long mark = postfix.logMark();
    String refused1 = mode.address("rejected-all-1");
    String refused2 = mode.address("rejected-all-2");
    List<CompletableFuture<SendResult>> around = new ArrayList<>();
    CompletableFuture<SendResult> refused;
    try (MailboxRegistry r = registry(mode)) {
      for (int i = 0; i < 6; i++) {
        around.add(r.defaultOutgoing().sendAsync(around(mode, i)));
      }
      refused = r.defaultOutgoing()
          .sendAsync(Email.builder().to(refused1, refused2).subject("Refused").text("b").build());
      for (int i = 6; i < 12; i++) {
        around.add(r.defaultOutgoing().sendAsync(around(mode, i)));
      }
      assertThatThrownBy(refused::join).cause().isInstanceOfSatisfying(TransportException.class, e -> {
        assertThat(e.stage()).isEqualTo(TransportException.Stage.RECIPIENTS);
        assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
        assertThat(e.replyCode()).isEqualTo(550);
        assertThat(e.rejectedRecipients()).isEqualTo(Map.of(
            refused1, "550 5.1.1 <" + refused1 + ">: Recipient address rejected: User unknown",
            refused2, "550 5.1.1 <" + refused2 + ">: Recipient address rejected: User unknown"));
      });
      around.forEach(PostfixTest::join);
    }

    List<String> ids = around.stream().map(f -> f.join().messageId()).toList();
    Map<String, List<String>> delivered = byMessageId(postfix.awaitDeliveries(ids, 12));
    for (int i = 0; i < 12; i++) {
      assertThat(delivered.get(ids.get(i))).as("mail %d", i).containsExactly(mode.address("around-" + i));
    }
    assertThat(deliveredTo(mode, "around-")).hasSize(12);
    assertThat(deliveredTo(mode, "rejected-all-")).isEmpty();
    // every MAIL FROM was taken: none refused as nested in the failed transaction
    assertThat(postfix.sessionsSince(mark)).singleElement()
        .satisfies(s -> assertThat(s).containsEntry("mail", "13").containsEntry("rcpt", "12/14"));
    assertThat(postfix.logSince(mark)).noneMatch(l -> l.contains("improper command pipelining"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aMailToMoreRecipientsThanPostfixTakesInOneTransactionReachesEachOnce(Mode mode) throws Exception {
    long mark = postfix.logMark();
    List<String> to = new ArrayList<>();
    for (int i = 0; i < 2 * RECIPIENT_LIMIT + 5; i++) {
      to.add(mode.address("many-" + i));
    }
    SendResult result;
    try (MailboxRegistry r = registry(mode)) {
      result = r.defaultOutgoing().send(Email.builder().bcc(to).subject("Many").text("body").build());
    }

    assertThat(result.acceptedRecipients()).containsExactlyElementsOf(to);
    assertThat(result.deferredRecipients()).isEmpty();
    assertThat(byMessageId(postfix.awaitDeliveries(Set.of(result.messageId()), to.size())).get(result.messageId()))
        .containsExactlyInAnyOrderElementsOf(to);
    assertThat(deliveredTo(mode, "many-")).hasSize(to.size());
    // 45 recipients, 20 per transaction: three transactions on one connection
    assertThat(postfix.sessionsSince(mark)).singleElement().satisfies(s -> assertThat(s).containsEntry("mail", "3"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSixMegabyteFileAttachmentArrivesIntact(Mode mode, @TempDir Path dir) throws Exception {
    byte[] content = new byte[6 * 1024 * 1024 + 3];
    new Random(mode.ordinal()).nextBytes(content);
    Path file = Files.write(dir.resolve("blob.bin"), content);
    SendResult result;
    try (MailboxRegistry r = registry(mode)) {
      result = r.defaultOutgoing().send(Email.builder().to(mode.address("big")).subject("Big").text("see attachment")
          .attach("blob.bin", "application/octet-stream", file).build());
    }

    assertThat(postfix.awaitDeliveries(Set.of(result.messageId()), 1)).singleElement().satisfies(d -> {
      ReceivedMail mail = d.read();
      assertThat(mail.text()).isEqualTo("see attachment");
      assertThat(mail.attachments()).containsOnlyKeys("blob.bin");
      assertThat(mail.attachments().get("blob.bin")).isEqualTo(content);
    });
    assertThat(deliveredTo(mode, "big")).hasSize(1);
  }
}
