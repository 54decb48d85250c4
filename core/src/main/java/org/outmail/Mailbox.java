package org.outmail;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.net.IDN;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.outmail.oauth.OAuthClient;

/**
 * One configured mailbox: a row of the administrator's grid, with every field of an outgoing
 * mailbox form. Immutable; built with {@link #builder(String)} and validated on {@link
 * Builder#build()}.
 */
public final class Mailbox {
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

  private final String id;
  private final String name;
  private final MailboxType type;
  private final boolean enabled;
  private final @Nullable String emailDisplay;
  private final @Nullable String displayName;
  private final @Nullable String host;
  private final List<ServerAddress> servers;
  private final @Nullable Integer port;
  private final Encryption encryption;
  private final @Nullable String username;
  private final @Nullable Secret password;
  private final String protocol;
  private final @Nullable OAuthClient oauthClient;
  private final @Nullable String prefix;
  private final AllowedEmails allowedEmails;
  private final boolean defaultOutgoing;
  private final @Nullable String excludeExpression;
  private final @Nullable Pattern excludePattern;
  private final List<String> postSendHooks;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final RetryPolicy retryPolicy;
  private final @Nullable Path trustStore;
  private final @Nullable Secret trustStorePassword;
  private final Map<String, String> settings;
  private final Map<String, Secret> secretSettings;

  private Mailbox(Builder b) {
    this.id = b.id;
    this.name = b.name == null ? b.id : b.name;
    this.type = b.type;
    this.enabled = b.enabled;
    this.emailDisplay = b.emailDisplay;
    this.displayName = b.displayName;
    this.host = b.host;
    this.servers = b.servers;
    this.port = b.port;
    this.encryption = b.encryption;
    this.username = b.username;
    this.password = b.password;
    this.protocol = b.protocol;
    this.oauthClient = b.oauthClient;
    this.prefix = b.prefix;
    this.allowedEmails = b.allowedEmails;
    this.defaultOutgoing = b.defaultOutgoing;
    this.excludeExpression = b.excludeExpression;
    this.excludePattern = b.excludePattern;
    this.postSendHooks = List.copyOf(b.postSendHooks);
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.writeTimeout = b.writeTimeout;
    this.retryPolicy = b.retryPolicy;
    this.trustStore = b.trustStore;
    this.trustStorePassword = b.trustStorePassword;
    this.settings = Collections.unmodifiableMap(new TreeMap<>(b.settings));
    this.secretSettings = Collections.unmodifiableMap(new TreeMap<>(b.secretSettings));
  }

  /**
   * Starts a mailbox with its id, the stable key records refer to (letters, digits, {@code .},
   * {@code _}, {@code -}; at most 64).
   *
   * @param id the mailbox id
   * @return a builder for an enabled {@code OUT} mailbox on protocol {@code smtp} with {@code
   *     STARTTLS}, until its setters say otherwise
   * @throws MailboxConfigException if the id is not of that form
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** {@return a builder holding every field of this mailbox, to derive a changed copy} */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.name = name;
    b.type = type;
    b.enabled = enabled;
    b.emailDisplay = emailDisplay;
    b.displayName = displayName;
    b.host = host;
    b.hostItems = host == null ? List.of() : ServerList.parse(host);
    b.port = port;
    b.encryption = encryption;
    b.username = username;
    b.password = password;
    b.protocol = protocol;
    b.oauthClient = oauthClient;
    b.prefix = prefix;
    b.allowedEmails = allowedEmails;
    b.defaultOutgoing = defaultOutgoing;
    b.excludeExpression = excludeExpression;
    b.excludePattern = excludePattern;
    b.postSendHooks.addAll(postSendHooks);
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.writeTimeout = writeTimeout;
    b.retryPolicy = retryPolicy;
    b.trustStore = trustStore;
    b.trustStorePassword = trustStorePassword;
    b.settings.putAll(settings);
    b.secretSettings.putAll(secretSettings);
    return b;
  }

  /** {@return the stable key records refer to} */
  public String id() {
    return id;
  }

  /** {@return the descriptive name shown in the grid; the id when none was given} */
  public String name() {
    return name;
  }

  /** {@return whether this mailbox receives ({@code IN}) or sends ({@code OUT}) mail} */
  public MailboxType type() {
    return type;
  }

  /** {@return the status: {@code false} for a disabled mailbox, which sends nothing} */
  public boolean enabled() {
    return enabled;
  }

  /**
   * {@return the From address (may differ from the login user name), normalised; required for OUT,
   * null for an IN mailbox without one}
   */
  public @Nullable String emailDisplay() {
    return emailDisplay;
  }

  /** {@return the From personal name, e.g. "Your Service Desk"} */
  public Optional<String> displayName() {
    return Optional.ofNullable(displayName);
  }

  /**
   * {@return the mail server (SMTP) or API host (OWA); empty means the transport's default, if it
   * has one}
   */
  public Optional<String> host() {
    return Optional.ofNullable(host);
  }

  /**
   * {@return the servers {@link #host()} names, in the order given, each with its own port or else
   * {@link #port()}; empty without a host} One server unless the field lists several ({@code
   * smtp1.example.com:587, smtp2.example.com:587}); a transport that takes one server refuses more.
   */
  public List<ServerAddress> servers() {
    return servers;
  }

  /** {@return the port: the one configured, else the encryption's default (25, 465, 587)} */
  public int port() {
    return port != null ? port : encryption.defaultPort();
  }

  /** {@return the port as configured, empty when the default applies} */
  public OptionalInt explicitPort() {
    return port == null ? OptionalInt.empty() : OptionalInt.of(port);
  }

  /** {@return how the connection to the server is protected} */
  public Encryption encryption() {
    return encryption;
  }

  /**
   * {@return the login user name; empty means no authentication (unless an OAuth client is set)}
   */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** {@return the login password, if one is set} */
  public Optional<Secret> password() {
    return Optional.ofNullable(password);
  }

  /**
   * {@return the protocol, lower case ({@code smtp}, {@code owa}); matched against the transport
   * providers}
   */
  public String protocol() {
    return protocol;
  }

  /** {@return the OAuth client whose tokens authenticate this mailbox, if one is set} */
  public Optional<OAuthClient> oauthClient() {
    return Optional.ofNullable(oauthClient);
  }

  /** {@return the subject tag prefix, e.g. {@code TICKET#}} */
  public Optional<String> prefix() {
    return Optional.ofNullable(prefix);
  }

  /** {@return which recipients this mailbox may send to} */
  public AllowedEmails allowedEmails() {
    return allowedEmails;
  }

  /** {@return whether this is the default mailbox for notifications} */
  public boolean defaultOutgoing() {
    return defaultOutgoing;
  }

  /** {@return the regular expression (RE2 syntax) whose matching recipients are blocked} */
  public Optional<String> excludeExpression() {
    return Optional.ofNullable(excludeExpression);
  }

  @Nullable
  Pattern excludePattern() {
    return excludePattern;
  }

  /** {@return the names of the post-send hooks to run, in order} */
  public List<String> postSendHooks() {
    return postSendHooks;
  }

  /** {@return how long connecting to the server may take} */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** {@return how long to wait for a reply of the server} */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** {@return how long a write to the server may block} */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /** {@return how transient transport failures are retried} */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * {@return a trust file (PEM certificates or a PKCS12 store) for a server whose certificate a
   * private CA signed}
   */
  public Optional<Path> trustStore() {
    return Optional.ofNullable(trustStore);
  }

  /** {@return the password of a PKCS12 trust store, if one is set} */
  public Optional<Secret> trustStorePassword() {
    return Optional.ofNullable(trustStorePassword);
  }

  /**
   * The transports' own settings, keyed {@code protocol.name} ({@code smtp.max-connections}), in
   * their text form. Which names exist, their types and defaults are described by each transport
   * provider's {@link org.outmail.spi.TransportProvider#settings()}; the registry checks them when
   * it is built. A transport's secret settings ({@code smtp.dkim.private-key}) are never here: they
   * are in the text form's secrets ({@link #textForm()}) under the same key, and a transport reads them with {@link
   * org.outmail.spi.SettingValues#secret}.
   *
   * @return the settings, sorted by key; unmodifiable
   */
  public Map<String, String> settings() {
    return settings;
  }

  /**
   * The settings of one protocol's transport, keyed by their name without the protocol ({@code
   * max-connections}).
   *
   * @param protocol the protocol, in any case
   * @return the settings of that protocol, sorted by name; empty when it has none; unmodifiable
   */
  public Map<String, String> settings(String protocol) {
    Objects.requireNonNull(protocol, "protocol == null");
    String p = protocol.toLowerCase(Locale.ROOT) + ".";
    Map<String, String> own = new TreeMap<>();
    settings.forEach((k, v) -> {
      if (k.startsWith(p)) {
        own.put(k.substring(p.length()), v);
      }
    });
    return Collections.unmodifiableMap(own);
  }

  /** {@return the transports' secret settings, keyed {@code protocol.name}} */
  Map<String, Secret> secretSettings() {
    return secretSettings;
  }

  /** {@return the keys of every transport setting given, in the clear or secret: {@code protocol.name}} */
  java.util.Set<String> settingKeys() {
    java.util.Set<String> keys = new java.util.TreeSet<>(settings.keySet());
    keys.addAll(secretSettings.keySet());
    return keys;
  }

  /**
   * The text form of mailboxes: the fields every mailbox has, described for forms and tools (the
   * seed's fields and what every transport shares: timeouts, retries, the trust store; a
   * transport's own settings come from its provider's {@link
   * org.outmail.spi.TransportProvider#settings()}), a mailbox as text and back, and a form checked
   * field by field. Keys are those of {@link TextForm#fields()}, an inline OAuth client's fields as
   * {@code oauth-client.NAME} ({@link OAuthClient#textForm()}), and the transports' settings as
   * {@code PROTOCOL.NAME}; the secret ones are {@code password}, {@code trust-store-password},
   * {@code oauth-client.client-secret}, {@code oauth-client.refresh-token} and a transport's secret
   * settings ({@code smtp.dkim.private-key}). A form's id is under {@code id}.
   *
   * @return the text form of mailboxes
   */
  public static TextForm<Mailbox, Builder> textForm() {
    return MailboxFields.FORM;
  }

  /** Whether every field of both mailboxes, secrets included, is the same. */
  boolean sameAs(Mailbox other) {
    return other != null && id.equals(other.id) && MailboxFields.values(this).equals(MailboxFields.values(other))
        && MailboxFields.secrets(this).equals(MailboxFields.secrets(other));
  }

  @Override
  public String toString() {
    return "Mailbox{id=" + id + ", name=" + name + ", type=" + type + ", enabled=" + enabled
        + ", emailDisplay=" + emailDisplay + ", protocol=" + protocol
        + (host == null ? "" : ", host=" + servers.stream().map(ServerAddress::toString)
            .collect(java.util.stream.Collectors.joining(", ")))
        + ", encryption=" + encryption
        + (username == null ? "" : ", username=" + username)
        + (password == null ? "" : ", password=****")
        + (oauthClient == null ? "" : ", oauthClient=" + oauthClient.name())
        + (prefix == null ? "" : ", prefix=" + prefix)
        + ", defaultOutgoing=" + defaultOutgoing + "}";
  }

  /**
   * Builds a {@link Mailbox}. Each setter checks its argument at once and throws {@link
   * MailboxConfigException} naming the mailbox, the field and the problem ({@code mailbox
   * 'support': port must be between 1 and 65535, was 0}); a {@code null} argument throws {@link
   * NullPointerException} naming the parameter. {@link #build()} checks what spans fields (an OUT
   * mailbox needs an email display; the retry parts make a valid policy).
   *
   * <p>Called again, a setter of one value replaces the earlier value (so {@link
   * Mailbox#toBuilder()} can derive a changed copy); {@link #postSendHooks} and {@link #setting}
   * add, as their documentation says.
   */
  public static final class Builder extends MailboxBuilder {
    private List<ServerAddress> servers = List.of();

    private Builder(String id) {
      super(id);
    }

    /**
     * Checks what spans fields and builds the mailbox.
     *
     * @return the mailbox
     * @throws MailboxConfigException naming the mailbox, the field and what is wrong: an OUT mailbox
     *     without email display, retry parts that make no valid policy
     */
    public Mailbox build() {
      if (oauthName != null || !oauthTexts.isEmpty() || !oauthSecrets.isEmpty()) {
        oauthClient = MailboxFields.inlineClient(this);
        oauthName = null;
        oauthTexts.clear();
        oauthSecrets.clear();
      }
      if (emailDisplay == null && type == MailboxType.OUT) {
        throw fail("email-display", "is required for an OUT mailbox");
      }
      try {
        servers = ServerList.addresses(hostItems, port != null ? port : encryption.defaultPort());
      } catch (IllegalArgumentException e) {
        throw fail("host", String.valueOf(e.getMessage()));
      }
      if (retryAttempts != null || retryInitial != null || retryMax != null) {
        try {
          retryPolicy = RetryPolicy.of(retryAttempts != null ? retryAttempts : retryPolicy.maxAttempts(),
              retryInitial != null ? retryInitial : retryPolicy.initialBackoff(),
              retryMax != null ? retryMax : retryPolicy.maxBackoff());
        } catch (IllegalArgumentException e) {
          throw fail("retry", String.valueOf(e.getMessage()));
        }
        retryAttempts = null;
        retryInitial = null;
        retryMax = null;
      }
      return new Mailbox(this);
    }
  }
}
