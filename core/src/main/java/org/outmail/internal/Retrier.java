package org.outmail.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.RetryPolicy;
import org.outmail.SendListener;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry step: sends a message until the server takes it, fails permanently, has an unknown
 * outcome, or the mailbox's {@link RetryPolicy} is used up. Waits with exponential backoff and full
 * jitter, or as long as the server asked ({@code Retry-After}) if that is within the policy's
 * ceiling.
 *
 * <p>Once the server has taken the message for some recipients, the recipients it deferred (a
 * {@code 4xx} at {@code RCPT TO}) are retried alone, with the same message, in the same budget of
 * attempts. From then on nothing is thrown: what a later attempt could not settle stays deferred
 * (transient failure, attempts used up) or becomes rejected (permanent failure, or an outcome that
 * is unknown and must not be retried), so that the caller learns who has the mail.
 */
public final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** The result of the last attempt and how many attempts it took. */
  public record Outcome<T>(T value, int attempts) {}

  private final String mailboxId;
  private final RetryPolicy policy;

  public Retrier(String mailboxId, RetryPolicy policy) {
    this.mailboxId = mailboxId;
    this.policy = policy;
  }

  /**
   * Sends the message, telling {@code listener} of each attempt and each wait; returns the receipt
   * of every attempt together.
   *
   * @throws TransportException if no attempt reached any recipient (the last failure)
   * @throws OAuthException if no token could be had and no attempt reached any recipient
   */
  public Outcome<TransportReceipt> send(MailTransport transport, OutgoingMessage message, Attempts listener) {
    String messageId = message.messageId();
    Tally tally = null; // set once an attempt has reached some recipient
    OutgoingMessage current = message;
    for (int n = 1;; n++) {
      int attempt = n;
      tell(() -> listener.attemptStarting(messageId, attempt, policy.maxAttempts()));
      MailException failure;
      Duration wait;
      try {
        TransportReceipt receipt = transport.send(current);
        tally = tally == null ? new Tally(receipt) : tally.add(receipt);
        if (tally.deferred.isEmpty() || n >= policy.maxAttempts()) {
          return new Outcome<>(tally.receipt(), n);
        }
        failure = deferred(tally.deferred);
        wait = backoff(n);
      } catch (TransportException e) {
        boolean retry = e.isTransient() && !e.isOutcomeUnknown() && n < policy.maxAttempts();
        wait = retry ? e.retryAfter().orElse(backoff(n)) : Duration.ZERO;
        if (wait.compareTo(policy.maxBackoff()) > 0) {
          retry = false; // the server asks for more patience than this mailbox has
        }
        if (!retry) {
          if (tally == null) {
            throw e;
          }
          return new Outcome<>(tally.failed(e).receipt(), n);
        }
        if (tally != null && tally.settle(e.rejectedRecipients()).deferred.isEmpty()) {
          return new Outcome<>(tally.receipt(), n); // the server refused the rest for good
        }
        failure = e;
      } catch (OAuthException e) {
        if (!e.isTransient() || n >= policy.maxAttempts()) {
          if (tally == null) {
            throw e;
          }
          return new Outcome<>(tally.failed(e, e.isTransient(), false, Map.of()).receipt(), n);
        }
        failure = e;
        wait = backoff(n);
      }
      LOG.info("mailbox '{}': attempt {} of {} failed ({}), retrying in {} ms",
          mailboxId, n, policy.maxAttempts(), failure.getMessage(), wait.toMillis());
      MailException announced = failure;
      Duration waiting = wait;
      Map<String, String> retried = tally == null ? Map.of() : new LinkedHashMap<>(tally.deferred);
      tell(() -> listener.retrying(attempt, policy.maxAttempts(), announced, waiting, retried));
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        if (tally == null) {
          failure.addSuppressed(ie);
          throw failure;
        }
        return new Outcome<>(tally.receipt(), n); // the deferred recipients stay deferred
      }
      if (tally != null) {
        current = message.withRecipients(tally.deferred.keySet());
      }
    }
  }

  /** The failure a listener hears of when deferred recipients are about to be retried. */
  private TransportException deferred(Map<String, String> deferred) {
    String first = deferred.values().iterator().next();
    StringBuilder some = new StringBuilder();
    int shown = 0;
    for (Map.Entry<String, String> d : deferred.entrySet()) {
      if (shown++ == 3) {
        some.append(", and ").append(deferred.size() - 3).append(" more");
        break;
      }
      some.append(shown == 1 ? "" : ", ").append(d.getKey()).append(" (").append(d.getValue()).append(')');
    }
    return TransportException.builder(mailboxId, MailException.mailboxPrefix(mailboxId) + deferred.size()
        + " recipient(s) deferred by the server, retried alone: " + some)
        .stage(TransportException.Stage.RECIPIENTS).transientFailure(true).replyCode(code(first)).serverReply(first)
        .rejectedRecipients(deferred).build();
  }

  private static int code(String reply) {
    if (reply != null && reply.length() >= 3 && reply.substring(0, 3).chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(reply.substring(0, 3));
    }
    return -1;
  }

  /**
   * Hears the attempts of one send; {@link SendEvents} tells them, with the mailbox, to the send's
   * and the registry's {@link SendListener}s.
   */
  public interface Attempts {
    /** Hears nothing. */
    Attempts NONE = new Attempts() {
      @Override
      public void attemptStarting(String messageId, int attempt, int maxAttempts) {}

      @Override
      public void retrying(int attempt, int maxAttempts, MailException failure, Duration wait,
          Map<String, String> deferred) {}
    };

    /** As {@link SendListener#attemptStarting(MailEvent.AttemptStarting)}, without the mailbox. */
    void attemptStarting(String messageId, int attempt, int maxAttempts);

    /**
     * As {@link SendListener#retrying(MailEvent.Retrying)}, without the mailbox and Message-ID;
     * {@code deferred} are the recipients the next attempt goes to alone (empty: to all).
     */
    void retrying(int attempt, int maxAttempts, MailException failure, Duration wait, Map<String, String> deferred);
  }

  /** Calls a listener; what it throws is logged, never thrown into the send. */
  private void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("mailbox '{}': a send listener threw {}; the send goes on", mailboxId, e.toString());
    }
  }

  /** Full jitter: a random wait up to min(max, initial * 2^(n-1)). */
  Duration backoff(int failedAttempts) {
    long initial = policy.initialBackoff().toMillis();
    long ceiling = Math.min(policy.maxBackoff().toMillis(), initial << Math.min(failedAttempts - 1, 20));
    return Duration.ofMillis(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  /**
   * The receipts of the attempts of one send, once one of them reached some recipient: who has the
   * mail, who was refused for good, who is still deferred.
   */
  private static final class Tally {
    private final List<String> accepted = new ArrayList<>();
    private final Map<String, String> rejected = new LinkedHashMap<>();
    private final Map<String, String> deferred = new LinkedHashMap<>();
    private @Nullable String serverReply;
    private @Nullable String server;

    Tally(TransportReceipt first) {
      add(first);
    }

    /** Adds the receipt of an attempt, which was sent to the deferred recipients (or to all). */
    Tally add(TransportReceipt r) {
      for (String address : r.acceptedRecipients()) {
        deferred.remove(address);
        accepted.add(address);
      }
      r.rejectedRecipients().forEach((address, reply) -> {
        deferred.remove(address);
        rejected.put(address, reply);
      });
      r.deferredRecipients().forEach(deferred::put);
      String reply = r.serverReply();
      if (reply != null) {
        serverReply = reply;
      }
      if (server == null && !r.acceptedRecipients().isEmpty()) {
        server = r.server().orElse(null); // the server that first took the mail
      }
      return this;
    }

    /**
     * An attempt to the deferred recipients failed with a reply for some of them (every one
     * refused): a {@code 5xx} rejects its recipient for good, a {@code 4xx} is its new reply.
     */
    Tally settle(Map<String, String> replies) {
      replies.forEach((address, reply) -> {
        if (deferred.containsKey(address)) {
          if (reply != null && reply.startsWith("5")) {
            deferred.remove(address);
            rejected.put(address, reply);
          } else if (reply != null && reply.startsWith("4")) {
            deferred.put(address, reply);
          }
        }
      });
      return this;
    }

    /** The last attempt, to the deferred recipients, failed and is not retried. */
    Tally failed(TransportException e) {
      if (!e.isOutcomeUnknown()) {
        settle(e.rejectedRecipients());
      }
      return failed(e, e.isTransient() && !e.isOutcomeUnknown(), e.isOutcomeUnknown(),
          e.isOutcomeUnknown() ? Map.of() : e.rejectedRecipients());
    }

    /**
     * The last attempt failed and is not retried: the recipients still deferred stay so (a
     * transient failure) or are rejected (a permanent one, or an unknown outcome, which must not be
     * retried: the mail may have reached them), with the server's reply if it gave one, else the
     * failure's message.
     */
    Tally failed(MailException e, boolean stillDeferred, boolean outcomeUnknown, Map<String, String> replies) {
      String why = e.getMessage();
      if (!outcomeUnknown && e instanceof TransportException t && t.serverReply().isPresent()) {
        why = t.serverReply().get();
      }
      for (String address : new ArrayList<>(deferred.keySet())) {
        String reply = replies.containsKey(address) ? replies.get(address) : why;
        if (stillDeferred) {
          deferred.put(address, reply);
        } else {
          deferred.remove(address);
          rejected.put(address, reply);
        }
      }
      return this;
    }

    TransportReceipt receipt() {
      TransportReceipt r = TransportReceipt.partial(accepted, rejected, deferred, serverReply);
      return server == null ? r : r.withServer(server);
    }
  }
}
