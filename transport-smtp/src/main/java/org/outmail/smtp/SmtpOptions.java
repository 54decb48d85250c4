package org.outmail.smtp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.TransportOptions;
import org.outmail.spi.SettingValues;

/**
 * The {@code smtp} transport's own settings for a mailbox: its connection pool. In a properties
 * file they are {@code outmail.mailbox.ID.smtp.max-connections} and so on; in code, {@code
 * Mailbox.builder("support").options(SmtpOptions.builder().maxConnections(5).build())}. Immutable.
 */
public final class SmtpOptions implements TransportOptions {
  static final String MAX_CONNECTIONS = "max-connections";
  static final String IDLE_TIMEOUT = "idle-timeout";
  static final String MAX_MESSAGES_PER_CONNECTION = "max-messages-per-connection";
  static final String MAX_RECIPIENTS_PER_TRANSACTION = "max-recipients-per-transaction";

  /** The descriptions of these settings, as {@link SmtpTransportProvider#settings()} publishes them. */
  static final List<Setting> SETTINGS = List.of(
      Setting.builder(MAX_CONNECTIONS, Setting.Type.INTEGER).minimum(1).defaultValue("3")
          .help("The most connections kept open to the server at once.").build(),
      Setting.builder(IDLE_TIMEOUT, Setting.Type.DURATION).defaultValue("60s")
          .help("How long an unused pooled connection stays open.").build(),
      Setting.builder(MAX_MESSAGES_PER_CONNECTION, Setting.Type.INTEGER).minimum(1).defaultValue("1000")
          .help("Messages one connection carries before it is closed and replaced.").build(),
      Setting.builder(MAX_RECIPIENTS_PER_TRANSACTION, Setting.Type.INTEGER).minimum(1).defaultValue("100")
          .help("The most recipients (RCPT TO) in one SMTP transaction; a mail to more goes out in several "
              + "transactions on the same connection, with the same Message-ID. RFC 5321 servers take at least 100.")
          .build());

  private final int maxConnections;
  private final Duration idleTimeout;
  private final int maxMessagesPerConnection;
  private final int maxRecipientsPerTransaction;

  private SmtpOptions(int maxConnections, Duration idleTimeout, int maxMessagesPerConnection,
      int maxRecipientsPerTransaction) {
    this.maxConnections = maxConnections;
    this.idleTimeout = idleTimeout;
    this.maxMessagesPerConnection = maxMessagesPerConnection;
    this.maxRecipientsPerTransaction = maxRecipientsPerTransaction;
  }

  /**
   * {@return a builder with the defaults: 3 connections, 60 s idle, 1,000 messages per connection,
   * 100 recipients per transaction}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The options of a mailbox, from its {@code smtp.*} settings and the defaults.
   *
   * @param mailbox a mailbox of protocol {@code smtp}
   * @return its options
   * @throws org.outmail.MailboxConfigException naming the key of an unknown or invalid setting
   */
  public static SmtpOptions of(Mailbox mailbox) {
    SettingValues v = SettingValues.of(mailbox, SmtpTransportProvider.PROTOCOL, SETTINGS);
    return new SmtpOptions(v.integer(MAX_CONNECTIONS), v.duration(IDLE_TIMEOUT), v.integer(MAX_MESSAGES_PER_CONNECTION),
        v.integer(MAX_RECIPIENTS_PER_TRANSACTION));
  }

  /** {@return the most connections the transport keeps open to the server at once} */
  public int maxConnections() {
    return maxConnections;
  }

  /** {@return how long an unused pooled connection stays open} */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** {@return how many messages one connection carries before it is closed and replaced} */
  public int maxMessagesPerConnection() {
    return maxMessagesPerConnection;
  }

  /**
   * {@return the most recipients in one SMTP transaction; a mail to more is sent in several
   * transactions on one connection}
   */
  public int maxRecipientsPerTransaction() {
    return maxRecipientsPerTransaction;
  }

  @Override
  public String protocol() {
    return SmtpTransportProvider.PROTOCOL;
  }

  @Override
  public Map<String, String> values() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(MAX_CONNECTIONS, Integer.toString(maxConnections));
    m.put(IDLE_TIMEOUT, idleTimeout.toString());
    m.put(MAX_MESSAGES_PER_CONNECTION, Integer.toString(maxMessagesPerConnection));
    m.put(MAX_RECIPIENTS_PER_TRANSACTION, Integer.toString(maxRecipientsPerTransaction));
    return m;
  }

  @Override
  public String toString() {
    return "SmtpOptions" + values();
  }

  /** Builds {@link SmtpOptions}; each setter replaces the value given before. */
  public static final class Builder {
    private int maxConnections = 3;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxMessagesPerConnection = 1000;
    private int maxRecipientsPerTransaction = 100;

    private Builder() {}

    /**
     * Sets the most connections the transport keeps open to the server at once.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException unless at least 1
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max-connections must be at least 1, was " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Sets how long an unused pooled connection stays open.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException unless positive
     */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "idleTimeout == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("idle-timeout must be positive, was " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Sets how many messages one connection carries before it is closed and replaced.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException unless at least 1
     */
    public Builder maxMessagesPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max-messages-per-connection must be at least 1, was " + max);
      }
      this.maxMessagesPerConnection = max;
      return this;
    }

    /**
     * Sets the most recipients ({@code RCPT TO}) in one SMTP transaction. A mail to more is sent in
     * several transactions on the same connection, each with the same Message-ID and content.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException unless at least 1
     */
    public Builder maxRecipientsPerTransaction(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max-recipients-per-transaction must be at least 1, was " + max);
      }
      this.maxRecipientsPerTransaction = max;
      return this;
    }

    /** {@return the options} */
    public SmtpOptions build() {
      return new SmtpOptions(maxConnections, idleTimeout, maxMessagesPerConnection, maxRecipientsPerTransaction);
    }
  }
}
