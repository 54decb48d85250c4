package org.outmail.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxEntry;
import org.outmail.outbox.OutboxState;

/**
 * The outbox's gauges: {@value OutmailMetrics#OUTBOX_MAILS} (mails by {@code state}, one gauge per
 * {@link OutboxState}) and {@value OutmailMetrics#OUTBOX_OLDEST_WAITING} (the age of the oldest mail
 * queued or deferred, zero when none waits). Each reading asks the outbox's store, so a scrape costs
 * one count per state and two small queries. The meters hold the outbox strongly (Micrometer's
 * default is a weak reference, which would let a binder nobody else keeps read NaN). Needs {@code
 * outmail-outbox} on the classpath.
 */
public final class OutboxMetrics implements MeterBinder {
  private final Outbox outbox;
  private final Clock clock;

  /**
   * Gauges of the outbox, ages measured with the system clock.
   *
   * @param outbox the outbox to read
   */
  public OutboxMetrics(Outbox outbox) {
    this(outbox, Clock.systemUTC());
  }

  /**
   * Gauges of the outbox, ages measured with the given clock (the outbox's own, in tests).
   *
   * @param outbox the outbox to read
   * @param clock the clock ages are measured with
   */
  public OutboxMetrics(Outbox outbox, Clock clock) {
    this.outbox = Objects.requireNonNull(outbox, "outbox == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (OutboxState state : OutboxState.values()) {
      Gauge.builder(OutmailMetrics.OUTBOX_MAILS, outbox, o -> o.count(state))
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .description("mails in the outbox by state")
          .strongReference(true)
          .register(registry);
    }
    TimeGauge.builder(OutmailMetrics.OUTBOX_OLDEST_WAITING, this, TimeUnit.SECONDS, m -> m.oldestWaiting().toSeconds())
        .description("age of the oldest mail queued or deferred")
        .strongReference(true)
        .register(registry);
  }

  /** {@return the age of the oldest mail queued or deferred, zero when none waits} */
  Duration oldestWaiting() {
    Instant oldest = null;
    for (OutboxState state : List.of(OutboxState.QUEUED, OutboxState.DEFERRED)) {
      for (OutboxEntry e : outbox.list(state, 1)) {
        if (oldest == null || e.createdAt().isBefore(oldest)) {
          oldest = e.createdAt();
        }
      }
    }
    if (oldest == null) {
      return Duration.ZERO;
    }
    Duration age = Duration.between(oldest, clock.instant());
    return age.isNegative() ? Duration.ZERO : age;
  }
}
