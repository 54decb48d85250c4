package org.outmail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.RetryPolicy;
import org.outmail.SendListener;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportReceipt;
import org.outmail.testing.RecordingTransportProvider;
import org.outmail.testing.RecordingTransportProvider.Recorder;

/**
 * What the pipeline retries and how long it waits: a {@code 4xx} is retried, a {@code 5xx} and an
 * unknown outcome never are; the waits grow as the policy says, or are the server's {@code
 * Retry-After} when the mailbox has that much patience; a listener hears of every attempt and
 * every wait, and one that throws changes nothing.
 */
@Timeout(30)
class RetryDecisionsTest {
  private static final String ALICE = "alice@example.org";
  private static final String BOB = "bob@example.org";

  private final String id = "retry-" + UUID.randomUUID().toString().substring(0, 8);
  private final RecordingTransportProvider transports = new RecordingTransportProvider();
  private final Recorder recorder = transports.recorder(id);
  private final Heard heard = new Heard();

  /** Everything a send listener hears, in order. */
  static final class Heard implements SendListener {
    final List<String> events = new ArrayList<>();
    final List<Duration> waits = new ArrayList<>();
    final List<MailException> failures = new ArrayList<>();

    @Override
    public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
      events.add("attempt " + attempt + "/" + maxAttempts);
    }

    @Override
    public void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {
      events.add("retrying after " + attempt + "/" + maxAttempts);
      waits.add(wait);
      failures.add(failure);
    }
  }

  private OutgoingMailer mailer(RetryPolicy policy) {
    return MailboxRegistry.builder().transportProvider(transports)
        .mailbox(Mailbox.builder(id).emailDisplay("desk@example.com").protocol(RecordingTransportProvider.PROTOCOL)
            .retryPolicy(policy).defaultOutgoing(true).build())
        .build().defaultOutgoing();
  }

  private static RetryPolicy fast(int attempts) {
    return RetryPolicy.of(attempts, Duration.ofMillis(1), Duration.ofMillis(20));
  }

  private static Email email() {
    return Email.builder().to(ALICE, BOB).subject("Printer jammed").text("On it.").build();
  }

  private static TransportException busy() {
    return TransportException.builder("x", "451 4.3.0 try again").transientFailure(true).replyCode(451)
        .serverReply("451 4.3.0 try again").build();
  }

  private static TransportException refused() {
    return TransportException.builder("x", "550 5.7.1 relaying denied").replyCode(550)
        .serverReply("550 5.7.1 relaying denied").build();
  }

  private static TransportException lostAfterData() {
    return TransportException.builder("x", "connection lost after DATA").transientFailure(true).outcomeUnknown(true)
        .stage(TransportException.Stage.CONTENT).build();
  }

  private static TransportReceipt deferring(OutgoingMessage m, Map<String, String> deferred) {
    List<String> accepted = new ArrayList<>(m.recipients());
    accepted.removeAll(deferred.keySet());
    return TransportReceipt.partial(accepted, Map.of(), deferred, "250 2.0.0 queued");
  }

  @Test
  void aTransientFailureIsRetriedAndTheSendSucceedsOnTheNextAttempt() {
    recorder.then(m -> {
      throw busy();
    });

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.acceptedRecipients()).containsExactly(ALICE, BOB);
    assertThat(recorder.attempts).hasSize(2);
    assertThat(heard.events).containsExactly("attempt 1/3", "retrying after 1/3", "attempt 2/3");
    assertThat(heard.failures).singleElement()
        .satisfies(f -> assertThat(f.getMessage()).contains("451 4.3.0 try again"));
  }

  @Test
  void aPermanentFailureIsThrownAfterOneAttempt() {
    recorder.then(m -> {
      throw refused();
    });

    assertThatThrownBy(() -> mailer(fast(3)).send(email(), heard))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.replyCode()).isEqualTo(550));
    assertThat(recorder.attempts).hasSize(1);
    assertThat(heard.events).containsExactly("attempt 1/3");
  }

  @Test
  void anUnknownOutcomeIsNeverRetriedEvenThoughItIsTransient() {
    recorder.then(m -> {
      throw lostAfterData();
    });

    assertThatThrownBy(() -> mailer(fast(3)).send(email(), heard))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isOutcomeUnknown()).isTrue());
    assertThat(recorder.attempts).hasSize(1);
    assertThat(heard.waits).isEmpty();
  }

  @Test
  void transientFailuresAreThrownOnceTheAttemptsAreUsedUp() {
    for (int i = 0; i < 3; i++) {
      recorder.then(m -> {
        throw busy();
      });
    }

    assertThatThrownBy(() -> mailer(fast(3)).send(email(), heard))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.replyCode()).isEqualTo(451));
    assertThat(recorder.attempts).hasSize(3);
    assertThat(heard.events).containsExactly("attempt 1/3", "retrying after 1/3", "attempt 2/3", "retrying after 2/3",
        "attempt 3/3");
  }

  @Test
  void aPolicyOfOneAttemptNeverRetries() {
    recorder.then(m -> {
      throw busy();
    });

    assertThatThrownBy(() -> mailer(RetryPolicy.NONE).send(email(), heard)).isInstanceOf(TransportException.class);
    assertThat(recorder.attempts).hasSize(1);
  }

  @Test
  void theServersRetryAfterIsTheWaitWhenTheMailboxHasThatMuchPatience() {
    recorder.then(m -> {
      throw TransportException.builder("x", "429 slow down").transientFailure(true).retryAfter(Duration.ofMillis(7))
          .build();
    });

    SendResult r = mailer(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(20))).send(email(), heard);

    assertThat(r.attempts()).isEqualTo(2);
    assertThat(heard.waits).containsExactly(Duration.ofMillis(7));
  }

  @Test
  void aRetryAfterOfExactlyTheLongestWaitIsStillWaitedFor() {
    recorder.then(m -> {
      throw TransportException.builder("x", "429 slow down").transientFailure(true).retryAfter(Duration.ofMillis(20))
          .build();
    });

    SendResult r = mailer(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(20))).send(email(), heard);

    assertThat(r.attempts()).isEqualTo(2);
    assertThat(heard.waits).containsExactly(Duration.ofMillis(20));
  }

  @Test
  void aRetryAfterLongerThanTheLongestWaitFailsAtOnce() {
    recorder.then(m -> {
      throw TransportException.builder("x", "429 come back tomorrow").transientFailure(true)
          .retryAfter(Duration.ofMillis(21)).build();
    });

    assertThatThrownBy(
        () -> mailer(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(20))).send(email(), heard))
        .isInstanceOfSatisfying(TransportException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMillis(21)));
    assertThat(recorder.attempts).hasSize(1);
    assertThat(heard.waits).isEmpty();
  }

  @Test
  void waitsGrowExponentiallyUpToTheLongestWaitAndAreNotAllZero() {
    int attempts = 10;
    for (int i = 0; i < attempts; i++) {
      recorder.then(m -> {
        throw busy();
      });
    }
    // ceilings 2, 4, 8, 16 ms, then the policy's 16 ms
    RetryPolicy policy = RetryPolicy.of(attempts, Duration.ofMillis(2), Duration.ofMillis(16));

    assertThatThrownBy(() -> mailer(policy).send(email(), heard)).isInstanceOf(TransportException.class);

    assertThat(heard.waits).hasSize(attempts - 1);
    for (int n = 1; n < attempts; n++) {
      long ceiling = Math.min(16, 2L << (n - 1));
      assertThat(heard.waits.get(n - 1)).as("wait after attempt %d", n)
          .isBetween(Duration.ZERO, Duration.ofMillis(ceiling));
    }
    // full jitter picks from [0, ceiling]: nine zeros in a row would mean no backoff at all
    assertThat(heard.waits).anySatisfy(w -> assertThat(w).isPositive());
  }

  @Test
  void eachWaitIsDrawnFromZeroToItsCeilingWhichDoublesPerFailedAttemptUpToTheLongestWait() {
    // ceilings 100, 200, 400, 800 ms, then the policy's 1 s; 400 draws each: all below half, or all
    // above it, would happen once in 2^400 runs
    Retrier retrier = new Retrier("a", RetryPolicy.of(10, Duration.ofMillis(100), Duration.ofSeconds(1)));
    long[] ceilings = {100, 200, 400, 800, 1000, 1000};
    for (int failed = 1; failed <= ceilings.length; failed++) {
      long ceiling = ceilings[failed - 1];
      List<Long> waits = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        waits.add(retrier.backoff(failed).toMillis());
      }
      assertThat(waits).as("waits after %d failed attempts", failed)
          .allSatisfy(w -> assertThat(w).isBetween(0L, ceiling))
          .anySatisfy(w -> assertThat(w).isGreaterThan(ceiling / 2))
          .anySatisfy(w -> assertThat(w).isLessThan(ceiling / 2));
    }
  }

  @Test
  void aPolicyWithoutBackoffRetriesAtOnce() {
    recorder.then(m -> {
      throw busy();
    }).then(m -> {
      throw busy();
    });

    SendResult r = mailer(RetryPolicy.of(3, Duration.ZERO, Duration.ZERO)).send(email(), heard);

    assertThat(r.attempts()).isEqualTo(3);
    assertThat(heard.waits).containsExactly(Duration.ZERO, Duration.ZERO);
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheRetries() {
    recorder.then(m -> {
      throw busy();
    });
    List<String> calls = new ArrayList<>();
    SendListener throwing = new SendListener() {
      @Override
      public void attemptStarting(Mailbox mailbox, String messageId, int attempt, int maxAttempts) {
        calls.add("attempt " + attempt);
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void retrying(Mailbox mailbox, int attempt, int maxAttempts, MailException failure, Duration wait) {
        calls.add("retrying " + attempt);
        throw new IllegalStateException("listener bug");
      }
    };

    SendResult r = mailer(fast(3)).send(email(), throwing);

    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.acceptedRecipients()).containsExactly(ALICE, BOB);
    assertThat(calls).containsExactly("attempt 1", "retrying 1", "attempt 2");
  }

  @Test
  void aTransientTokenFailureIsRetried() {
    recorder.then(m -> {
      throw new OAuthException("token endpoint unavailable (503)", "temporarily_unavailable", true, null);
    });

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.attempts()).isEqualTo(2);
    assertThat(heard.failures).singleElement().isInstanceOf(OAuthException.class);
    assertThat(heard.waits).singleElement()
        .satisfies(w -> assertThat(w).isBetween(Duration.ZERO, Duration.ofMillis(1)));
  }

  @Test
  void aPermanentTokenFailureIsThrownAfterOneAttempt() {
    recorder.then(m -> {
      throw new OAuthException("invalid_grant: the refresh token was revoked", "invalid_grant", false, null);
    });

    assertThatThrownBy(() -> mailer(fast(3)).send(email(), heard))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("invalid_grant"));
    assertThat(recorder.attempts).hasSize(1);
  }

  @Test
  void transientTokenFailuresAreThrownOnceTheAttemptsAreUsedUp() {
    for (int i = 0; i < 2; i++) {
      recorder.then(m -> {
        throw new OAuthException("token endpoint unavailable (503)", "temporarily_unavailable", true, null);
      });
    }

    assertThatThrownBy(() -> mailer(fast(2)).send(email(), heard)).isInstanceOf(OAuthException.class);
    assertThat(recorder.attempts).hasSize(2);
  }

  @Test
  void theListenerHearsWhichRecipientsWereDeferredWithTheirReplies() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "452 4.2.2 mailbox full");
    recorder.then(m -> deferring(m, later));

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE, BOB);
    assertThat(heard.failures).singleElement().isInstanceOfSatisfying(TransportException.class, f -> {
      assertThat(f.getMessage())
          .isEqualTo("mailbox '" + id + "': 1 recipient(s) deferred by the server, retried alone: "
              + BOB + " (452 4.2.2 mailbox full)");
      assertThat(f.replyCode()).isEqualTo(452);
      assertThat(f.serverReply()).contains("452 4.2.2 mailbox full");
      assertThat(f.stage()).isEqualTo(TransportException.Stage.RECIPIENTS);
      assertThat(f.isTransient()).isTrue();
      assertThat(f.rejectedRecipients()).containsExactly(entry(BOB, "452 4.2.2 mailbox full"));
    });
    assertThat(recorder.attempts.get(1).recipients()).containsExactly(BOB);
  }

  @Test
  void theDeferredMessageNamesThreeRecipientsAndCountsTheRest() {
    List<String> five = List.of("a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org");
    Map<String, String> later = new LinkedHashMap<>();
    for (String address : five) {
      later.put(address, "451 later");
    }
    recorder.then(m -> TransportReceipt.partial(List.of(ALICE), Map.of(), later, "250 queued"));

    mailer(fast(2)).send(Email.builder().to(ALICE).cc(five.toArray(String[]::new)).subject("s").text("t").build(),
        heard);

    assertThat(heard.failures).singleElement().satisfies(f -> assertThat(f.getMessage()).endsWith(
        "5 recipient(s) deferred by the server, retried alone: a@example.org (451 later), b@example.org (451 later), "
            + "c@example.org (451 later), and 2 more"));
  }

  @Test
  void aDeferredReplyWithoutACodeHasNoReplyCode() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "try again later");
    recorder.then(m -> deferring(m, later));

    mailer(fast(2)).send(email(), heard);

    assertThat(heard.failures).singleElement().isInstanceOfSatisfying(TransportException.class,
        f -> assertThat(f.replyCode()).isEqualTo(-1));
  }

  @Test
  void aDeferredReplyStartingWithLettersHasNoReplyCode() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "4x1 later");
    recorder.then(m -> deferring(m, later));

    mailer(fast(2)).send(email(), heard);

    assertThat(heard.failures).singleElement().isInstanceOfSatisfying(TransportException.class,
        f -> assertThat(f.replyCode()).isEqualTo(-1));
  }

  @Test
  void aRetryOfDeferredRecipientsRefusedWithFiveHundredsRejectsThemForGood() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later)).then(m -> {
      throw TransportException.builder("x", "all recipients refused").transientFailure(true)
          .stage(TransportException.Stage.RECIPIENTS)
          .rejectedRecipients(Map.of(BOB, "550 5.1.1 no such user")).build();
    });

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.rejectedRecipients()).containsExactly(entry(BOB, "550 5.1.1 no such user"));
    assertThat(r.deferredRecipients()).isEmpty();
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(recorder.attempts).hasSize(2);
  }

  @Test
  void aRetryOfDeferredRecipientsDeferredAgainKeepsTheNewReply() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    TransportException again = TransportException.builder("x", "all recipients refused").transientFailure(true)
        .stage(TransportException.Stage.RECIPIENTS).rejectedRecipients(Map.of(BOB, "452 4.2.2 mailbox full")).build();
    recorder.then(m -> deferring(m, later)).then(m -> {
      throw again;
    }).then(m -> {
      throw again;
    });

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.deferredRecipients()).containsExactly(entry(BOB, "452 4.2.2 mailbox full"));
    assertThat(r.rejectedRecipients()).isEmpty();
    assertThat(r.attempts()).isEqualTo(3);
  }

  @Test
  void aPermanentFailureOfTheDeferredRetryRejectsThemWithTheServersReply() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later)).then(m -> {
      throw refused();
    });

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.rejectedRecipients()).containsExactly(entry(BOB, "550 5.7.1 relaying denied"));
    assertThat(r.deferredRecipients()).isEmpty();
  }

  @Test
  void anUnknownOutcomeOfTheDeferredRetryRejectsThemWithTheFailure() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later)).then(m -> {
      throw TransportException.builder("x", "connection lost after DATA").transientFailure(true).outcomeUnknown(true)
          .serverReply("451 dropped").rejectedRecipients(Map.of(BOB, "452 ignored")).build();
    });

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.rejectedRecipients()).containsExactly(entry(BOB, "connection lost after DATA"));
    assertThat(r.deferredRecipients()).isEmpty();
    assertThat(recorder.attempts).hasSize(2);
  }

  @Test
  void aTransientFailureOfTheLastDeferredRetryLeavesThemDeferred() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later)).then(m -> {
      throw busy();
    });

    SendResult r = mailer(fast(2)).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.deferredRecipients()).containsExactly(entry(BOB, "451 4.3.0 try again"));
    assertThat(r.rejectedRecipients()).isEmpty();
  }

  @Test
  void aPermanentTokenFailureOfTheDeferredRetryRejectsThemWithItsMessage() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later)).then(m -> {
      throw new OAuthException("invalid_grant", "invalid_grant", false, null);
    });

    SendResult r = mailer(fast(3)).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.rejectedRecipients()).containsOnlyKeys(BOB);
    assertThat(r.rejectedRecipients().get(BOB)).contains("invalid_grant");
    assertThat(r.deferredRecipients()).isEmpty();
  }

  @Test
  void aTransientTokenFailureOfTheLastDeferredRetryLeavesThemDeferred() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later)).then(m -> {
      throw new OAuthException("token endpoint unavailable", "temporarily_unavailable", true, null);
    });

    SendResult r = mailer(fast(2)).send(email(), heard);

    assertThat(r.deferredRecipients()).containsOnlyKeys(BOB);
    assertThat(r.deferredRecipients().get(BOB)).contains("token endpoint unavailable");
    assertThat(r.rejectedRecipients()).isEmpty();
  }

  @Test
  void anInterruptedWaitThrowsTheFailureAndKeepsTheInterrupt() {
    recorder.then(m -> {
      throw busy();
    });
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
          () -> mailer(RetryPolicy.of(3, Duration.ofMillis(5), Duration.ofMillis(5))).send(email(), heard))
          .isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.replyCode()).isEqualTo(451);
            assertThat(e.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
          });
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(recorder.attempts).hasSize(1);
  }

  @Test
  void anInterruptedWaitForDeferredRecipientsLeavesThemDeferred() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later));
    Thread.currentThread().interrupt();
    SendResult r;
    try {
      r = mailer(RetryPolicy.of(3, Duration.ofMillis(5), Duration.ofMillis(5))).send(email(), heard);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.deferredRecipients()).containsExactly(entry(BOB, "451 later"));
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void recipientsDeferredOnTheLastAttemptStayDeferred() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451 later");
    recorder.then(m -> deferring(m, later));

    SendResult r = mailer(RetryPolicy.NONE).send(email(), heard);

    assertThat(r.acceptedRecipients()).containsExactly(ALICE);
    assertThat(r.deferredRecipients()).containsExactly(entry(BOB, "451 later"));
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(recorder.attempts).hasSize(1);
    assertThat(heard.waits).isEmpty();
  }

  @Test
  void aDeferredReplyOfJustTheCodeHasThatReplyCode() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "451");
    recorder.then(m -> deferring(m, later));

    mailer(fast(2)).send(email(), heard);

    assertThat(heard.failures).singleElement().isInstanceOfSatisfying(TransportException.class,
        f -> assertThat(f.replyCode()).isEqualTo(451));
  }

  @Test
  void aDeferredReplyShorterThanACodeHasNoReplyCode() {
    Map<String, String> later = new LinkedHashMap<>();
    later.put(BOB, "45");
    recorder.then(m -> deferring(m, later));

    mailer(fast(2)).send(email(), heard);

    assertThat(heard.failures).singleElement().isInstanceOfSatisfying(TransportException.class,
        f -> assertThat(f.replyCode()).isEqualTo(-1));
  }
}
