package org.outmail;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a mailbox retries a transient transport failure: exponential backoff
 * with full jitter, capped, and at most {@link #maxAttempts()} attempts in all. A failure whose
 * outcome is unknown is never retried.
 */
public final class RetryPolicy {
  /** Three attempts, starting at 200 ms, never waiting more than 5 s between two. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5));
  /** One attempt: no retry. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * Creates a retry policy.
   *
   * @param maxAttempts attempts in all, at least 1
   * @param initialBackoff the ceiling of the first wait
   * @param maxBackoff the ceiling of every wait, and of a server's {@code Retry-After}
   * @return the policy
   * @throws IllegalArgumentException if {@code maxAttempts} is less than 1, a backoff is negative,
   *     or {@code maxBackoff} is shorter than {@code initialBackoff}
   */
  public static RetryPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    Objects.requireNonNull(initialBackoff, "initialBackoff == null");
    Objects.requireNonNull(maxBackoff, "maxBackoff == null");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must not be shorter than initialBackoff");
    }
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
  }

  /** {@return the attempts in all, the first included} */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** {@return the ceiling of the first wait between attempts} */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** {@return the ceiling of every wait between attempts, and of a server's {@code Retry-After}} */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
        + maxBackoff + "}";
  }
}
