package org.outmail.smtp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.TransportOptions;
import org.outmail.ProxySettings;
import org.outmail.spi.SettingValues;

/**
 * The {@code smtp} transport's own settings for a mailbox: its connection pool. In a properties
 * file they are {@code outmail.mailbox.ID.smtp.max-connections} and so on; in code, {@code
 * Mailbox.builder("support").options(SmtpOptions.builder().maxConnections(5).build())}. Immutable.
 */
public final class SmtpOptions implements TransportOptions {
  /** The protocol name whose settings these are. */
  static final String PROTOCOL = "smtp";
  static final String MAX_CONNECTIONS = "max-connections";
  static final String IDLE_TIMEOUT = "idle-timeout";
  static final String MAX_MESSAGES_PER_CONNECTION = "max-messages-per-connection";
  static final String MAX_RECIPIENTS_PER_TRANSACTION = "max-recipients-per-transaction";
  static final String PIPELINING = "pipelining";
  static final String CHUNKING = "chunking";
  static final String MAX_IN_FLIGHT = "max-in-flight";
  static final String SERVERS_MODE = "servers-mode";
  static final String SERVERS_BACKOFF = "servers-backoff";

  /** How a mailbox whose {@code host} lists several servers uses them. */
  public enum ServersMode {
    /**
     * Every new connection goes to the first server in the order given that takes it; a server
     * that could not be used is skipped for {@code smtp.servers-backoff}, then tried first again.
     */
    FAILOVER,
    /**
     * New connections go to the servers in turn; a server that could not be used is skipped for
     * {@code smtp.servers-backoff}, then takes its turns again.
     */
    ROUND_ROBIN;

    /** {@return the setting's value: {@code failover} or {@code round-robin}} */
    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** The descriptions of these settings, as {@code SmtpTransportProvider.settings()} publishes them. */
  static final List<Setting> SETTINGS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
      Setting.builder(MAX_CONNECTIONS, Setting.Type.INTEGER).minimum(1).defaultValue("3")
          .help("The most connections kept open to the server at once.").build(),
      Setting.builder(IDLE_TIMEOUT, Setting.Type.DURATION).defaultValue("60s")
          .help("How long an unused pooled connection stays open.").build(),
      Setting.builder(MAX_MESSAGES_PER_CONNECTION, Setting.Type.INTEGER).minimum(1).defaultValue("1000")
          .help("Messages one connection carries before it is closed and replaced.").build(),
      Setting.builder(MAX_RECIPIENTS_PER_TRANSACTION, Setting.Type.INTEGER).minimum(1).defaultValue("100")
          .help("The most recipients (RCPT TO) in one SMTP transaction; a mail to more goes out in several "
              + "transactions on the same connection, with the same Message-ID. RFC 5321 servers take at least 100.")
          .build(),
      Setting.builder(PIPELINING, Setting.Type.BOOLEAN).defaultValue("true")
          .help("Use PIPELINING (RFC 2920) when the server offers it: a transaction's commands go in one write, and "
              + "the next mail's follow the previous mail's content. Turn off for a server that mishandles it.")
          .build(),
      Setting.builder(CHUNKING, Setting.Type.BOOLEAN).defaultValue("true")
          .help("Use CHUNKING (RFC 3030, BDAT) when the server offers it together with PIPELINING: a mail goes out "
              + "in one write and needs no reply before its content. Turn off for a server that mishandles it.")
          .build(),
      Setting.builder(MAX_IN_FLIGHT, Setting.Type.INTEGER).minimum(1).defaultValue("8")
          .help("The most mails in flight on one pipelined connection at once (sent, their replies not yet read); "
              + "1 sends one mail at a time on each connection.")
          .build(),
      Setting.builder(SERVERS_MODE, Setting.Type.CHOICE).allowedValues("FAILOVER", "ROUND-ROBIN")
          .alias("ROUND_ROBIN", "ROUND-ROBIN").defaultValue("FAILOVER")
          .help("For a host that lists several servers: failover opens each new connection on the first server "
              + "in the order given that takes it; round-robin spreads new connections over the servers in turn. "
              + "A server that refuses the connection, times out, fails TLS or answers 4xx before any mail moves "
              + "the connection on to the next; a mail whose outcome is unknown is never sent through another.")
          .build(),
      Setting.builder(SERVERS_BACKOFF, Setting.Type.DURATION).defaultValue("30s")
          .help("How long a server that could not be used is skipped (tried only when every other one fails too) "
              + "before it is tried again.")
          .build()),
      java.util.stream.Stream.concat(DkimSettings.SETTINGS.stream(),
          ProxySettings.settings(ProxySettings.Kind.SOCKS5, "the SMTP connections").stream()))
      .toList();

  private final int maxConnections;
  private final Duration idleTimeout;
  private final int maxMessagesPerConnection;
  private final int maxRecipientsPerTransaction;
  private final boolean pipelining;
  private final boolean chunking;
  private final int maxInFlight;
  private final ServersMode serversMode;
  private final Duration serversBackoff;

  private SmtpOptions(int maxConnections, Duration idleTimeout, int maxMessagesPerConnection,
      int maxRecipientsPerTransaction, boolean pipelining, boolean chunking, int maxInFlight, ServersMode serversMode,
      Duration serversBackoff) {
    this.serversMode = serversMode;
    this.serversBackoff = serversBackoff;
    this.maxConnections = maxConnections;
    this.idleTimeout = idleTimeout;
    this.maxMessagesPerConnection = maxMessagesPerConnection;
    this.maxRecipientsPerTransaction = maxRecipientsPerTransaction;
    this.pipelining = pipelining;
    this.chunking = chunking;
    this.maxInFlight = maxInFlight;
  }

  /**
   * {@return a builder with the defaults: 3 connections, 60 s idle, 1,000 messages per connection,
   * 100 recipients per transaction, PIPELINING and CHUNKING used when offered, 8 mails in flight per
   * connection, several servers used in failover with a 30 s back-off}
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
    SettingValues v = SettingValues.of(mailbox, PROTOCOL, SETTINGS);
    Duration backoff = v.duration(SERVERS_BACKOFF);
    if (backoff.isNegative()) {
      String key = PROTOCOL + "." + SERVERS_BACKOFF;
      throw new org.outmail.MailboxConfigException(mailbox.id(), key,
          org.outmail.MailException.mailboxPrefix(mailbox.id()) + key + " must not be negative, was " + backoff);
    }
    return new SmtpOptions(v.integer(MAX_CONNECTIONS), v.duration(IDLE_TIMEOUT), v.integer(MAX_MESSAGES_PER_CONNECTION),
        v.integer(MAX_RECIPIENTS_PER_TRANSACTION), v.bool(PIPELINING), v.bool(CHUNKING), v.integer(MAX_IN_FLIGHT),
        ServersMode
            .valueOf(v.text(SERVERS_MODE).orElse("FAILOVER").toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
        backoff);
  }

  /**
   * The mailbox's SOCKS5 proxy ({@code smtp.proxy}, {@code smtp.proxy-user}, {@code
   * smtp.proxy-password}, {@code smtp.no-proxy}), checked.
   *
   * @throws org.outmail.MailboxConfigException naming the mailbox and the key of a bad setting
   */
  static java.util.Optional<ProxySettings> proxy(Mailbox mailbox) {
    SettingValues v = SettingValues.of(mailbox, PROTOCOL, SETTINGS);
    return v.proxy(ProxySettings.Kind.SOCKS5);
  }

  /**
   * The mailbox's DKIM signing settings ({@code smtp.dkim.*}), checked; empty when it sets none.
   *
   * @throws org.outmail.MailboxConfigException naming the mailbox and the key of a bad setting
   */
  static java.util.Optional<DkimSettings> dkim(Mailbox mailbox) {
    return DkimSettings.of(mailbox.id(), SettingValues.of(mailbox, PROTOCOL, SETTINGS));
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

  /**
   * {@return whether PIPELINING (RFC 2920) is used when the server offers it} Off, every command
   * waits for its reply and each connection carries one mail at a time.
   */
  public boolean pipelining() {
    return pipelining;
  }

  /**
   * {@return whether CHUNKING (RFC 3030, {@code BDAT}) is used when the server offers it along with
   * PIPELINING} Off, the content goes after {@code DATA} and its 354 reply.
   */
  public boolean chunking() {
    return chunking;
  }

  /** {@return the most mails in flight on one pipelined connection at once} */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** {@return how a mailbox whose host lists several servers uses them} */
  public ServersMode serversMode() {
    return serversMode;
  }

  /** {@return how long a server that could not be used is skipped before it is tried again} */
  public Duration serversBackoff() {
    return serversBackoff;
  }

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public Map<String, String> values() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(MAX_CONNECTIONS, Integer.toString(maxConnections));
    m.put(IDLE_TIMEOUT, idleTimeout.toString());
    m.put(MAX_MESSAGES_PER_CONNECTION, Integer.toString(maxMessagesPerConnection));
    m.put(MAX_RECIPIENTS_PER_TRANSACTION, Integer.toString(maxRecipientsPerTransaction));
    m.put(PIPELINING, Boolean.toString(pipelining));
    m.put(CHUNKING, Boolean.toString(chunking));
    m.put(MAX_IN_FLIGHT, Integer.toString(maxInFlight));
    m.put(SERVERS_MODE, serversMode.toString());
    m.put(SERVERS_BACKOFF, serversBackoff.toString());
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
    private boolean pipelining = true;
    private boolean chunking = true;
    private int maxInFlight = 8;
    private ServersMode serversMode = ServersMode.FAILOVER;
    private Duration serversBackoff = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * Sets how a mailbox whose {@code host} lists several servers uses them; {@link
     * ServersMode#FAILOVER} by default. Only failures before any mail was handed over move a
     * connection on to the next server.
     *
     * @param mode failover or round-robin
     * @return this builder
     */
    public Builder serversMode(ServersMode mode) {
      this.serversMode = Objects.requireNonNull(mode, "mode == null");
      return this;
    }

    /**
     * Sets how long a server that could not be used is skipped (tried only when every other one
     * fails too) before it is tried again; 30 s by default.
     *
     * @param backoff zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder serversBackoff(Duration backoff) {
      Objects.requireNonNull(backoff, "backoff == null");
      if (backoff.isNegative()) {
        throw new IllegalArgumentException("servers-backoff must not be negative, was " + backoff);
      }
      this.serversBackoff = backoff;
      return this;
    }

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

    /**
     * Sets whether PIPELINING (RFC 2920) is used when the server offers it; on by default. Turning it
     * off also turns off CHUNKING and sends one mail at a time on each connection: the escape hatch
     * for a server that mishandles pipelined commands.
     *
     * @param use whether to pipeline
     * @return this builder
     */
    public Builder pipelining(boolean use) {
      this.pipelining = use;
      return this;
    }

    /**
     * Sets whether CHUNKING (RFC 3030, {@code BDAT}) is used when the server offers it along with
     * PIPELINING; on by default. Off, the content follows {@code DATA} once the server answered 354.
     *
     * @param use whether to send mails with {@code BDAT}
     * @return this builder
     */
    public Builder chunking(boolean use) {
      this.chunking = use;
      return this;
    }

    /**
     * Sets the most mails in flight on one pipelined connection at once: written to the server,
     * their replies not yet read. Concurrent sends share a connection up to this many once every
     * connection of the pool is open; 1 sends one mail at a time on each connection.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException unless at least 1
     */
    public Builder maxInFlight(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max-in-flight must be at least 1, was " + max);
      }
      this.maxInFlight = max;
      return this;
    }

    /** {@return the options} */
    public SmtpOptions build() {
      return new SmtpOptions(maxConnections, idleTimeout, maxMessagesPerConnection, maxRecipientsPerTransaction,
          pipelining, chunking, maxInFlight, serversMode, serversBackoff);
    }
  }
}
