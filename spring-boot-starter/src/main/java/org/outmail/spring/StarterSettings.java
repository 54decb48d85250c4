package org.outmail.spring;

import java.time.Duration;
import java.util.List;
import org.outmail.Setting;
import org.springframework.core.env.Environment;

/**
 * The starter's own keys, described once as outmail describes its settings: read here, and
 * written to the configuration metadata by the build. outmail's own keys ({@code
 * outmail.mailbox.*}, ...) go to its loader; see {@link OutmailProperties}.
 */
final class StarterSettings {
  static final String PREFIX = "outmail.";

  static final Setting ENABLED = Setting.builder("enabled", Setting.Type.BOOLEAN).defaultValue("true")
      .help("Whether outmail's auto-configuration makes a MailboxRegistry from the outmail.* properties.")
      .build();
  static final Setting HEALTH_CACHE = Setting.builder("health.cache", Setting.Type.DURATION).defaultValue("60s")
      .help("How long a mailbox's Check result is reused by the health endpoint before the next Check "
          + "connects to the server again (e.g. 30s, 5m).")
      .build();

  private StarterSettings() {}

  /** {@return every setting of the starter, named relative to {@code outmail.}} */
  static List<Setting> all() {
    return List.of(ENABLED, HEALTH_CACHE);
  }

  /** {@return the health cache time, as outmail reads a duration ({@code 60s}, {@code PT1M})} */
  static Duration healthCache(Environment environment) {
    String text = environment.getProperty(PREFIX + HEALTH_CACHE.name(), HEALTH_CACHE.defaultValue().orElseThrow());
    return (Duration) parse(HEALTH_CACHE, text);
  }

  /** Parses a value of a starter setting; a bad one fails start-up with a message naming the key. */
  static Object parse(Setting setting, String text) {
    try {
      return setting.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalStateException(PREFIX + setting.name() + ": " + e.getMessage(), e);
    }
  }
}
