package org.outmail.spring;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.outmail.MailboxConfigException;
import org.outmail.Setting;
import org.springframework.core.env.Environment;

/**
 * The starter's own keys, described once as outmail describes its settings: read here, checked at
 * start-up ({@link OutmailKeys}), and written to the configuration metadata by the build. outmail's
 * own keys ({@code outmail.mailbox.*}, ...) go to its loader; see {@link OutmailProperties}.
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

  static final Setting OUTBOX_ENABLED = Setting.builder("outbox.enabled", Setting.Type.BOOLEAN).defaultValue("false")
      .help("Whether to make an Outbox bean: a durable queue whose workers deliver through the registry's mailboxes.")
      .build();
  static final Setting OUTBOX_STORE = Setting.builder("outbox.store", Setting.Type.CHOICE).defaultValue("embedded")
      .allowedValues("embedded", "jdbc")
      .help("Where the outbox keeps its mail: embedded (a SQLite file in outmail.outbox.directory, one process) "
          + "or jdbc (the application's DataSource: PostgreSQL, shared by every instance, or the application's "
          + "SQLite file; enqueue joins Spring's transaction).")
      .build();
  static final Setting OUTBOX_DIRECTORY = Setting.builder("outbox.directory", Setting.Type.PATH)
      .defaultValue("data/outmail-outbox")
      .help("The embedded store's directory (outbox.db and its log), created if missing.")
      .build();
  static final Setting OUTBOX_SCHEMA = Setting.builder("outbox.schema", Setting.Type.CHOICE).defaultValue("create")
      .allowedValues("create", "none")
      .help("jdbc store: create (create and migrate the outbox's tables at start-up) or none (the application "
          + "applies org/outmail/outbox/schema/postgresql/V*.sql from the outmail-outbox jar with Flyway or "
          + "Liquibase; start-up checks the tables are there).")
      .build();
  static final Setting OUTBOX_WORKERS = Setting.builder("outbox.workers", Setting.Type.INTEGER).defaultValue("16")
      .minimum(0).help("Mails this instance sends at once; 0: none (another instance delivers).")
      .build();
  static final Setting OUTBOX_BATCH_SIZE = Setting.builder("outbox.batch-size", Setting.Type.INTEGER).minimum(1)
      .help("Mails claimed by one query; half the workers (at least 16) when not set.")
      .build();
  static final Setting OUTBOX_LEASE = Setting.builder("outbox.lease", Setting.Type.DURATION).defaultValue("30s")
      .help("How long a claimed mail stays with this instance without news; the heartbeat renews it.")
      .build();
  static final Setting OUTBOX_POLL = Setting.builder("outbox.poll-interval", Setting.Type.DURATION).defaultValue("1s")
      .help("How often idle workers look for mail queued by other instances or in transactions.")
      .build();
  static final Setting OUTBOX_BACKOFF_INITIAL = Setting.builder("outbox.backoff.initial", Setting.Type.DURATION)
      .defaultValue("1m").help("The wait after the first transient failure; it doubles with each one.")
      .build();
  static final Setting OUTBOX_BACKOFF_MAX = Setting.builder("outbox.backoff.max", Setting.Type.DURATION)
      .defaultValue("1h").help("The longest wait between two attempts.")
      .build();
  static final Setting OUTBOX_MAX_AGE = Setting.builder("outbox.max-age", Setting.Type.DURATION).defaultValue("5d")
      .help("A mail still failing transiently after this expires.")
      .build();
  static final Setting OUTBOX_OUTCOME_UNKNOWN = Setting.builder("outbox.outcome-unknown", Setting.Type.CHOICE)
      .defaultValue("resend").allowedValues("resend", "mark-unknown")
      .help("A mail whose send may or may not have reached the server: resend (with the same Message-ID) or "
          + "mark-unknown (nothing sent until retried by hand).")
      .build();
  static final Setting OUTBOX_CLOSE_TIMEOUT = Setting.builder("outbox.close-timeout", Setting.Type.DURATION)
      .defaultValue("30s").help("How long closing the context lets the sends in flight finish.")
      .build();
  static final Setting OUTBOX_NODE_ID = Setting.builder("outbox.node-id", Setting.Type.TEXT)
      .help("This instance's name on claims and attempts; host-pid-random when not set.")
      .build();
  static final Setting OUTBOX_HEALTH_MAX_WAITING = Setting.builder("outbox.health.max-waiting", Setting.Type.DURATION)
      .defaultValue("15m")
      .help("The outbox's health is DOWN when the oldest mail waiting (queued or deferred) is older.")
      .build();
  static final Setting OUTBOX_HEALTH_MAX_FAILED = Setting.builder("outbox.health.max-failed", Setting.Type.INTEGER)
      .defaultValue("0").minimum(0)
      .help("The outbox's health is DOWN when more mails than this are FAILED (until purged or retried).")
      .build();

  static final Setting STORE_JDBC_ENABLED = Setting.builder("store.jdbc.enabled", Setting.Type.BOOLEAN)
      .defaultValue("false")
      .help("Whether the registry follows mailboxes stored in the application's DataSource (JdbcMailboxStore), "
          + "shared by every instance of the application, instead of outmail.mailbox.* keys.")
      .build();
  static final Setting STORE_JDBC_SECRETS_KEY = Setting.builder("store.jdbc.secrets-key", Setting.Type.SECRET)
      .help("The key that seals the mailboxes' secrets in the database (base64, 32 bytes; outmail makes one "
          + "with SecretsKey.generate()): ${env:OUTMAIL_SECRETS_KEY} or ${file:/run/secrets/outmail-key}. "
          + "Keep it outside the database.")
      .build();
  static final Setting STORE_JDBC_POLL = Setting.builder("store.jdbc.poll-interval", Setting.Type.DURATION)
      .defaultValue("2s").help("How often the store looks for changes saved by other instances.")
      .build();

  static final Setting CONSOLE_ENABLED = Setting.builder("console.enabled", Setting.Type.BOOLEAN).defaultValue("false")
      .help("Whether to mount outmail's console (the mailbox grid and form, Check) in the application, "
          + "behind Spring Security.")
      .build();
  static final Setting CONSOLE_PATH = Setting.builder("console.path", Setting.Type.TEXT).defaultValue("/outmail")
      .help("Where the console is mounted.")
      .build();
  static final Setting CONSOLE_AUTHORITY = Setting.builder("console.authority", Setting.Type.TEXT)
      .defaultValue("ROLE_OUTMAIL_ADMIN")
      .help("The authority a user needs to open the console; give it only to people you would give the mail "
          + "passwords to.")
      .build();
  static final Setting CONSOLE_LOGIN_PAGE = Setting.builder("console.login-page", Setting.Type.TEXT)
      .defaultValue("/login")
      .help("Where a user who has not logged in is sent: the application's own login page.")
      .build();

  /** Settings with an id in their key: {@code outmail.outbox.rate-limit.ID}. */
  static final Setting OUTBOX_RATE_LIMIT = Setting.builder("outbox.rate-limit", Setting.Type.LIST)
      .help("Rate limits by mailbox id, across every instance: outmail.outbox.rate-limit.support=30/1m,10000/1d.")
      .build();
  static final Setting OUTBOX_PRIORITY = Setting.builder("outbox.priority", Setting.Type.CHOICE)
      .allowedValues("urgent", "normal", "bulk")
      .help("The default priority of a mailbox's mail, by mailbox id: outmail.outbox.priority.newsletter=bulk.")
      .build();

  private StarterSettings() {}

  /** {@return every setting of the starter with a fixed key, named relative to {@code outmail.}} */
  static List<Setting> all() {
    return List.of(ENABLED, HEALTH_CACHE, OUTBOX_ENABLED, OUTBOX_STORE, OUTBOX_DIRECTORY, OUTBOX_SCHEMA, OUTBOX_WORKERS,
        OUTBOX_BATCH_SIZE, OUTBOX_LEASE, OUTBOX_POLL, OUTBOX_BACKOFF_INITIAL, OUTBOX_BACKOFF_MAX, OUTBOX_MAX_AGE,
        OUTBOX_OUTCOME_UNKNOWN, OUTBOX_CLOSE_TIMEOUT, OUTBOX_NODE_ID, OUTBOX_HEALTH_MAX_WAITING,
        OUTBOX_HEALTH_MAX_FAILED, STORE_JDBC_ENABLED, STORE_JDBC_SECRETS_KEY, STORE_JDBC_POLL, CONSOLE_ENABLED,
        CONSOLE_PATH, CONSOLE_AUTHORITY, CONSOLE_LOGIN_PAGE);
  }

  /** {@return the starter's settings keyed by a mailbox id: {@code outmail.outbox.rate-limit.ID}} */
  static List<Setting> byMailbox() {
    return List.of(OUTBOX_RATE_LIMIT, OUTBOX_PRIORITY);
  }

  /** {@return the health cache time, as outmail reads a duration ({@code 60s}, {@code PT1M})} */
  static Duration healthCache(Environment environment) {
    return (Duration) get(environment, HEALTH_CACHE).orElseThrow();
  }

  /** {@return the setting's value from the environment, parsed, else its default; empty when neither} */
  static Optional<Object> get(Environment environment, Setting setting) {
    return raw(environment, PREFIX + setting.name(), setting)
        .map(text -> parse(setting, PREFIX + setting.name(), text));
  }

  private static Optional<String> raw(Environment environment, String key, Setting setting) {
    return Optional.ofNullable(OutmailKeys.value(environment, key)).or(setting::defaultValue);
  }

  /** Parses a value of a starter setting; a bad one fails start-up with a message naming the key. */
  static Object parse(Setting setting, String key, String text) {
    try {
      return setting.parse(text);
    } catch (RuntimeException e) {
      throw new MailboxConfigException(null, key, key + ": " + e.getMessage(), e);
    }
  }
}
