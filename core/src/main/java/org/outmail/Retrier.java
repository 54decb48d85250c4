package org.outmail;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.outmail.oauth.OAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry step: runs an attempt until it succeeds, fails permanently, has an unknown outcome, or
 * the mailbox's {@link RetryPolicy} is used up. Waits with exponential backoff and full jitter, or
 * as long as the server asked ({@code Retry-After}) if that is within the policy's ceiling.
 */
final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** The result of the last attempt and how many attempts it took. */
  record Outcome<T>(T value, int attempts) {}

  private final String mailboxId;
  private final RetryPolicy policy;

  Retrier(String mailboxId, RetryPolicy policy) {
    this.mailboxId = mailboxId;
    this.policy = policy;
  }

  /** Runs the attempts, telling {@code listener} of each attempt and each wait. */
  <T> Outcome<T> run(Supplier<T> attempt, SendListener listener, String messageId) {
    for (int n = 1; ; n++) {
      try {
        int current = n;
        tell(() -> listener.attemptStarting(messageId, current, policy.maxAttempts()));
        return new Outcome<>(attempt.get(), n);
      } catch (TransportException e) {
        if (!e.isTransient() || e.isOutcomeUnknown() || n >= policy.maxAttempts()) {
          throw e;
        }
        Duration wait = e.retryAfter().orElse(backoff(n));
        if (wait.compareTo(policy.maxBackoff()) > 0) {
          throw e; // the server asks for more patience than this mailbox has
        }
        LOG.info("mailbox '{}': attempt {} of {} failed ({}), retrying in {} ms",
            mailboxId, n, policy.maxAttempts(), e.getMessage(), wait.toMillis());
        retrying(listener, n, e, wait);
        sleep(wait, e);
      } catch (OAuthException e) {
        if (!e.isTransient() || n >= policy.maxAttempts()) {
          throw e;
        }
        Duration wait = backoff(n);
        LOG.info("mailbox '{}': attempt {} of {} failed ({}), retrying in {} ms",
            mailboxId, n, policy.maxAttempts(), e.getMessage(), wait.toMillis());
        retrying(listener, n, e, wait);
        sleep(wait, e);
      }
    }
  }

  private void retrying(SendListener listener, int attempt, MailException failure, Duration wait) {
    tell(() -> listener.retrying(attempt, policy.maxAttempts(), failure, wait));
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

  private static void sleep(Duration wait, MailException failure) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      failure.addSuppressed(ie);
      throw failure;
    }
  }
}
