package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.RetryPolicy;
import org.outmail.SendListener;
import org.outmail.SendResult;
import org.outmail.TransportException;

/**
 * Two real Postfix instances behind one mailbox ({@code host=127.0.0.1:A, 127.0.0.1:B}), the first
 * stopped while mail goes out: every mail the transport reports sent is delivered exactly once
 * across both maildirs, a mail whose outcome was left unknown at most once, none twice; the
 * switch-over is counted; in round-robin the stopped server takes mail again once it is back and
 * its back-off has passed.
 */
@Timeout(240)
class ServersPostfixTest {
  private static final String DOMAIN = LocalPostfix.DOMAIN;
  private static LocalPostfix a;
  private static LocalPostfix b;

  private final List<String> switches = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startBoth() {
    a = LocalPostfix.start(Path.of("target", "postfix-servers-a"), Map.of());
    b = LocalPostfix.start(Path.of("target", "postfix-servers-b"), Map.of());
  }

  @AfterAll
  static void deleteBoth() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private static String at(LocalPostfix p) {
    return "127.0.0.1:" + p.port();
  }

  private MailboxRegistry registry(SmtpOptions.Builder options) {
    Mailbox mb = Fixtures.mailbox(1, Encryption.NONE).host(at(a) + ", " + at(b))
        .retryPolicy(RetryPolicy.of(5, Duration.ofMillis(50), Duration.ofMillis(500)))
        .options(options.build()).defaultOutgoing(true).build();
    return MailboxRegistry.builder().asyncThreads(8).mailbox(mb).listener(new SendListener() {
      @Override
      public void serverSwitched(Mailbox mailbox, String from, String to, String reason) {
        switches.add(from + " -> " + to);
      }
    }).build();
  }

  private static Email email(String recipient, String subject) {
    return Email.builder().to(recipient).subject(subject).text("body of " + subject).build();
  }

  /** What each send ended with: its result, or its failure. */
  private record Outcome(String recipient, SendResult result, Throwable failure) {}

  /**
   * Recipient → the instance of each SMTP transaction that brought it mail, once both queues are
   * empty. Transactions are counted, not maildir files: a Postfix stopped between writing a file and
   * recording the delivery writes that file again when it restarts (one transaction, one queue id,
   * two files), which is the server's doing, not a second hand-over.
   */
  private static Map<String, List<String>> deliveredByRecipient(String prefix) throws InterruptedException {
    a.awaitDeliveries(List.of(), 0);
    b.awaitDeliveries(List.of(), 0);
    Map<String, List<String>> out = new HashMap<>();
    for (LocalPostfix p : List.of(a, b)) {
      Set<String> transactions = new HashSet<>();
      for (LocalPostfix.Delivery d : p.deliveries()) {
        if (d.recipient() != null && d.recipient().startsWith(prefix)) {
          assertThat(d.queueId()).as("Postfix's queue id in the Received header of %s", d.file()).isNotNull();
          if (transactions.add(d.recipient() + " " + d.queueId())) {
            out.computeIfAbsent(d.recipient(), k -> new ArrayList<>()).add(at(p));
          }
        }
      }
    }
    return out;
  }

  @Test
  void failoverStoppedMidBurstDeliversEveryMailExactlyOnceAndCountsTheSwitchOver() throws Exception {
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stopped = new AtomicBoolean();
    AtomicInteger viaSecondAfterStop = new AtomicInteger();
    try (MailboxRegistry r = registry(SmtpOptions.builder().maxConnections(2).serversBackoff(Duration.ofSeconds(2)))) {
      // four senders keep mail going until the second server took 20 mails after the first stopped
      ExecutorService senders = Executors.newFixedThreadPool(4);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      for (int t = 0; t < 4; t++) {
        senders.execute(() -> {
          while (viaSecondAfterStop.get() < 20 && System.nanoTime() < deadline) {
            boolean afterStop = stopped.get();
            String to = "burst-" + next.getAndIncrement() + "@" + DOMAIN;
            try {
              SendResult result = r.defaultOutgoing().send(email(to, "burst " + to));
              outcomes.add(new Outcome(to, result, null));
              if (afterStop && result.server().orElseThrow().equals(at(b))) {
                viaSecondAfterStop.incrementAndGet();
              }
            } catch (RuntimeException e) {
              outcomes.add(new Outcome(to, null, e));
            }
          }
        });
      }
      while (outcomes.size() < 30) {
        if (System.nanoTime() > deadline) {
          fail("fewer than 30 sends completed");
        }
        Thread.sleep(10);
      }
      a.stop(); // while the senders go on
      stopped.set(true);
      senders.shutdown();
      assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
      assertThat(viaSecondAfterStop.get()).as("mails the second server took after the first stopped")
          .isGreaterThanOrEqualTo(20);
    } finally {
      a.restart(); // what the first server queued before it stopped is delivered now
    }

    Map<String, List<String>> delivered = deliveredByRecipient("burst-");
    List<Outcome> sent = outcomes.stream().filter(o -> o.result() != null).toList();
    List<Outcome> unknown = outcomes.stream()
        .filter(o -> o.failure() instanceof TransportException e && e.isOutcomeUnknown())
        .toList();
    assertThat(sent.size() + unknown.size())
        .as("every send ended sent or with an unknown outcome: %s", outcomes.stream().filter(o -> o.result() == null)
            .map(o -> o.failure().toString()).toList())
        .isEqualTo(outcomes.size());
    for (Outcome o : sent) {
      assertThat(delivered.get(o.recipient())).as(o.recipient()).containsExactly(o.result().server().orElseThrow());
    }
    for (Outcome o : unknown) {
      assertThat(delivered.getOrDefault(o.recipient(), List.of())).as(o.recipient()).hasSizeLessThanOrEqualTo(1);
    }
    assertThat(delivered.values()).allSatisfy(servers -> assertThat(servers).hasSize(1));
    assertThat(sent).extracting(o -> o.result().server().orElseThrow()).contains(at(a), at(b));
    assertThat(switches).contains(at(a) + " -> " + at(b));
  }

  @Test
  void roundRobinSpreadsMailAndTakesTheStoppedServerBackAfterItsBackoff() throws Exception {
    List<SendResult> results = new ArrayList<>();
    try (MailboxRegistry r = registry(SmtpOptions.builder().serversMode(SmtpOptions.ServersMode.ROUND_ROBIN)
        .maxMessagesPerConnection(1).serversBackoff(Duration.ofSeconds(1)))) {
      int n = 0;
      for (int i = 0; i < 6; i++) {
        results.add(r.defaultOutgoing().send(email("rr-" + n + "@" + DOMAIN, "rr " + n++)));
      }
      assertThat(results).extracting(s -> s.server().orElseThrow()).containsOnly(at(a), at(b)).contains(at(a), at(b));

      a.stop();
      int stoppedFrom = results.size();
      for (int i = 0; i < 6; i++) {
        results.add(r.defaultOutgoing().send(email("rr-" + n + "@" + DOMAIN, "rr " + n++)));
      }
      assertThat(results.subList(stoppedFrom, results.size())).extracting(s -> s.server().orElseThrow())
          .containsOnly(at(b));
      assertThat(switches).contains(at(a) + " -> " + at(b));

      a.restart();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean back = false;
      while (!back) {
        if (System.nanoTime() > deadline) {
          fail("the restarted server took no mail within 60 s");
        }
        SendResult s = r.defaultOutgoing().send(email("rr-" + n + "@" + DOMAIN, "rr " + n++));
        results.add(s);
        back = s.server().orElseThrow().equals(at(a));
        if (!back) {
          Thread.sleep(100);
        }
      }
    }

    Map<String, List<String>> delivered = deliveredByRecipient("rr-");
    for (SendResult s : results) {
      String to = s.acceptedRecipients().get(0);
      assertThat(delivered.get(to)).as(to).containsExactly(s.server().orElseThrow());
    }
  }
}
