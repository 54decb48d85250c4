package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxDisabledException;
import org.outmail.MailboxRegistry;
import org.outmail.RecipientsBlockedException;

/**
 * What every outbox store must do, proved against a real one (SQLite in a file, PostgreSQL) and a real
 * SMTP server on 127.0.0.1. Delivery runs on the test's thread ({@code workers(0)} and {@link
 * Outbox#deliverDue()}) and time moves only when the test moves the clock.
 */
@Timeout(120)
abstract class OutboxStoreContract {
  @TempDir Path temp;
  RecordingSmtpServer smtp;
  MutableClock clock;
  Fixtures.Audit audit;
  AtomicReference<MailboxRegistry> registry;
  List<OutboxEntry> failures;
  Outbox outbox;

  /** A new, empty store. */
  abstract OutboxStore newStore() throws Exception;

  @BeforeEach
  void start() throws Exception {
    smtp = new RecordingSmtpServer();
    clock = new MutableClock();
    audit = new Fixtures.Audit();
    registry = new AtomicReference<>(Fixtures.registry(smtp.port(), audit));
    failures = new CopyOnWriteArrayList<>();
    outbox = builder().build();
  }

  Outbox.Builder builder() throws Exception {
    return Outbox.builder().registry(registry::get).store(newStore()).clock(clock).workers(0)
        .backoff(Duration.ofMinutes(1), Duration.ofHours(1)).maxAge(Duration.ofDays(1)).failureListener(failures::add);
  }

  @AfterEach
  void stop() throws Exception {
    if (outbox != null) {
      outbox.close();
    }
    registry.get().close();
    smtp.close();
  }

  MailboxRegistry registry() {
    return registry.get();
  }

  @Test
  void enqueueReturnsAnIdAndTheMailWaitsQueued() {
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));

    OutboxEntry e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.QUEUED);
    assertThat(e.mailboxId()).isEqualTo("support");
    assertThat(e.subject()).isEqualTo("[TICKET#4701] Notification 1");
    assertThat(e.messageId()).matches("<[^@<>\\s]+@example\\.com>");
    assertThat(e.createdAt()).isEqualTo(clock.instant());
    assertThat(e.nextAttemptAt()).contains(clock.instant());
    assertThat(e.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
    assertThat(e.attempts()).isZero();
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameIdAndQueuesNothingNew() {
    long first = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1), "ticket-4711-comment-9");
    long again = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(2), "ticket-4711-comment-9");
    long other = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(3), "ticket-4711-comment-10");

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(outbox.status(first).orElseThrow().idempotencyKey()).contains("ticket-4711-comment-9");
    assertThat(outbox.deliverDue()).isEqualTo(2);
    assertThat(smtp.received()).hasSize(2);
  }

  @Test
  void badInputFailsAtOnceAndQueuesNothing() {
    Email blocked = Email.builder().to("bot@noreply.example.com").subject("s").text("b").build();
    assertThatThrownBy(() -> outbox.enqueue(registry().defaultOutgoing(), blocked))
        .isInstanceOf(RecipientsBlockedException.class);

    MailboxRegistry disabled = MailboxRegistry.builder()
        .mailbox(Fixtures.mailbox("support", smtp.port()).enabled(false).build()).build();
    registry.set(disabled);
    assertThatThrownBy(() -> outbox.enqueue(disabled.outgoing("support"), Fixtures.mail(1)))
        .isInstanceOf(MailboxDisabledException.class).hasMessage("mailbox 'support' is disabled: nothing was sent");

    assertThat(outbox.count(OutboxState.QUEUED)).isZero();
    disabled.close();
  }

  @Test
  void aMailerOfAnotherRegistryIsRefused() {
    try (MailboxRegistry other = MailboxRegistry.builder().mailbox(Fixtures.mailbox("elsewhere", smtp.port())
        .defaultOutgoing(true).build()).build()) {
      assertThatThrownBy(() -> outbox.enqueue(other.defaultOutgoing(), Fixtures.mail(1)))
          .isInstanceOf(MailboxConfigException.class).hasMessageContaining("no mailbox with id 'elsewhere'");
    }
  }

  @Test
  void aSentMailRecordsItsRecipientsMessageIdAndTimeAndRunsTheHooks() {
    Email email = Email.builder().to("alice@example.org", "bot@noreply.example.com").cc("bob@example.org")
        .subject("Printer jammed").text("We are on it.").recordId("4711").header("X-Priority", "1").build();
    long id = outbox.enqueue(registry().defaultOutgoing(), email);
    clock.advance(Duration.ofSeconds(3));

    assertThat(outbox.deliverDue()).isEqualTo(1);

    OutboxEntry e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.SENT);
    assertThat(e.acceptedRecipients()).containsExactly("alice@example.org", "bob@example.org");
    assertThat(e.finishedAt()).contains(clock.instant());
    assertThat(e.nextAttemptAt()).isEmpty();
    assertThat(e.attempts()).isEqualTo(1);
    RecordingSmtpServer.Received r = smtp.received().get(0);
    assertThat(r.messageId()).isEqualTo(e.messageId());
    assertThat(r.recipients()).containsExactly("alice@example.org", "bob@example.org");
    assertThat(r.text()).contains("Subject: [TICKET#4711] Printer jammed", "X-Priority: 1", "We are on it.");
    assertThat(audit.seen).hasSize(1);
    assertThat(audit.seen.get(0).result().messageId()).isEqualTo(e.messageId());
    List<OutboxAttempt> attempts = outbox.attempts(id);
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).outcome()).contains("SENT");
    assertThat(attempts.get(0).node()).isEqualTo(outbox.nodeId());
    assertThat(outbox.deliverDue()).isZero();
  }

  @Test
  void aTransientFailureIsRetriedWithGrowingBackoffAndTheSameMessageId() {
    smtp.endOfDataReply(() -> "451 4.3.0 Temporary failure, try again");
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      assertThat(outbox.deliverDue()).isEqualTo(1);
      OutboxEntry e = outbox.status(id).orElseThrow();
      assertThat(e.state()).isEqualTo(OutboxState.DEFERRED);
      assertThat(e.lastError()).hasValueSatisfying(err -> assertThat(err).contains("451"));
      Instant next = e.nextAttemptAt().orElseThrow();
      waits.add(Duration.between(clock.instant(), next).toMillis());
      assertThat(outbox.deliverDue()).as("not due before its next attempt").isZero();
      clock.advance(Duration.between(clock.instant(), next));
    }
    // equal jitter: the n-th wait is within [ceiling/2, ceiling], ceiling = 1 min * 2^(n-1)
    for (int n = 1; n <= 4; n++) {
      long ceiling = Duration.ofMinutes(1).toMillis() << (n - 1);
      assertThat(waits.get(n - 1)).as("wait %d", n).isBetween(ceiling / 2, ceiling);
    }
    smtp.endOfDataReply(() -> "250 2.0.0 Ok");
    assertThat(outbox.deliverDue()).isEqualTo(1);
    OutboxEntry e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.SENT);
    assertThat(e.attempts()).isEqualTo(5);
    assertThat(outbox.attempts(id)).extracting(a -> a.outcome().orElseThrow())
        .containsExactly("DEFERRED", "DEFERRED", "DEFERRED", "DEFERRED", "SENT");
    assertThat(smtp.messageIds()).containsExactly(e.messageId());
  }

  @Test
  void aPermanentFailureFailsWithTheReasonAndTellsTheListener() {
    smtp.rcptReply(a -> "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown");
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));

    outbox.deliverDue();

    OutboxEntry e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.FAILED);
    assertThat(e.lastError()).hasValueSatisfying(err -> assertThat(err).contains("550 5.1.1"));
    assertThat(e.nextAttemptAt()).isEmpty();
    assertThat(failures).extracting(OutboxEntry::id).containsExactly(id);
    clock.advance(Duration.ofDays(2));
    assertThat(outbox.deliverDue()).as("never retried").isZero();
  }

  @Test
  void aMailStillFailingAtItsMaximumAgeExpires() {
    smtp.refusing(true);
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    int attempts = 0;
    while (!outbox.status(id).orElseThrow().state().isFinished()) {
      attempts += outbox.deliverDue();
      outbox.status(id).orElseThrow().nextAttemptAt()
          .ifPresent(next -> clock.advance(Duration.between(clock.instant(), next)));
    }
    OutboxEntry e = outbox.status(id).orElseThrow();
    String expired = "expired after " + attempts + " attempt(s)";
    assertThat(e.state()).isEqualTo(OutboxState.EXPIRED);
    assertThat(e.lastError()).hasValueSatisfying(err -> assertThat(err).startsWith(expired)
        .contains("421"));
    assertThat(Duration.between(e.createdAt(), clock.instant())).isLessThanOrEqualTo(Duration.ofDays(1));
    assertThat(attempts).isGreaterThan(20); // 1 min doubling to 1 h within a day
    assertThat(failures).extracting(OutboxEntry::state).containsExactly(OutboxState.EXPIRED);
  }

  @Test
  void anUnknownOutcomeIsSentAgainWithTheSameMessageId() {
    smtp.dropAfterData(1);
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));

    outbox.deliverDue();
    OutboxEntry e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.DEFERRED);
    assertThat(e.lastError()).hasValueSatisfying(err -> assertThat(err).startsWith("outcome unknown: ")
        .endsWith("sending again with the same Message-ID"));
    clock.advance(Duration.ofMinutes(2));
    outbox.deliverDue();

    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.SENT);
    assertThat(smtp.messageIds()).containsExactly(e.messageId());
  }

  @Test
  void anUnknownOutcomeStopsWhenThePolicySaysSo() throws Exception {
    outbox.close();
    outbox = builder().outcomeUnknown(OutcomeUnknownPolicy.MARK_UNKNOWN).build();
    smtp.dropAfterData(1);
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));

    outbox.deliverDue();

    OutboxEntry e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.UNKNOWN);
    assertThat(e.lastError())
        .hasValueSatisfying(err -> assertThat(err).endsWith("not sent again (policy MARK_UNKNOWN)"));
    assertThat(failures).extracting(OutboxEntry::id).containsExactly(id);
    assertThat(outbox.retryNow(id)).isTrue();
    outbox.deliverDue();
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.SENT);
  }

  @Test
  void recipientsDeferredInAPartialSendAreRetriedAlone() {
    smtp.rcptReply(a -> a.startsWith("bob") ? "450 4.2.1 Mailbox busy, try later"
        : a.startsWith("carol") ? "550 5.1.1 User unknown" : "250 2.1.5 Ok");
    long id = outbox.enqueue(registry().defaultOutgoing(), Email.builder()
        .to("alice@example.org", "bob@example.org", "carol@example.org").subject("s").text("b").build());

    outbox.deliverDue();
    OutboxEntry e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.DEFERRED);
    assertThat(e.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(e.pendingRecipients()).containsExactly("bob@example.org");
    assertThat(e.rejectedRecipients()).containsOnlyKeys("carol@example.org");

    smtp.rcptReply(a -> "250 2.1.5 Ok");
    clock.advance(Duration.ofMinutes(2));
    outbox.deliverDue();

    e = outbox.status(id).orElseThrow();
    assertThat(e.state()).isEqualTo(OutboxState.SENT);
    assertThat(e.acceptedRecipients()).containsExactly("alice@example.org", "bob@example.org");
    assertThat(smtp.received()).extracting(RecordingSmtpServer.Received::recipients)
        .containsExactly(List.of("alice@example.org"), List.of("bob@example.org"));
    assertThat(smtp.messageIds()).containsOnly(e.messageId());
  }

  @Test
  void aMailForADisabledMailboxWaitsAndOneForARemovedMailboxFails() {
    long waits = outbox.enqueue(registry().outgoing("support"), Fixtures.mail(1));
    long fails = outbox.enqueue(registry().outgoing("sales"), Fixtures.mail(2));
    MailboxRegistry edited = MailboxRegistry.builder()
        .mailbox(Fixtures.mailbox("support", smtp.port()).enabled(false).defaultOutgoing(true).build()).build();
    MailboxRegistry original = registry.getAndSet(edited);

    outbox.deliverDue();

    OutboxEntry w = outbox.status(waits).orElseThrow();
    assertThat(w.state()).isEqualTo(OutboxState.DEFERRED);
    assertThat(w.lastError())
        .contains("mailbox 'support' is disabled: nothing was sent; the mail waits until it is enabled");
    OutboxEntry f = outbox.status(fails).orElseThrow();
    assertThat(f.state()).isEqualTo(OutboxState.FAILED);
    assertThat(f.lastError())
        .hasValueSatisfying(err -> assertThat(err).startsWith("mailbox 'sales' can no longer send: ")
            .contains("no mailbox with id 'sales'"));
    assertThat(smtp.received()).isEmpty();

    registry.set(original);
    edited.close();
    clock.advance(Duration.ofMinutes(2));
    outbox.deliverDue();
    assertThat(outbox.status(waits).orElseThrow().state()).isEqualTo(OutboxState.SENT);
  }

  @Test
  void aRateLimitedMailboxWaitsForItsWindowAndNeverHoldsUpTheOthers() throws Exception {
    outbox.close();
    outbox = builder().rateLimit("support", "3/1m").rateLimit("support", "5/1h").build();
    for (int i = 0; i < 8; i++) {
      outbox.enqueue(registry().outgoing("support"), Fixtures.mail(i));
      outbox.enqueue(registry().outgoing("sales"), Fixtures.mail(100 + i));
    }

    assertThat(outbox.deliverDue()).isEqualTo(3 + 8);
    clock.advance(Duration.ofSeconds(59));
    assertThat(outbox.deliverDue()).as("the minute is not over").isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(outbox.deliverDue()).as("5 per hour leaves 2").isEqualTo(2);
    clock.advance(Duration.ofMinutes(30));
    assertThat(outbox.deliverDue()).isZero();
    clock.advance(Duration.ofMinutes(30));
    assertThat(outbox.deliverDue()).isEqualTo(3);
    assertThat(outbox.count(OutboxState.SENT)).isEqualTo(16);
  }

  @Test
  void retryNowAndCancel() {
    smtp.endOfDataReply(() -> "451 4.3.0 try later");
    long deferred = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    long cancelled = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(2));
    assertThat(outbox.cancel(cancelled)).isTrue();
    outbox.deliverDue();
    assertThat(outbox.status(deferred).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);
    assertThat(outbox.status(cancelled).orElseThrow().state()).isEqualTo(OutboxState.CANCELLED);
    assertThat(outbox.list(OutboxState.DEFERRED, 10)).extracting(OutboxEntry::id).containsExactly(deferred);
    assertThat(outbox.list(OutboxState.CANCELLED, 10)).extracting(OutboxEntry::id).containsExactly(cancelled);

    smtp.endOfDataReply(() -> "250 2.0.0 Ok");
    assertThat(outbox.retryNow(deferred)).isTrue();
    assertThat(outbox.deliverDue()).as("due at once, without moving the clock").isEqualTo(1);
    assertThat(outbox.status(deferred).orElseThrow().state()).isEqualTo(OutboxState.SENT);
    assertThat(outbox.retryNow(deferred)).as("a sent mail is not sent again").isFalse();
    assertThat(outbox.cancel(deferred)).as("a sent mail cannot be cancelled").isFalse();
    assertThat(outbox.retryNow(424242)).isFalse();
    assertThat(outbox.status(424242)).isEmpty();
  }

  @Test
  void aMailWhoseNodeDiedIsTakenOverWhenItsLeaseEnds() throws Exception {
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    JdbcStore store = outboxStore();
    long now = clock.millis();
    assertThat(store.claim("support", 10, now, now + Duration.ofMinutes(5).toMillis(), "dead-node", List.of()).mails())
        .hasSize(1);
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.SENDING);

    assertThat(outbox.deliverDue()).as("still leased").isZero();
    clock.advance(Duration.ofMinutes(5));
    assertThat(outbox.deliverDue()).isEqualTo(1);

    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.SENT);
    List<OutboxAttempt> attempts = outbox.attempts(id);
    assertThat(attempts).extracting(OutboxAttempt::node).containsExactly("dead-node", outbox.nodeId());
    assertThat(attempts.get(0).outcome()).contains("UNKNOWN");
    assertThat(attempts.get(0).detail()).hasValueSatisfying(d -> assertThat(d).contains("its lease ended"));
    assertThat(outbox.count(OutboxState.SENDING)).isZero();
  }

  @Test
  void anAttachedFileIsStoredAtEnqueueAndStreamedBack() throws Exception {
    Path file = temp.resolve("report.bin");
    byte[] content = new byte[700_000]; // three chunks
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + (i >> 8));
    }
    Files.write(file, content);
    long id = outbox.enqueue(registry().defaultOutgoing(), Email.builder().to("alice@example.org").subject("report")
        .text("attached").attach("report.bin", "application/octet-stream", file)
        .attach("note.txt", "text/plain", "small note".getBytes(StandardCharsets.UTF_8)).build());
    Files.delete(file); // the host may delete its file once enqueue returned

    outbox.deliverDue();

    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.SENT);
    String text = smtp.received().get(0).text();
    String base64 = java.util.Base64.getMimeEncoder().encodeToString(content).substring(0, 4000);
    assertThat(text.replace("\r\n", "")).contains(base64.replace("\r\n", ""));
    assertThat(text).contains("report.bin", "note.txt");
  }

  @Test
  void everyStateChangeIsListedByState() {
    smtp.rcptReply(a -> a.startsWith("user2") ? "550 5.1.1 User unknown" : "250 2.1.5 Ok");
    outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(2));
    long queued = outbox.enqueue(registry().outgoing("sales"), Fixtures.mail(3));
    assertThat(outbox.count(OutboxState.QUEUED)).isEqualTo(3);

    registry.get(); // both mailboxes deliver in one pass
    outbox.deliverDue();

    assertThat(outbox.count(OutboxState.SENT)).isEqualTo(2);
    assertThat(outbox.count(OutboxState.FAILED)).isEqualTo(1);
    assertThat(outbox.list(OutboxState.SENT, 10)).extracting(OutboxEntry::id).contains(queued);
    assertThat(outbox.list(OutboxState.SENT, 1)).hasSize(1);
  }

  @Test
  void aSearchFindsMailByRecipientRecordIdMessageIdSubjectStartAndIdInAnyStateAndPagesById() {
    long first = outbox.enqueue(registry().defaultOutgoing(),
        Email.builder().to("Alice@Example.org").cc("bob@example.org")
            .subject("Printer on floor 2 is jammed").text("b").recordId("4711").build());
    long second = outbox.enqueue(registry().defaultOutgoing(), Email.builder().to("alice@example.org")
        .subject("Printer toner low").text("b").recordId("4712").build());
    long other = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    outbox.cancel(second);
    String messageId = outbox.status(other).orElseThrow().messageId();

    assertThat(outbox.search("alice@example.org", 0, 10)).extracting(OutboxEntry::id).containsExactly(first, second);
    assertThat(outbox.search("BOB@example.org", 0, 10)).extracting(OutboxEntry::id).containsExactly(first);
    assertThat(outbox.search("4712", 0, 10)).extracting(OutboxEntry::id).containsExactly(second);
    assertThat(outbox.search(messageId, 0, 10)).extracting(OutboxEntry::id).containsExactly(other);
    assertThat(outbox.search(messageId.substring(1, messageId.length() - 1), 0, 10)).extracting(OutboxEntry::id)
        .containsExactly(other);
    assertThat(outbox.search("printer", 0, 10)).extracting(OutboxEntry::id).containsExactly(first, second);
    assertThat(outbox.search("[TICKET#4711] Printer", 0, 10)).extracting(OutboxEntry::id).containsExactly(first);
    assertThat(outbox.search("#" + other, 0, 10)).extracting(OutboxEntry::id).containsExactly(other);
    assertThat(outbox.search("alice@example", 0, 10)).isEmpty(); // recipients match whole, not by their start
    assertThat(outbox.search("on floor", 0, 10)).isEmpty(); // subjects match from their start

    assertThat(outbox.search("alice@example.org", 0, 1)).extracting(OutboxEntry::id).containsExactly(first);
    assertThat(outbox.search("alice@example.org", first, 1)).extracting(OutboxEntry::id).containsExactly(second);
    assertThat(outbox.search("alice@example.org", second, 1)).isEmpty();
    assertThat(outbox.search("printer", first, 10)).extracting(OutboxEntry::state)
        .containsExactly(OutboxState.CANCELLED);
    assertThatThrownBy(() -> outbox.search(" ", 0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the search text must not be blank");

    outbox.deliverDue();
    clock.advance(Duration.ofDays(8));
    outbox.purge(Duration.ofDays(7));
    assertThat(outbox.search("alice@example.org", 0, 10)).isEmpty();
  }

  @Test
  void aSearchReadsTheTermsIndexWithoutScanningTheMails() throws Exception {
    List<Email> mails = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      mails.add(Fixtures.mail(i));
    }
    outbox.enqueueAll(registry().defaultOutgoing(), mails, null);
    String plans = searchPlans();
    assertThat(plans).doesNotContainIgnoringCase("Seq Scan").doesNotContainIgnoringCase("SCAN outmail_outbox ")
        .doesNotContainIgnoringCase("SCAN outmail_outbox_term ");
  }

  /** A search's queries, with their text parameters (the numbers written in): exact term, subject prefix, mails. */
  static final String[][] SEARCHES = {
      {"SELECT mail_id FROM outmail_outbox_term WHERE term = ? AND mail_id > 0 ORDER BY mail_id LIMIT 50",
          "r:user4999@example.org"},
      {"SELECT DISTINCT mail_id FROM outmail_outbox_term WHERE term >= ? AND term < ? AND mail_id > 0 ORDER BY mail_id "
          + "LIMIT 50", "s:notification 4999", "s:notification 4999\uffff"},
      {"SELECT id FROM outmail_outbox WHERE id IN (1, 2, 3) ORDER BY id"}};

  /** The database's plans of a search's queries (exact term, subject prefix), one after the other. */
  abstract String searchPlans() throws Exception;

  @Test
  void finishedMailIsPurgedAfterItsRetention() {
    long id = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(1));
    outbox.deliverDue();
    assertThat(outbox.purge(Duration.ofDays(7))).isZero();
    clock.advance(Duration.ofDays(7).plusMillis(1));
    assertThat(outbox.purge(Duration.ofDays(7))).isEqualTo(1);
    assertThat(outbox.status(id)).isEmpty();
    assertThat(outbox.attempts(id)).isEmpty();
  }

  @Test
  void urgentMailIsClaimedAheadOfABulkBacklogAndNormalAheadOfBulk() throws Exception {
    int backlog = Integer.getInteger("outmail.test.backlog", 100_000);
    List<Email> bulk = new ArrayList<>();
    for (int i = 0; i < backlog; i++) {
      bulk.add(Fixtures.mail(i));
      if (bulk.size() == 5_000 || i == backlog - 1) {
        outbox.enqueueAll(registry().defaultOutgoing(), bulk, Priority.BULK);
        bulk.clear();
      }
    }
    clock.advance(Duration.ofSeconds(1));
    long normal = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(-1));
    clock.advance(Duration.ofSeconds(1));
    long urgent = outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(-2), null, Priority.URGENT);
    assertThat(outbox.count(OutboxState.QUEUED)).isEqualTo(backlog + 2);
    assertThat(outbox.status(urgent).orElseThrow().priority()).isEqualTo(Priority.URGENT);
    assertThat(outbox.status(normal).orElseThrow().priority()).isEqualTo(Priority.NORMAL);

    long now = clock.millis();
    List<JdbcStore.Claimed> claimed = outboxStore().claim("support", 3, now, now + 30_000, outbox.nodeId(), List.of())
        .mails();

    assertThat(claimed).extracting(JdbcStore.Claimed::id).startsWith(urgent, normal).hasSize(3);
    assertThat(outbox.status(claimed.get(2).id()).orElseThrow().priority()).isEqualTo(Priority.BULK);
  }

  @Test
  void aClaimReadsDueMailThroughTheClaimIndexWithoutSortingTheBacklog() throws Exception {
    List<Email> mails = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      mails.add(Fixtures.mail(i));
    }
    outbox.enqueueAll(registry().defaultOutgoing(), mails, null);
    JdbcStore store = outboxStore();
    String plan = plan(store, store.claimQuery());
    assertThat(plan).contains("outmail_outbox_claim").doesNotContainIgnoringCase("Seq Scan")
        .doesNotContainIgnoringCase("SCAN outmail_outbox ").doesNotContainIgnoringCase("Sort")
        .doesNotContainIgnoringCase("TEMP B-TREE");
  }

  /** The database's plan of the claim query for mailbox support, normal priority, due now, 16 rows. */
  abstract String plan(JdbcStore store, String claimQuery) throws Exception;

  /** The store behind the outbox, to play a second node that claims and dies. */
  JdbcStore outboxStore() throws Exception {
    java.lang.reflect.Field f = Outbox.class.getDeclaredField("store");
    f.setAccessible(true);
    return (JdbcStore) f.get(outbox);
  }
}
