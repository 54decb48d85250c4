package org.outmail.spring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxEntry;
import org.outmail.outbox.OutboxState;

/**
 * The outbox's health: DOWN when the oldest mail waiting (queued or deferred) is older than {@code
 * outmail.outbox.health.max-waiting}, or more mails than {@code outmail.outbox.health.max-failed}
 * are FAILED; else UP. Details: {@code queued}, {@code sending}, {@code deferred}, {@code failed},
 * {@code oldestWaiting} (seconds). Each reading asks the store: a few counts and two one-row lists.
 */
final class OutboxHealth {
  private final Outbox outbox;
  private final Duration maxWaiting;
  private final long maxFailed;
  private final Clock clock;

  OutboxHealth(Outbox outbox, Duration maxWaiting, long maxFailed, Clock clock) {
    this.outbox = outbox;
    this.maxWaiting = maxWaiting;
    this.maxFailed = maxFailed;
    this.clock = clock;
  }

  HealthReading read() {
    long failed = outbox.count(OutboxState.FAILED);
    Duration oldest = oldestWaiting();
    Map<String, Object> details = new LinkedHashMap<>();
    if (oldest.compareTo(maxWaiting) > 0) {
      details.put("reason", "the oldest mail has waited " + oldest.toSeconds() + " s, more than "
          + maxWaiting.toSeconds() + " s");
    } else if (failed > maxFailed) {
      details.put("reason", failed + " failed mail(s), more than " + maxFailed);
    }
    details.put("queued", outbox.count(OutboxState.QUEUED));
    details.put("sending", outbox.count(OutboxState.SENDING));
    details.put("deferred", outbox.count(OutboxState.DEFERRED));
    details.put("failed", failed);
    details.put("oldestWaiting", oldest.toSeconds());
    return new HealthReading(details.containsKey("reason") ? "DOWN" : "UP", details);
  }

  /** From the {@code outmail.outbox.health.*} keys. */
  static OutboxHealth of(Outbox outbox, org.springframework.core.env.Environment environment) {
    return new OutboxHealth(outbox,
        (Duration) StarterSettings.get(environment, StarterSettings.OUTBOX_HEALTH_MAX_WAITING).orElseThrow(),
        (Integer) StarterSettings.get(environment, StarterSettings.OUTBOX_HEALTH_MAX_FAILED).orElseThrow(),
        Clock.systemUTC());
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
