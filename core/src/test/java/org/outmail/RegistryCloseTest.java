package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/** {@link MailboxRegistry#close()} under load: no {@link OutgoingMailer#sendAsync} future is left hanging. */
@Timeout(60)
class RegistryCloseTest {
  private static final String PROTOCOL = "blocking";
  private static final int THREADS = 2;
  private static final int SENDS = 50;

  /** Sends block until released; how they answer an interrupt is up to the test. */
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch inFlight = new CountDownLatch(THREADS);
  private volatile boolean ignoreInterrupts;

  @AfterEach
  void releaseBlockedThreads() {
    release.countDown();
  }

  private final class BlockingTransport implements MailTransport {
    @Override
    public TransportReceipt send(OutgoingMessage message) {
      inFlight.countDown();
      boolean interrupted = false;
      while (true) {
        try {
          if (release.await(5, TimeUnit.MINUTES)) {
            break;
          }
        } catch (InterruptedException e) {
          if (!ignoreInterrupts) {
            Thread.currentThread().interrupt();
            throw TransportException.builder(message.mailbox().id(), "interrupted while sending").cause(e).build();
          }
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return TransportReceipt.accepted(message.recipients(), "250 ok");
    }

    @Override
    public CheckResult check() {
      return CheckResult.passed("ok", Duration.ZERO);
    }

    @Override
    public void close() {}
  }

  private MailboxRegistry registry(String id, Duration closeTimeout) {
    TransportProvider provider = new TransportProvider() {
      @Override
      public String protocol() {
        return PROTOCOL;
      }

      @Override
      public MailTransport open(Mailbox mailbox, TransportContext context) {
        return new BlockingTransport();
      }
    };
    return MailboxRegistry.builder()
        .mailbox(Mailbox.builder(id).emailDisplay("desk@example.com").protocol(PROTOCOL).retryPolicy(RetryPolicy.NONE)
            .build())
        .transportProvider(provider)
        .asyncThreads(THREADS).asyncQueueCapacity(SENDS)
        .closeTimeout(closeTimeout)
        .build();
  }

  private static List<CompletableFuture<SendResult>> sendMany(OutgoingMailer mailer) {
    List<CompletableFuture<SendResult>> futures = new ArrayList<>();
    for (int i = 0; i < SENDS; i++) {
      futures.add(mailer.sendAsync(MailboxRegistryTest.email()));
    }
    return futures;
  }

  private static Throwable failure(CompletableFuture<SendResult> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void closeFailsQueuedSendsAndInterruptsThoseInFlightSoNoFutureIsLeftHanging() throws Exception {
    MailboxRegistry r = registry("load", Duration.ZERO);
    List<CompletableFuture<SendResult>> futures = sendMany(r.outgoing("load"));
    assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();

    r.close();

    assertThat(futures).allSatisfy(f -> assertThat(f).isDone());
    List<Throwable> failures = futures.stream().map(RegistryCloseTest::failure).toList();
    assertThat(failures).filteredOn(e -> e.getMessage().equals(
        "mailbox 'load': not sent, the registry was closed before the send started"))
        .hasSize(SENDS - THREADS)
        .allSatisfy(e -> assertThat(e).isExactlyInstanceOf(MailException.class)
            .extracting(x -> ((MailException) x).mailboxId()).isEqualTo("load"));
    assertThat(failures).filteredOn(e -> e.getMessage().equals("interrupted while sending"))
        .hasSize(THREADS)
        .allSatisfy(e -> assertThat(e).isInstanceOf(TransportException.class));
  }

  @Test
  void closeLetsSendsInFlightFinishWithinTheCloseTimeout() throws Exception {
    MailboxRegistry r = registry("finish", Duration.ofMinutes(5));
    List<CompletableFuture<SendResult>> futures = sendMany(r.outgoing("finish"));
    assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<SendResult>> queued = futures.subList(THREADS, SENDS);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(r::close);
    // the queued sends fail as soon as close begins; close then waits for the two in flight
    CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(30,
        TimeUnit.SECONDS);
    assertThat(closing).isNotDone();
    release.countDown();
    closing.get(30, TimeUnit.SECONDS);

    assertThat(futures.subList(0, THREADS))
        .allSatisfy(f -> assertThat(f.join().acceptedRecipients()).containsExactly("alice@example.org"));
    assertThat(queued).allSatisfy(f -> assertThat(failure(f))
        .hasMessage("mailbox 'finish': not sent, the registry was closed before the send started"));
  }

  @Test
  void aSendThatIgnoresTheInterruptStillHasItsFutureFailedWithAnUnknownOutcome() throws Exception {
    ignoreInterrupts = true;
    MailboxRegistry r = registry("stubborn", Duration.ZERO);
    List<CompletableFuture<SendResult>> futures = sendMany(r.outgoing("stubborn"));
    assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();

    r.close();

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
    assertThat(futures.subList(0, THREADS)).allSatisfy(f -> assertThat(failure(f))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.kind()).isEqualTo(TransportException.Kind.OUTCOME_UNKNOWN);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.CLOSED);
          assertThat(e.getMessage()).startsWith("mailbox 'stubborn': the registry was closed while sending");
        }));
  }

  @Test
  void sendAsyncAfterCloseFailsAtOnce() {
    MailboxRegistry r = registry("after", Duration.ZERO);
    OutgoingMailer mailer = r.outgoing("after");
    r.close();
    assertThat(failure(mailer.sendAsync(MailboxRegistryTest.email())))
        .hasMessage("mailbox 'after': not sent, the registry is closed");
  }

  @Test
  void closeTimeoutMustNotBeNegativeNorSetTwice() {
    assertThatThrownBy(() -> MailboxRegistry.builder().closeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("closeTimeout must not be negative, was PT-1S");
    assertThatThrownBy(() -> MailboxRegistry.builder().closeTimeout(Duration.ZERO).closeTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("closeTimeout was already set to PT0S");
  }
}
