package org.outmail.spring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxEntry;
import org.outmail.outbox.OutboxState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The outbox's health: DOWN when the oldest mail waiting (queued or deferred) is older than {@code
 * outmail.outbox.health.max-waiting}, or more mails than {@code outmail.outbox.health.max-failed}
 * are FAILED; else UP. Details: {@code queued}, {@code sending}, {@code deferred}, {@code failed},
 * {@code oldestWaiting} (seconds). Each reading asks the store: a few counts and two one-row lists.
 */
final class OutboxHealthIndicator implements HealthIndicator {
  private final Outbox outbox;
  private final Duration maxWaiting;
  private final long maxFailed;
  private final Clock clock;

  OutboxHealthIndicator(Outbox outbox, Duration maxWaiting, long maxFailed, Clock clock) {
    this.outbox = outbox;
    this.maxWaiting = maxWaiting;
    this.maxFailed = maxFailed;
    this.clock = clock;
  }

  @Override
  public Health health() {
    long failed = outbox.count(OutboxState.FAILED);
    Duration oldest = oldestWaiting();
    Health.Builder health = oldest.compareTo(maxWaiting) > 0 || failed > maxFailed ? Health.down() : Health.up();
    if (oldest.compareTo(maxWaiting) > 0) {
      health.withDetail("reason", "the oldest mail has waited " + oldest.toSeconds() + " s, more than "
          + maxWaiting.toSeconds() + " s");
    } else if (failed > maxFailed) {
      health.withDetail("reason", failed + " failed mail(s), more than " + maxFailed);
    }
    return health.withDetail("queued", outbox.count(OutboxState.QUEUED))
        .withDetail("sending", outbox.count(OutboxState.SENDING))
        .withDetail("deferred", outbox.count(OutboxState.DEFERRED))
        .withDetail("failed", failed)
        .withDetail("oldestWaiting", oldest.toSeconds())
        .build();
  }

  private Duration oldestWaiting() {
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
