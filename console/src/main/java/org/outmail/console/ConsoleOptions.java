package org.outmail.console;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Secret;

/**
 * How the console listens and who may use it. There is no default password: give at least one
 * {@link Builder#user}, or, on a loopback address only, say {@link Builder#withoutLogin()}.
 *
 * <pre>{@code
 * ConsoleOptions.builder()
 *     .port(8480)                                                   // 127.0.0.1 unless bind(...)
 *     .user("admin", Secret.env("OUTMAIL_CONSOLE_PASSWORD"))
 *     .build();
 * }</pre>
 */
public final class ConsoleOptions {
  /** The shortest password the console accepts. */
  public static final int MIN_PASSWORD_LENGTH = 12;

  final String bind;
  final int port;
  final Map<String, Secret> users;
  final boolean withoutLogin;
  final boolean secureCookies;
  final Set<String> allowedHosts;
  final Duration sessionIdle;
  final Clock clock;
  final org.outmail.outbox.@Nullable Outbox outbox;
  final int outboxRefreshSeconds;

  private ConsoleOptions(Builder b) {
    this.bind = b.bind;
    this.port = b.port;
    this.users = Map.copyOf(b.users);
    this.withoutLogin = b.withoutLogin;
    this.secureCookies = b.secureCookies;
    this.allowedHosts = Set.copyOf(b.allowedHosts);
    this.sessionIdle = b.sessionIdle;
    this.clock = b.clock;
    this.outbox = b.outbox;
    this.outboxRefreshSeconds = b.outboxRefreshSeconds;
  }

  /** {@return a builder: 127.0.0.1, a free port, no user yet} */
  public static Builder builder() {
    return new Builder();
  }

  boolean loopback() {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "ConsoleOptions{bind=" + bind + ", port=" + port + ", users=" + users.keySet()
        + (withoutLogin ? ", withoutLogin" : "") + "}";
  }

  /** Builds {@link ConsoleOptions}; every setter checks its argument at once. */
  public static final class Builder {
    private String bind = "127.0.0.1";
    private int port;
    private final Map<String, Secret> users = new LinkedHashMap<>();
    private boolean withoutLogin;
    private boolean secureCookies;
    private final Set<String> allowedHosts = new LinkedHashSet<>();
    private Duration sessionIdle = Duration.ofMinutes(30);
    private Clock clock = Clock.systemUTC();
    private org.outmail.outbox.@Nullable Outbox outbox;
    private int outboxRefreshSeconds = 10;

    private Builder() {}

    /**
     * The address to listen on; {@code 127.0.0.1} unless set. Anything else exposes mail credentials
     * and a button that connects wherever a form says to whoever reaches the port: put it behind
     * TLS ({@link #secureCookies}) and a firewall.
     *
     * @param address an IP address or host name of this machine
     * @return this builder
     */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address, "address == null");
      return this;
    }

    /**
     * The port; 0 (the default) takes a free one, which {@link OutmailConsole#uri()} tells.
     *
     * @param port 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Adds an administrator who may log in. The password is kept only as a salted PBKDF2 hash.
     *
     * @param name the user name
     * @param password at least {@value ConsoleOptions#MIN_PASSWORD_LENGTH} characters
     * @return this builder
     * @throws IllegalArgumentException for a blank name, a name given before or a short password
     */
    public Builder user(String name, Secret password) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(password, "password == null");
      if (name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("a console user name must not be blank or hold control characters");
      }
      if (password.value().length() < MIN_PASSWORD_LENGTH) {
        throw new IllegalArgumentException("the console password of '" + name + "' must be at least "
            + MIN_PASSWORD_LENGTH + " characters");
      }
      if (users.putIfAbsent(name, password) != null) {
        throw new IllegalArgumentException("console user '" + name + "' was given twice");
      }
      return this;
    }

    /**
     * Lets the console run without login: allowed only when it listens on a loopback address, where
     * whoever can reach it can already read the host's configuration. {@link OutmailConsole#start}
     * refuses it on any other address.
     *
     * @return this builder
     */
    public Builder withoutLogin() {
      this.withoutLogin = true;
      return this;
    }

    /**
     * Marks the session cookie {@code Secure}: for a console reached through an https proxy.
     *
     * @param secure whether the cookie is only sent over https
     * @return this builder
     */
    public Builder secureCookies(boolean secure) {
      this.secureCookies = secure;
      return this;
    }

    /**
     * Adds a host name browsers may use to reach the console, besides the bind address, {@code
     * localhost} and {@code 127.0.0.1}; requests naming any other host are refused (a guard against
     * DNS rebinding).
     *
     * @param host a host name, without port
     * @return this builder
     */
    public Builder allowedHost(String host) {
      allowedHosts.add(Objects.requireNonNull(host, "host == null").toLowerCase(java.util.Locale.ROOT));
      return this;
    }

    /**
     * How long a session lasts without use; 30 minutes unless set.
     *
     * @param idle the time
     * @return this builder
     * @throws IllegalArgumentException unless positive
     */
    public Builder sessionIdle(Duration idle) {
      Objects.requireNonNull(idle, "idle == null");
      if (idle.isZero() || idle.isNegative()) {
        throw new IllegalArgumentException("sessionIdle must be positive, was " + idle);
      }
      this.sessionIdle = idle;
      return this;
    }

    /**
     * Shows the outbox on a screen of its own: the count of each state, the oldest waiting mail's
     * age, its mails by state or found by a search, each mail's attempts, Retry now and Cancel. The
     * host keeps the outbox (and its {@code outmail-outbox} dependency); the console never closes it.
     *
     * @param outbox the host's outbox
     * @return this builder
     */
    public Builder outbox(org.outmail.outbox.Outbox outbox) {
      this.outbox = Objects.requireNonNull(outbox, "outbox == null");
      return this;
    }

    /** How often the outbox's pages reload themselves; 10 s unless set (tests set less). */
    Builder outboxRefreshSeconds(int seconds) {
      this.outboxRefreshSeconds = seconds;
      return this;
    }

    /** The clock sessions and the login throttle read; for tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** {@return the options} */
    public ConsoleOptions build() {
      return new ConsoleOptions(this);
    }
  }
}
