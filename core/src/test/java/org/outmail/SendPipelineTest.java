package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.outmail.MailboxRegistryTest.out;
import static org.outmail.MailboxRegistryTest.uniqueId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportReceipt;
import org.outmail.testing.CountingHook;
import org.outmail.testing.RecordingTransportProvider.Recorder;
import org.outmail.testing.RecordingTransportProvider;

@Timeout(30)
class SendPipelineTest {
  private static final RetryPolicy FAST = RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(50));

  private final String id = uniqueId("desk");
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);

  private MailboxRegistry registry(Mailbox.Builder mailbox, PostSendHook... hooks) {
    MailboxRegistry.Builder b = MailboxRegistry.builder().transportProvider(transports)
        .mailbox(mailbox.defaultOutgoing(true).build())
        .recipientDirectory(address -> address.endsWith("@example.org"));
    for (PostSendHook h : hooks) {
      b.hook(h);
    }
    return b.build();
  }

  private Mailbox.Builder desk() {
    return out(id).emailDisplay("desk@example.com").displayName("Your Service Desk").prefix("TICKET#")
        .retryPolicy(FAST);
  }

  private static TransportException transientFailure() {
    return TransportException.builder("x", "451 4.3.0 try again").transientFailure(true).replyCode(451).build();
  }

  @Test
  void outgoingMessageCarriesFromTaggedSubjectAndMessageId() {
    SendResult r = registry(desk()).defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("Printer jammed").text("body").recordId("4711").header("X-Priority", "1")
        .build());

    OutgoingMessage m = recorder.attempts.get(0);
    assertThat(m.fromAddress()).isEqualTo("desk@example.com");
    assertThat(m.fromName()).contains("Your Service Desk");
    assertThat(m.subject()).isEqualTo("[TICKET#4711] Printer jammed");
    assertThat(m.headers()).containsExactly(entry("X-Priority", "1"));
    assertThat(m.messageId()).matches("<[^@<>\\s]+@example\\.com>");
    assertThat(r.subject()).isEqualTo("[TICKET#4711] Printer jammed");
    assertThat(r.messageId()).isEqualTo(m.messageId());
    assertThat(r.mailboxId()).isEqualTo(id);
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void replyKeepsASingleTag() {
    registry(desk()).defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("RE: [TICKET#4711] Printer jammed").text("b").recordId("4711").build());
    assertThat(recorder.attempts.get(0).subject()).isEqualTo("RE: [TICKET#4711] Printer jammed");
  }

  @Test
  void withoutPrefixOrRecordTheSubjectIsUnchanged() {
    registry(out(id)).defaultOutgoing().send(Email.builder()
        .to("alice@example.org").subject("Hello").text("b").recordId("4711").build());
    assertThat(recorder.attempts.get(0).subject()).isEqualTo("Hello");
  }

  @Test
  void recipientsAreDeduplicatedAcrossToCcAndBcc() {
    registry(desk()).defaultOutgoing().send(Email.builder()
        .to("alice@example.org", "ALICE@example.org").cc("bob@example.org", "alice@EXAMPLE.org")
        .bcc("bob@example.org", "carol@example.org")
        .subject("s").text("b").build());
    OutgoingMessage m = recorder.attempts.get(0);
    assertThat(m.to()).containsExactly("alice@example.org");
    assertThat(m.cc()).containsExactly("bob@example.org");
    assertThat(m.bcc()).containsExactly("carol@example.org");
  }

  @Test
  void excludeExpressionBlocksMatchingRecipientsInToCcAndBcc() {
    SendResult r = registry(desk().excludeExpression(".*@noreply\\.example\\.com")).defaultOutgoing()
        .send(Email.builder()
            .to("alice@example.org", "bot@noreply.example.com").cc("Bot2@NoReply.Example.com")
            .bcc("bot3@noreply.example.com")
            .subject("s").text("b").build());
    assertThat(r.blockedRecipients()).containsExactly(
        entry("bot@noreply.example.com", BlockReason.EXCLUDED),
        entry("Bot2@noreply.example.com", BlockReason.EXCLUDED),
        entry("bot3@noreply.example.com", BlockReason.EXCLUDED));
    assertThat(recorder.attempts.get(0).recipients()).containsExactly("alice@example.org");
    assertThat(r.acceptedRecipients()).containsExactly("alice@example.org");
  }

  @Test
  void excludeExpressionMatchesTheWholeAddress() {
    SendResult r = registry(desk().excludeExpression("noreply")).defaultOutgoing().send(Email.builder()
        .to("noreply@example.org").subject("s").text("b").build());
    assertThat(r.blockedRecipients()).isEmpty();
  }

  @Test
  void registeredOnlyAsksTheHostsDirectory() {
    SendResult r = registry(desk().allowedEmails(AllowedEmails.REGISTERED_ONLY)).defaultOutgoing().send(Email.builder()
        .to("alice@example.org").cc("stranger@elsewhere.net").subject("s").text("b").build());
    assertThat(r.blockedRecipients()).containsExactly(entry("stranger@elsewhere.net", BlockReason.NOT_REGISTERED));
    assertThat(recorder.attempts.get(0).recipients()).containsExactly("alice@example.org");
  }

  @Test
  void everyRecipientBlockedThrowsAndTheTransportIsNeverCalled() {
    MailboxRegistry r = registry(
        desk().excludeExpression(".*@noreply\\.example\\.com").allowedEmails(AllowedEmails.REGISTERED_ONLY));
    assertThatThrownBy(() -> r.defaultOutgoing().send(Email.builder()
        .to("bot@noreply.example.com").bcc("stranger@elsewhere.net").subject("s").text("b").build()))
        .isInstanceOfSatisfying(RecipientsBlockedException.class, e -> {
          assertThat(e.blockedRecipients()).containsExactly(
              entry("bot@noreply.example.com", BlockReason.EXCLUDED),
              entry("stranger@elsewhere.net", BlockReason.NOT_REGISTERED));
          assertThat(e.mailboxId()).isEqualTo(id);
        });
    assertThat(recorder.attempts).isEmpty();
    assertThat(recorder.opened).isZero();
  }

  @Test
  void catastrophicBacktrackingPatternDoesNotHangASend() {
    String longLocal = "a".repeat(60);
    String address = longLocal + "@" + "a".repeat(60) + "." + "a".repeat(60) + ".example";
    SendResult r = registry(desk().excludeExpression("(a+)+$|(a|aa)+b|(.*a){20}x")).defaultOutgoing()
        .send(Email.builder()
            .to(address).cc("alice@example.org").subject("s").text("b").build());
    assertThat(r.blockedRecipients()).isEmpty();
    assertThat(r.acceptedRecipients()).contains(address);
  }

  @Test
  void transientFailureIsRetriedWithTheSameMessage() {
    recorder.then(m -> {
      throw transientFailure();
    }).then(m -> {
      throw transientFailure();
    });
    SendResult r = registry(desk()).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").build());
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(recorder.attempts).hasSize(3);
    assertThat(Set.copyOf(recorder.attempts)).hasSize(1);
    assertThat(recorder.attempts.get(0).messageId()).isEqualTo(r.messageId());
  }

  @Test
  void transientFailuresBeyondThePolicyAreReported() {
    for (int i = 0; i < 3; i++) {
      recorder.then(m -> {
        throw transientFailure();
      });
    }
    assertThatThrownBy(() -> registry(desk()).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").build()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.replyCode()).isEqualTo(451);
        });
    assertThat(recorder.attempts).hasSize(3);
  }

  @Test
  void permanentFailureIsNotRetried() {
    recorder.then(m -> {
      throw TransportException.builder(id, "550 5.1.1 no such user").replyCode(550).build();
    });
    assertThatThrownBy(() -> registry(desk()).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").build()))
        .isInstanceOf(TransportException.class).hasMessage("550 5.1.1 no such user");
    assertThat(recorder.attempts).hasSize(1);
  }

  @Test
  void unknownOutcomeIsNeverRetried() {
    recorder.then(m -> {
      throw TransportException.builder(id, "connection lost after the message was sent").transientFailure(true)
          .outcomeUnknown(true).build();
    });
    assertThatThrownBy(() -> registry(desk()).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").build()))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isOutcomeUnknown()).isTrue());
    assertThat(recorder.attempts).hasSize(1);
  }

  @Test
  void retryAfterLongerThanThePolicyAllowsIsNotWaitedFor() {
    recorder.then(m -> {
      throw TransportException.builder(id, "429 throttled").transientFailure(true).retryAfter(Duration.ofMinutes(5))
          .build();
    });
    assertThatThrownBy(() -> registry(desk()).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").build()))
        .isInstanceOfSatisfying(TransportException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(5)));
    assertThat(recorder.attempts).hasSize(1);
  }

  @Test
  void retryAfterWithinThePolicyIsRetried() {
    recorder.then(m -> {
      throw TransportException.builder(id, "429 throttled").transientFailure(true).retryAfter(Duration.ofMillis(20))
          .build();
    });
    SendResult r = registry(desk()).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").build());
    assertThat(r.attempts()).isEqualTo(2);
  }

  @Test
  void serverRejectionsOfSomeRecipientsAreReported() {
    recorder.then(m -> TransportReceipt.partial(List.of("alice@example.org"),
        Map.of("bob@example.org", "550 5.1.1 unknown user"), "250 ok"));
    SendResult r = registry(desk()).defaultOutgoing()
        .send(Email.builder().to("alice@example.org", "bob@example.org").subject("s").text("b").build());
    assertThat(r.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(r.rejectedRecipients()).containsExactly(entry("bob@example.org", "550 5.1.1 unknown user"));
  }

  @Test
  void sameEmailSentTwiceCarriesTheSameMessageId() {
    MailboxRegistry r = registry(desk());
    Email e = Email.builder().to("alice@example.org").subject("s").text("b").build();
    assertThat(r.defaultOutgoing().send(e).messageId()).isEqualTo(r.defaultOutgoing().send(e).messageId());
    Email other = Email.builder().to("alice@example.org").subject("s").text("b").build();
    assertThat(r.defaultOutgoing().send(other).messageId()).isNotEqualTo(r.defaultOutgoing().send(e).messageId());
  }

  @Test
  void hooksRunInOrderAndSeeWhatWasSent() {
    List<String> calls = new ArrayList<>();
    PostSendHook first = hook("first", s -> calls.add("first:" + s.result().subject() + ":" + s.mailbox().id()));
    PostSendHook second = hook("second", s -> calls.add("second:" + s.email().recordId().orElse("")));
    registry(desk().postSendHooks("second", "first"), first, second).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").recordId("9").build());
    assertThat(calls).containsExactly("second:9", "first:[TICKET#9] s:" + id);
  }

  @Test
  void failingHookIsReportedAndTheMailStaysSentOnce() {
    List<String> calls = new ArrayList<>();
    PostSendHook broken = hook("broken", s -> {
      throw new IllegalStateException("counter table locked");
    });
    PostSendHook after = hook("after", s -> calls.add("after ran"));
    SendResult r = registry(desk().postSendHooks("broken", "after"), broken, after).defaultOutgoing()
        .send(Email.builder().to("alice@example.org").subject("s").text("b").build());
    assertThat(r.hookFailures()).singleElement().satisfies(f -> {
      assertThat(f.hook()).isEqualTo("broken");
      assertThat(f.message()).isEqualTo("java.lang.IllegalStateException: counter table locked");
    });
    assertThat(calls).containsExactly("after ran");
    assertThat(recorder.attempts).hasSize(1);
    assertThat(r.acceptedRecipients()).containsExactly("alice@example.org");
  }

  @Test
  void hookInterruptedLeavesTheThreadsInterruptFlagSet() {
    List<String> calls = new ArrayList<>();
    PostSendHook waiting = hook("waiting", s -> {
      throw new InterruptedException("shutting down");
    });
    PostSendHook after = hook("after", s -> calls.add("after ran"));
    try {
      SendResult r = registry(desk().postSendHooks("waiting", "after"), waiting, after).defaultOutgoing()
          .send(Email.builder().to("alice@example.org").subject("s").text("b").build());

      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(r.hookFailures()).singleElement().satisfies(f -> {
        assertThat(f.hook()).isEqualTo("waiting");
        assertThat(f.message()).isEqualTo("java.lang.InterruptedException: shutting down");
      });
      assertThat(calls).containsExactly("after ran");
      assertThat(recorder.attempts).hasSize(1);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void hookNamedByTheMailboxRunsOncePerSend() {
    CountingHook counting = new CountingHook();
    MailboxRegistry r = registry(desk().postSendHooks("counting"), counting);
    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("s").text("b").build());
    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("t").text("b").build());
    assertThat(counting.calls.get()).isEqualTo(2);
  }

  @Test
  void hooksDoNotRunWhenTheSendFailed() {
    List<String> calls = new ArrayList<>();
    recorder.then(m -> {
      throw TransportException.builder(id, "554 rejected").replyCode(554).build();
    });
    MailboxRegistry r = registry(desk().postSendHooks("h"), hook("h", s -> calls.add("ran")));
    assertThatThrownBy(
        () -> r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("s").text("b").build()))
        .isInstanceOf(TransportException.class);
    assertThat(calls).isEmpty();
  }

  interface HookBody {
    void run(SentEmail sent) throws Exception;
  }

  private static PostSendHook hook(String name, HookBody body) {
    return new PostSendHook() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void afterSend(SentEmail sent) throws Exception {
        body.run(sent);
      }
    };
  }
}
