package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.smtp.ScriptedSmtpServer.Action.dropConnection;
import static org.outmail.smtp.ScriptedSmtpServer.Action.normal;
import static org.outmail.smtp.ScriptedSmtpServer.Action.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.TransportException;

/**
 * Recipients a server does not take at once (RFC 5321 sections 3.3 and 4.5.3.1.10): a {@code 452}
 * "too many recipients" sends the rest in further transactions on the same connection, a mailbox's
 * {@code smtp.max-recipients-per-transaction} splits large envelopes, and a {@code 4xx} for some
 * recipients is retried for those alone, with the same Message-ID, then reported as deferred.
 * {@link PipelinedRecipientsTest} runs every case again on a server that offers PIPELINING.
 */
@Timeout(60)
class RecipientsTest extends ScriptedServerTest {

  private MailboxRegistry plain() {
    return registry(Fixtures.mailbox(server.port(), Encryption.NONE));
  }

  private static List<String> addresses(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "user" + i + "@example.org").toList();
  }

  private static Email emailTo(List<String> to) {
    return Email.builder().to(to.toArray(String[]::new)).subject("Hello").text("body").build();
  }

  private List<String> everyRecipientReceived() {
    List<String> all = new ArrayList<>();
    server.received().forEach(r -> all.addAll(r.recipients()));
    return all;
  }

  @Test
  void recipientsBeyondTheServersLimitGoInFurtherTransactionsWithTheSameMessageId() {
    server.recipientLimit(30, "452 4.5.3 Error: too many recipients");
    List<String> to = addresses(100);

    SendResult result = plain().defaultOutgoing().send(emailTo(to));

    assertThat(result.acceptedRecipients()).containsExactlyElementsOf(to);
    assertThat(result.rejectedRecipients()).isEmpty();
    assertThat(result.deferredRecipients()).isEmpty();
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(server.received()).hasSize(4);
    // after the first 452 the server's limit is known: no more RCPTs than it takes
    assertThat(server.rcptsPerTransaction()).containsExactly(100, 30, 30, 10);
    assertThat(everyRecipientReceived()).containsExactlyElementsOf(to);
    assertThat(server.received()).allSatisfy(r -> {
      assertThat(messageId(r)).isEqualTo(result.messageId());
      assertThat(r.data()).isEqualTo(server.received().get(0).data());
    });
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void aServerStillFollowingRfc821With552TooManyRecipientsGetsTheRestInFurtherTransactions() {
    server.recipientLimit(2, "552 5.5.3 Too many recipients");
    List<String> to = addresses(5);

    SendResult result = plain().defaultOutgoing().send(emailTo(to));

    assertThat(result.acceptedRecipients()).containsExactlyElementsOf(to);
    assertThat(result.rejectedRecipients()).isEmpty();
    assertThat(server.received()).extracting(r -> r.recipients().size()).containsExactly(2, 2, 1);
    assertThat(server.rcptsPerTransaction()).containsExactly(5, 2, 1);
  }

  @Test
  void aMailToMoreRecipientsThanTheMailboxMaximumIsSplitIntoTransactions() {
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .options(SmtpOptions.builder().maxRecipientsPerTransaction(2).build()));
    List<String> to = addresses(5);

    SendResult result = r.defaultOutgoing().send(Email.builder().to(to.get(0), to.get(1)).cc(to.get(2))
        .bcc(to.get(3), to.get(4)).subject("Hello").text("body").build());

    assertThat(server.rcptsPerTransaction()).containsExactly(2, 2, 1);
    assertThat(result.acceptedRecipients()).containsExactlyElementsOf(to);
    assertThat(everyRecipientReceived()).containsExactlyElementsOf(to);
    assertThat(server.received()).allSatisfy(m -> {
      assertThat(messageId(m)).isEqualTo(result.messageId());
      assertThat(m.text()).doesNotContain(to.get(3)).doesNotContain(to.get(4)); // Bcc: envelope only
    });
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void theMaximumOfRecipientsPerTransactionIsASettingOfTheMailbox() {
    MailboxRegistry r = registry(Mailbox.textForm().set(Fixtures.mailbox(server.port(), Encryption.NONE),
        "smtp.max-recipients-per-transaction", "3"));

    r.defaultOutgoing().send(emailTo(addresses(7)));

    assertThat(server.rcptsPerTransaction()).containsExactly(3, 3, 1);
    assertThat(SmtpOptions.of(r.defaultOutgoing().mailbox()).maxRecipientsPerTransaction()).isEqualTo(3);
    assertThat(SmtpOptions.builder().build().maxRecipientsPerTransaction()).isEqualTo(100);
  }

  @Test
  void aRecipientDeferredWith451IsRetriedAloneWithTheSameMessage() {
    AtomicInteger bobAsked = new AtomicInteger();
    server.rcptReply(a -> a.startsWith("bob") && bobAsked.incrementAndGet() == 1
        ? "451 4.7.1 <bob@example.org>: Recipient address rejected: greylisted" : "250 2.1.5 Ok");

    SendResult result = plain().defaultOutgoing().send(emailTo(List.of("alice@example.org", "bob@example.org")));

    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org", "bob@example.org");
    assertThat(result.deferredRecipients()).isEmpty();
    assertThat(result.rejectedRecipients()).isEmpty();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(server.received()).extracting(ScriptedSmtpServer.Received::recipients)
        .containsExactly(List.of("alice@example.org"), List.of("bob@example.org"));
    assertThat(server.received()).allSatisfy(m -> {
      assertThat(messageId(m)).isEqualTo(result.messageId());
      assertThat(m.text()).contains("To: alice@example.org, bob@example.org");
    });
  }

  @Test
  void aRecipientStillDeferredWhenTheRetriesAreUsedUpIsReportedAsDeferredNotRejected() {
    server.rcptReply(a -> a.startsWith("bob") ? "450 4.2.0 <bob@example.org>: Mailbox busy" : "250 2.1.5 Ok");

    SendResult result = plain().defaultOutgoing().send(emailTo(List.of("alice@example.org", "bob@example.org")));

    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(result.deferredRecipients())
        .isEqualTo(Map.of("bob@example.org", "450 4.2.0 <bob@example.org>: Mailbox busy"));
    assertThat(result.rejectedRecipients()).isEmpty();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(server.commands()).filteredOn(c -> c.equals("RCPT TO:<bob@example.org>")).hasSize(3);
    assertThat(server.received()).extracting(ScriptedSmtpServer.Received::recipients)
        .containsExactly(List.of("alice@example.org"));
  }

  @Test
  void aDeferredRecipientTheServerThenRefusesForGoodIsRejected() {
    AtomicInteger bobAsked = new AtomicInteger();
    server.rcptReply(a -> !a.startsWith("bob") ? "250 2.1.5 Ok"
        : bobAsked.incrementAndGet() == 1 ? "451 4.3.0 Try again later" : "550 5.1.1 <bob@example.org>: User unknown");

    SendResult result = plain().defaultOutgoing().send(emailTo(List.of("alice@example.org", "bob@example.org")));

    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(result.rejectedRecipients())
        .isEqualTo(Map.of("bob@example.org", "550 5.1.1 <bob@example.org>: User unknown"));
    assertThat(result.deferredRecipients()).isEmpty();
    assertThat(result.attempts()).isEqualTo(2);
  }

  @Test
  void refusedForGoodAndDeferredAreToldApart() {
    Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    server.rcptReply(a -> switch (a) {
      case "gone@example.org" -> "550 5.1.1 User unknown";
      case "busy@example.org" -> asked.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet() < 3
          ? "451 4.3.0 Try again later" : "250 2.1.5 Ok";
      default -> "250 2.1.5 Ok";
    });

    SendResult result = plain().defaultOutgoing()
        .send(emailTo(List.of("alice@example.org", "gone@example.org", "busy@example.org")));

    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org", "busy@example.org");
    assertThat(result.rejectedRecipients()).isEqualTo(Map.of("gone@example.org", "550 5.1.1 User unknown"));
    assertThat(result.deferredRecipients()).isEmpty();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(server.commands()).filteredOn(c -> c.equals("RCPT TO:<gone@example.org>")).hasSize(1);
  }

  @Test
  void aTransactionThatFailsAfterAnEarlierOneDeliveredDefersOnlyItsRecipients() {
    server.at("MAIL", normal(), reply("451 4.3.0 Try again later"));
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .options(SmtpOptions.builder().maxRecipientsPerTransaction(2).build()));
    List<String> to = addresses(4);

    SendResult result = r.defaultOutgoing().send(emailTo(to));

    assertThat(result.acceptedRecipients()).containsExactlyElementsOf(to);
    assertThat(result.deferredRecipients()).isEmpty();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(server.received()).extracting(ScriptedSmtpServer.Received::recipients)
        .containsExactly(to.subList(0, 2), to.subList(2, 4));
    assertThat(server.received()).allSatisfy(m -> assertThat(messageId(m)).isEqualTo(result.messageId()));
  }

  @Test
  void aConnectionLostAfterTheFinalDotOfALaterTransactionIsNeitherRetriedNorThrown() {
    server.at(".", normal(), dropConnection());
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .options(SmtpOptions.builder().maxRecipientsPerTransaction(2).build()));
    List<String> to = addresses(5);

    SendResult result = r.defaultOutgoing().send(emailTo(to));

    assertThat(result.acceptedRecipients()).containsExactly(to.get(0), to.get(1), to.get(4));
    // the outcome for the third and fourth is unknown: never sent again, so not deferred
    assertThat(result.rejectedRecipients()).containsOnlyKeys(to.get(2), to.get(3));
    assertThat(result.rejectedRecipients().get(to.get(2))).contains("it may have been delivered, so it is not retried");
    // the fifth was never offered: retried alone, on a new connection
    assertThat(result.deferredRecipients()).isEmpty();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(server.commands()).filteredOn(c -> c.equals("RCPT TO:<" + to.get(2) + ">")).hasSize(1);
    assertThat(server.received()).extracting(ScriptedSmtpServer.Received::recipients)
        .containsExactly(to.subList(0, 2), to.subList(4, 5));
  }

  @Test
  void everyRecipientDeferredInEveryTransactionIsATransientFailureNothingSent() {
    server.rcptReply(a -> "451 4.3.0 Try again later");
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .options(SmtpOptions.builder().maxRecipientsPerTransaction(2).build()));
    List<String> to = addresses(3);

    assertThatThrownBy(() -> r.defaultOutgoing().send(emailTo(to)))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.stage()).isEqualTo(TransportException.Stage.RECIPIENTS);
          assertThat(e.rejectedRecipients()).containsOnlyKeys(to);
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': the server 127.0.0.1:" + server.port() + " refused every recipient: "
                  + "{user1@example.org=451 4.3.0 Try again later, user2@example.org=451 4.3.0 Try again later, "
                  + "user3@example.org=451 4.3.0 Try again later}");
        });
    assertThat(server.received()).isEmpty();
  }
}
