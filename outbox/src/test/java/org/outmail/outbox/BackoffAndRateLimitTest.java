package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffAndRateLimitTest {
  private final Backoff backoff = new Backoff(Duration.ofMinutes(1), Duration.ofHours(1));

  @Test
  void theWaitGrowsWithJitterUpToTheMaximum() {
    for (int n = 1; n <= 12; n++) {
      long ceiling = Math.min(Duration.ofHours(1).toMillis(), Duration.ofMinutes(1).toMillis() << (n - 1));
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delayMillis(n, null)).as("failure %d", n).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void aServersRetryAfterIsHonouredWhenLonger() {
    assertThat(backoff.delayMillis(1, Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10).toMillis());
    assertThat(backoff.delayMillis(1, Duration.ofHours(3))).as("even beyond the maximum backoff")
        .isEqualTo(Duration.ofHours(3).toMillis());
    assertThat(backoff.delayMillis(8, Duration.ofSeconds(1))).isGreaterThanOrEqualTo(Duration.ofMinutes(30).toMillis());
  }

  @Test
  void rateLimitsAreWrittenCountSlashPeriod() {
    assertThat(RateLimit.parse("30/1m")).isEqualTo(RateLimit.of(30, Duration.ofMinutes(1)));
    assertThat(RateLimit.parse("10000/1d")).isEqualTo(RateLimit.of(10_000, Duration.ofDays(1)));
    assertThat(RateLimit.parse(" 5 / s ")).isEqualTo(RateLimit.of(5, Duration.ofSeconds(1)));
    assertThat(RateLimit.parse("100/250ms").period()).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> RateLimit.parse("30 per minute")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "rate limit '30 per minute' is not of the form COUNT/PERIOD, e.g. 30/1m or 10000/1d (units ms, s, m, h, d)");
    assertThatThrownBy(() -> RateLimit.parse("0/1m")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a rate limit allows at least 1 attempt per period, was 0");
    assertThatThrownBy(() -> Outbox.builder().rateLimit("support", "30/1m").rateLimit("support", "60/1m"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("mailbox 'support' already has a rate limit per PT1M");
  }

  @Test
  void theBuilderRefusesBadSettingsAtOnce() {
    assertThatThrownBy(() -> Outbox.builder().workers(-1)).hasMessage("workers must be 0 to 256, was -1");
    assertThatThrownBy(() -> Outbox.builder().maxAge(Duration.ZERO)).hasMessage("maxAge must be positive, was PT0S");
    assertThatThrownBy(() -> Outbox.builder().backoff(Duration.ofHours(1), Duration.ofMinutes(1)))
        .hasMessage("max backoff must not be shorter than the initial backoff");
    assertThatThrownBy(() -> Outbox.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("registry is required");
  }
}
