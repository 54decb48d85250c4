package org.outmail.spring;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.outmail.OutgoingMailer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** {@link MailboxHealth} as a Spring Boot 4 health indicator. */
final class MailboxHealthIndicator implements HealthIndicator {
  private final MailboxHealth health;
  private @Nullable HealthReading lastReading;
  private @Nullable Health last;

  MailboxHealthIndicator(OutgoingMailer mailer, Duration cache) {
    this(mailer, cache, Clock.systemUTC(), System::nanoTime);
  }

  /** With a clock and a nanosecond ticker of the test's. */
  MailboxHealthIndicator(OutgoingMailer mailer, Duration cache, Clock clock, LongSupplier nanoTime) {
    this.health = new MailboxHealth(mailer, cache, clock, nanoTime);
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // the cache hands out the same reading until it expires
  public synchronized Health health() {
    HealthReading reading = health.read();
    if (reading != lastReading || last == null) { // a cached reading answers with the same Health
      lastReading = reading;
      last = convert(reading);
    }
    return last;
  }

  static Health convert(HealthReading reading) {
    return Health.status(new Status(reading.status())).withDetails(reading.details()).build();
  }
}
