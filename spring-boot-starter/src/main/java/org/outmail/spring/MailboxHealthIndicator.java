package org.outmail.spring;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.OutgoingMailer;
import org.outmail.Secret;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one OUT mailbox: its Check (connect, TLS, authenticate or get a token), run at most
 * once per cache time however often the health endpoint is asked; callers that come while a Check
 * runs wait for it and share its answer. UP when the Check passed, DOWN with the failed stage when
 * it did not, UNKNOWN for a disabled mailbox (never checked).
 *
 * <p>Details: {@code protocol}, {@code host} and {@code port} when the mailbox has a host, {@code
 * stage} of a failure, {@code message} (with every secret of the mailbox masked, though outmail's
 * messages carry none), {@code elapsed} (ms) and {@code checkedAt}. Never a password, secret or
 * token.
 */
final class MailboxHealthIndicator implements HealthIndicator {
  private final OutgoingMailer mailer;
  private final Duration cache;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private Health last;
  private long lastAt;

  MailboxHealthIndicator(OutgoingMailer mailer, Duration cache) {
    this(mailer, cache, Clock.systemUTC(), System::nanoTime);
  }

  /** With a clock and a nanosecond ticker of the test's. */
  MailboxHealthIndicator(OutgoingMailer mailer, Duration cache, Clock clock, LongSupplier nanoTime) {
    this.mailer = mailer;
    this.cache = cache;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  @Override
  public synchronized Health health() {
    long now = nanoTime.getAsLong();
    if (last == null || now - lastAt >= cache.toNanos()) {
      last = check();
      lastAt = now;
    }
    return last;
  }

  private Health check() {
    Mailbox mailbox = mailer.mailbox();
    Health.Builder health;
    if (!mailbox.enabled()) {
      health = Health.unknown().withDetail("enabled", false);
    } else {
      CheckResult result = mailer.check();
      health = result.ok() ? Health.up() : Health.down();
      result.stage().ifPresent(stage -> health.withDetail("stage", stage));
      health.withDetail("message", Secret.redact(result.message(), secrets(mailbox)))
          .withDetail("elapsed", result.elapsed().toMillis());
    }
    health.withDetail("protocol", mailbox.protocol());
    mailbox.host().ifPresent(host -> health.withDetail("host", host).withDetail("port", mailbox.port()));
    return health.withDetail("checkedAt", clock.instant().toString()).build();
  }

  private static List<Secret> secrets(Mailbox mailbox) {
    List<Secret> secrets = new ArrayList<>();
    mailbox.password().ifPresent(secrets::add);
    mailbox.trustStorePassword().ifPresent(secrets::add);
    mailbox.oauthClient().ifPresent(c -> {
      c.clientSecret().ifPresent(secrets::add);
      c.refreshToken().ifPresent(secrets::add);
    });
    return secrets;
  }
}
