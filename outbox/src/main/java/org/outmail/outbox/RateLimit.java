package org.outmail.outbox;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@link #permits()} attempts of one mailbox in any window of {@link #period()}, across
 * every node that shares the store: {@code 30/1m}, {@code 10000/1d} (Microsoft 365's limits).
 * Workers leave a mailbox alone while it is at its limit and go on with the others.
 */
public final class RateLimit {
  private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{0,9})\\s*(ms|s|m|h|d)\\s*");

  private final int permits;
  private final Duration period;

  private RateLimit(int permits, Duration period) {
    this.permits = permits;
    this.period = period;
  }

  /**
   * A limit of {@code permits} attempts per {@code period}.
   *
   * @param permits at least 1
   * @param period at least 1 ms
   * @return the limit
   * @throws IllegalArgumentException if permits is below 1 or the period is not positive
   */
  public static RateLimit of(int permits, Duration period) {
    Objects.requireNonNull(period, "period == null");
    if (permits < 1) {
      throw new IllegalArgumentException("a rate limit allows at least 1 attempt per period, was " + permits);
    }
    if (period.isZero() || period.isNegative() || period.toMillis() < 1) {
      throw new IllegalArgumentException("a rate limit's period must be at least 1 ms, was " + period);
    }
    return new RateLimit(permits, period);
  }

  /**
   * Parses {@code COUNT/PERIOD}: {@code 30/1m}, {@code 10000/1d}, {@code 5/s}; units {@code ms},
   * {@code s}, {@code m}, {@code h}, {@code d}.
   *
   * @param text the limit as text
   * @return the limit
   * @throws IllegalArgumentException saying what form is expected
   */
  public static RateLimit parse(String text) {
    Objects.requireNonNull(text, "text == null");
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("rate limit '" + text.replaceAll("[\\x00-\\x1F\\x7F]", "?")
          + "' is not of the form COUNT/PERIOD, e.g. 30/1m or 10000/1d (units ms, s, m, h, d)");
    }
    long n = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    Duration period = switch (m.group(3)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    return of(Integer.parseInt(m.group(1)), period);
  }

  /** {@return the attempts allowed in any window of the period} */
  public int permits() {
    return permits;
  }

  /** {@return the length of the sliding window} */
  public Duration period() {
    return period;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimit r && r.permits == permits && r.period.equals(period);
  }

  @Override
  public int hashCode() {
    return permits * 31 + period.hashCode();
  }

  @Override
  public String toString() {
    return permits + "/" + period;
  }
}
