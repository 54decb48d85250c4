package org.outmail.spring;

import static org.outmail.spring.StarterSettings.PREFIX;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.SendListener;
import org.outmail.Setting;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxListener;
import org.outmail.outbox.OutboxStore;
import org.outmail.outbox.OutcomeUnknownPolicy;
import org.outmail.outbox.Priority;
import org.outmail.outbox.RateLimit;
import org.springframework.core.env.Environment;

/** Builds the outbox from the {@code outmail.outbox.*} keys. */
final class OutboxFactory {
  private OutboxFactory() {}

  /** {@return whether the store is the application's DataSource} */
  static boolean jdbc(Environment env) {
    return "JDBC".equals(StarterSettings.get(env, StarterSettings.OUTBOX_STORE).orElseThrow());
  }

  @SuppressWarnings("deprecation") // OutboxListener beans are still told, until the type goes
  static Outbox build(Environment env, MailboxRegistry registry, @Nullable DataSource dataSource,
      List<SendListener> listeners, List<OutboxListener> failureListeners) {
    Outbox.Builder b = Outbox.builder().registry(registry).store(store(env, dataSource));
    b.workers((Integer) get(env, StarterSettings.OUTBOX_WORKERS));
    StarterSettings.get(env, StarterSettings.OUTBOX_BATCH_SIZE).ifPresent(n -> b.batchSize((Integer) n));
    b.lease((Duration) get(env, StarterSettings.OUTBOX_LEASE));
    b.pollInterval((Duration) get(env, StarterSettings.OUTBOX_POLL));
    b.backoff((Duration) get(env, StarterSettings.OUTBOX_BACKOFF_INITIAL),
        (Duration) get(env, StarterSettings.OUTBOX_BACKOFF_MAX));
    b.maxAge((Duration) get(env, StarterSettings.OUTBOX_MAX_AGE));
    b.outcomeUnknown(OutcomeUnknownPolicy.valueOf(
        ((String) get(env, StarterSettings.OUTBOX_OUTCOME_UNKNOWN)).replace('-', '_')));
    b.closeTimeout((Duration) get(env, StarterSettings.OUTBOX_CLOSE_TIMEOUT));
    StarterSettings.get(env, StarterSettings.OUTBOX_NODE_ID).ifPresent(id -> b.nodeId((String) id));
    byMailbox(env, StarterSettings.OUTBOX_RATE_LIMIT).forEach((mailbox, text) -> {
      String key = PREFIX + StarterSettings.OUTBOX_RATE_LIMIT.name() + "." + mailbox;
      @SuppressWarnings("unchecked") List<String> limits = (List<String>) StarterSettings
          .parse(StarterSettings.OUTBOX_RATE_LIMIT, key, text);
      for (String limit : limits) {
        try {
          b.rateLimit(mailbox, RateLimit.parse(limit));
        } catch (IllegalArgumentException e) {
          throw new MailboxConfigException(null, key, key + ": " + e.getMessage(), e);
        }
      }
    });
    byMailbox(env, StarterSettings.OUTBOX_PRIORITY).forEach((mailbox, text) -> {
      String key = PREFIX + StarterSettings.OUTBOX_PRIORITY.name() + "." + mailbox;
      b.defaultPriority(mailbox,
          Priority.valueOf((String) StarterSettings.parse(StarterSettings.OUTBOX_PRIORITY, key, text)));
    });
    listeners.forEach(b::listener);
    failureListeners.forEach(b::failureListener);
    return b.build();
  }

  private static OutboxStore store(Environment env, @Nullable DataSource dataSource) {
    if (!jdbc(env)) {
      return OutboxStore.embedded(Path.of((String) get(env, StarterSettings.OUTBOX_DIRECTORY)));
    }
    if (dataSource == null) {
      throw new MailboxConfigException(null, PREFIX + StarterSettings.OUTBOX_STORE.name(),
          PREFIX + StarterSettings.OUTBOX_STORE.name() + "=jdbc needs a DataSource bean (spring.datasource.url, "
              + "PostgreSQL or SQLite), and the application has none");
    }
    OutboxStore store = OutboxStore.jdbc(dataSource);
    return "NONE".equals(get(env, StarterSettings.OUTBOX_SCHEMA)) ? store.schemaManagedByHost() : store;
  }

  private static Object get(Environment env, Setting setting) {
    return StarterSettings.get(env, setting).orElseThrow();
  }

  /** {@return the values of {@code outmail.PREFIX.ID} keys by id} */
  private static Map<String, String> byMailbox(Environment env, Setting setting) {
    return OutmailKeys.byId(env, PREFIX + setting.name() + ".");
  }
}
