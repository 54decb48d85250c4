package org.outmail.outbox;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * When to try again after a transient failure: the n-th failure waits a random time between half
 * and all of {@code min(max, initial * 2^(n-1))} ("equal jitter", so retries of many mails spread
 * out), and never less than a server's {@code Retry-After}.
 */
record Backoff(Duration initial, Duration max) {
  long delayMillis(int failedAttempts, @Nullable Duration retryAfter) {
    long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 30));
    long delay = ceiling / 2 + (ceiling <= 1 ? ceiling : ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    if (retryAfter != null) {
      delay = Math.max(delay, retryAfter.toMillis());
    }
    return delay;
  }
}
