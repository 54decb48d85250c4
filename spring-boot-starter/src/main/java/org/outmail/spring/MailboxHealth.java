package org.outmail.spring;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.OutgoingMailer;
import org.outmail.Secret;

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
final class MailboxHealth {
  private final OutgoingMailer mailer;
  private final Duration cache;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private @Nullable HealthReading last;
  private long lastAt;

  MailboxHealth(OutgoingMailer mailer, Duration cache, Clock clock, LongSupplier nanoTime) {
    this.mailer = mailer;
    this.cache = cache;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  synchronized HealthReading read() {
    long now = nanoTime.getAsLong();
    if (last == null || now - lastAt >= cache.toNanos()) {
      last = check();
      lastAt = now;
    }
    return last;
  }

  private HealthReading check() {
    Mailbox mailbox = mailer.mailbox();
    Map<String, Object> details = new LinkedHashMap<>();
    String status;
    if (!mailbox.enabled()) {
      status = "UNKNOWN";
      details.put("enabled", false);
    } else {
      CheckResult result = mailer.check();
      status = result.ok() ? "UP" : "DOWN";
      result.stage().ifPresent(stage -> details.put("stage", stage.name().toLowerCase(java.util.Locale.ROOT)));
      details.put("message", Secret.redact(result.message(), secrets(mailbox)));
      details.put("elapsed", result.elapsed().toMillis());
    }
    details.put("protocol", mailbox.protocol());
    mailbox.host().ifPresent(host -> {
      details.put("host", host);
      details.put("port", mailbox.port());
    });
    details.put("checkedAt", clock.instant().toString());
    return new HealthReading(status, details);
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
