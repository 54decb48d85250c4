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
import org.outmail.oauth.OAuthClient;

/**
 * One configured mailbox: a row of the administrator's grid, with every field of an outgoing
 * mailbox form. Immutable; built with {@link #builder(String)} and validated on {@link
 * Builder#build()}.
 */
public final class Mailbox {
  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final java.util.regex.Pattern PROTOCOL = java.util.regex.Pattern.compile("[a-z][a-z0-9_-]*");
  private static final java.util.regex.Pattern HOST =
      java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");
  private static final java.util.regex.Pattern SETTING =
      java.util.regex.Pattern.compile("[a-z][a-z0-9_-]*\\.[a-z][a-z0-9]*([.-][a-z0-9]+)*");
  private static final java.util.regex.Pattern HOOK = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

  private final String id;
  private final String name;
  private final MailboxType type;
  private final boolean enabled;
  private final String emailDisplay;
  private final String displayName;
  private final String host;
  private final Integer port;
  private final Encryption encryption;
  private final String username;
  private final Secret password;
  private final String protocol;
  private final OAuthClient oauthClient;
  private final String prefix;
  private final AllowedEmails allowedEmails;
  private final boolean defaultOutgoing;
  private final String excludeExpression;
  private final Pattern excludePattern;
  private final List<String> postSendHooks;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final RetryPolicy retryPolicy;
  private final Path trustStore;
  private final Secret trustStorePassword;
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
   * {@return the From address (may differ from the login user name), normalised; required for OUT}
   */
  public String emailDisplay() {
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
        + (host == null ? "" : ", host=" + host + ":" + port())
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
  public static final class Builder {
    private final String id;
    private String name;
    private MailboxType type = MailboxType.OUT;
    private boolean enabled = true;
    private String emailDisplay;
    private String displayName;
    private String host;
    private Integer port;
    private Encryption encryption = Encryption.STARTTLS;
    private String username;
    private Secret password;
    private String protocol = "smtp";
    private OAuthClient oauthClient;
    private String prefix;
    private AllowedEmails allowedEmails = AllowedEmails.ANY;
    private boolean defaultOutgoing;
    private String excludeExpression;
    private Pattern excludePattern;
    private final List<String> postSendHooks = new ArrayList<>();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Integer retryAttempts;
    private Duration retryInitial;
    private Duration retryMax;
    private Path trustStore;
    private Secret trustStorePassword;
    private final Map<String, String> settings = new TreeMap<>();
    private final Map<String, Secret> secretSettings = new TreeMap<>();
    /** An inline OAuth client given as text ({@code oauth-client}, {@code oauth-client.NAME}): built by {@link #build()}. */
    private String oauthName;
    private final Map<String, String> oauthTexts = new LinkedHashMap<>();
    private final Map<String, Secret> oauthSecrets = new LinkedHashMap<>();

    private Builder(String id) {
      Objects.requireNonNull(id, "id == null");
      if (!ID.matcher(id).matches()) {
        throw new MailboxConfigException(id, "id",
            "mailbox id '" + id + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
      }
      this.id = id;
    }

    MailboxConfigException fail(String field, String problem) {
      return MailboxConfigException.of(id, field, problem);
    }

    /**
     * The descriptive name shown in the grid (the id when not set); replaces one set before.
     *
     * @param name the descriptive name
     * @return this builder
     * @throws MailboxConfigException if blank or holding a control character
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name == null");
      checkText("name", name);
      if (name.isBlank()) {
        throw fail("name", "must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * IN or OUT (the default); replaces one set before.
     *
     * @param type the mailbox's direction
     * @return this builder
     */
    public Builder type(MailboxType type) {
      this.type = Objects.requireNonNull(type, "type == null");
      return this;
    }

    /**
     * The status (enabled unless set); replaces one set before.
     *
     * @param enabled whether the mailbox is enabled
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * The From address, normalised; required for an OUT mailbox. Replaces one set before.
     *
     * @param emailDisplay the From address
     * @return this builder
     * @throws MailboxConfigException if it is not a valid address
     */
    public Builder emailDisplay(String emailDisplay) {
      Objects.requireNonNull(emailDisplay, "emailDisplay == null");
      try {
        this.emailDisplay = Addresses.normalise(emailDisplay);
      } catch (InvalidEmailException e) {
        throw fail("email-display", "is not a valid address: " + e.getMessage());
      }
      return this;
    }

    /**
     * The From personal name; replaces one set before.
     *
     * @param displayName the From personal name
     * @return this builder
     * @throws MailboxConfigException if it holds a line break or another control character
     */
    public Builder displayName(String displayName) {
      Objects.requireNonNull(displayName, "displayName == null");
      checkText("display-name", displayName);
      this.displayName = displayName;
      return this;
    }

    /**
     * The mail server or API host (an IDN name is kept in its ASCII form, lower case, or an {@code
     * [IPv6]} literal); replaces one set before.
     *
     * @param host the host name or {@code [IPv6]} literal; surrounding whitespace is ignored
     * @return this builder
     * @throws MailboxConfigException if it is not a valid host name
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host == null");
      String h = host.strip();
      checkText("host", h);
      String ascii;
      try {
        ascii = h.startsWith("[") ? h : IDN.toASCII(h);
      } catch (IllegalArgumentException e) {
        throw fail("host", "is not a valid host name: '" + h + "'");
      }
      if (!HOST.matcher(ascii).matches()) {
        throw fail("host", "is not a valid host name: '" + h + "'");
      }
      this.host = ascii.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * The port; replaces one set before. Unless set, the encryption's default applies.
     *
     * @param port the port
     * @return this builder
     * @throws MailboxConfigException unless 1 to 65535
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw fail("port", "must be between 1 and 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * NONE, SSL_TLS or STARTTLS (the default); replaces one set before.
     *
     * @param encryption how the connection is encrypted
     * @return this builder
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = Objects.requireNonNull(encryption, "encryption == null");
      return this;
    }

    /**
     * The login user name; replaces one set before.
     *
     * @param username the login user name
     * @return this builder
     * @throws MailboxConfigException if blank or holding a control character
     */
    public Builder username(String username) {
      Objects.requireNonNull(username, "username == null");
      checkText("username", username);
      if (username.isBlank()) {
        throw fail("username", "must not be blank");
      }
      this.username = username;
      return this;
    }

    /**
     * The login password; replaces one set before.
     *
     * @param password the login password
     * @return this builder
     */
    public Builder password(Secret password) {
      this.password = Objects.requireNonNull(password, "password == null");
      return this;
    }

    /**
     * The protocol ({@code smtp}, the default, {@code owa}, ...), case-insensitive; replaces one set
     * before.
     *
     * @param protocol the protocol name
     * @return this builder
     * @throws MailboxConfigException if it is not a protocol name
     */
    public Builder protocol(String protocol) {
      String p = Objects.requireNonNull(protocol, "protocol == null").trim().toLowerCase(Locale.ROOT);
      if (!PROTOCOL.matcher(p).matches()) {
        throw fail("protocol", "must be a protocol name such as smtp or owa, was '" + p + "'");
      }
      this.protocol = p;
      return this;
    }

    /**
     * The OAuth client to authenticate with; replaces one set before, and the {@code oauth-client}
     * fields given as text before.
     *
     * @param oauthClient the OAuth client
     * @return this builder
     */
    public Builder oauthClient(OAuthClient oauthClient) {
      this.oauthClient = Objects.requireNonNull(oauthClient, "oauthClient == null");
      oauthName = null;
      oauthTexts.clear();
      oauthSecrets.clear();
      return this;
    }

    /**
     * The subject tag prefix, e.g. {@code TICKET#}; replaces one set before.
     *
     * @param prefix the subject tag prefix
     * @return this builder
     * @throws MailboxConfigException if blank or holding whitespace, brackets or a control character
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix == null");
      checkText("prefix", prefix);
      if (prefix.isBlank() || prefix.chars().anyMatch(c -> Character.isWhitespace(c) || c == '[' || c == ']')) {
        throw fail("prefix", "must not be blank or contain whitespace or brackets, was '" + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * ANY (the default) or REGISTERED_ONLY; replaces one set before.
     *
     * @param allowedEmails which recipients the mailbox may send to
     * @return this builder
     */
    public Builder allowedEmails(AllowedEmails allowedEmails) {
      this.allowedEmails = Objects.requireNonNull(allowedEmails, "allowedEmails == null");
      return this;
    }

    /**
     * Whether this is the default outgoing mailbox (not unless set); replaces one set before.
     *
     * @param defaultOutgoing whether this is the default outgoing mailbox
     * @return this builder
     */
    public Builder defaultOutgoing(boolean defaultOutgoing) {
      this.defaultOutgoing = defaultOutgoing;
      return this;
    }

    /**
     * Recipients whose whole address matches this regular expression (RE2 syntax, evaluated in
     * linear time, case-insensitive) are blocked. Replaces one set before.
     *
     * @param excludeExpression the regular expression of blocked recipients
     * @return this builder
     * @throws MailboxConfigException if it is not a valid regular expression
     */
    public Builder excludeExpression(String excludeExpression) {
      Objects.requireNonNull(excludeExpression, "excludeExpression == null");
      try {
        this.excludePattern = Pattern.compile(excludeExpression, Pattern.CASE_INSENSITIVE);
      } catch (PatternSyntaxException e) {
        throw fail("exclude-expression", "is not a valid regular expression: " + e.getDescription());
      }
      this.excludeExpression = excludeExpression;
      return this;
    }

    /**
     * Adds the names of post-send hooks to run after each send, in order, after those given before.
     * A name given again is kept once, at its first place.
     *
     * @param names the hook names
     * @return this builder
     * @throws MailboxConfigException for a name that is not letters, digits, '.', '_' or '-'
     *     (none of the names is added then)
     */
    public Builder postSendHooks(String... names) {
      Objects.requireNonNull(names, "names == null");
      for (String n : names) {
        Objects.requireNonNull(n, "post-send hook name == null");
        if (!HOOK.matcher(n).matches()) {
          throw fail("post-send-hooks", "names an invalid hook '" + n + "'");
        }
      }
      for (String n : names) {
        if (!postSendHooks.contains(n)) {
          postSendHooks.add(n);
        }
      }
      return this;
    }

    /**
     * How long to wait for a connection (10 s unless set); replaces one set before.
     *
     * @param timeout the connect timeout
     * @return this builder
     * @throws MailboxConfigException unless positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connect-timeout", timeout);
      return this;
    }

    /**
     * How long to wait for a reply (30 s unless set); replaces one set before.
     *
     * @param timeout the read timeout
     * @return this builder
     * @throws MailboxConfigException unless positive
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("read-timeout", timeout);
      return this;
    }

    /**
     * How long a write may block (30 s unless set); replaces one set before.
     *
     * @param timeout the write timeout
     * @return this builder
     * @throws MailboxConfigException unless positive
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = positive("write-timeout", timeout);
      return this;
    }

    /**
     * The retry policy of transient failures; replaces one given before, and any retry part set.
     *
     * @param retryPolicy the retry policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy == null");
      this.retryAttempts = null;
      this.retryInitial = null;
      this.retryMax = null;
      return this;
    }

    /**
     * Attempts in all for a transient failure, the rest of the retry policy unchanged; replaces a
     * number set before.
     *
     * @param attempts attempts in all, the first included
     * @return this builder
     * @throws MailboxConfigException unless at least 1
     */
    public Builder retryMaxAttempts(int attempts) {
      if (attempts < 1) {
        throw fail("retry.max-attempts", "must be at least 1, was " + attempts);
      }
      this.retryAttempts = attempts;
      return this;
    }

    /**
     * The ceiling of the first wait between attempts, the rest of the retry policy unchanged;
     * replaces one set before. {@link #build()} checks it against the ceiling of every wait.
     *
     * @param backoff the ceiling of the first wait
     * @return this builder
     * @throws MailboxConfigException unless positive
     */
    public Builder retryInitialBackoff(Duration backoff) {
      this.retryInitial = positive("retry.initial-backoff", backoff);
      return this;
    }

    /**
     * The ceiling of every wait between attempts, the rest of the retry policy unchanged; replaces
     * one set before.
     *
     * @param backoff the ceiling of every wait
     * @return this builder
     * @throws MailboxConfigException unless positive
     */
    public Builder retryMaxBackoff(Duration backoff) {
      this.retryMax = positive("retry.max-backoff", backoff);
      return this;
    }

    /**
     * The fields {@link TextForm#set} sets in another way than their description: an inline OAuth
     * client ({@code oauth-client}, {@code oauth-client.NAME}) and a transport's setting ({@code
     * protocol.name}).
     */
    boolean setOther(String field, String text, java.util.function.Function<String, String> environment) {
      if (field.equals(MailboxFields.OAUTH_CLIENT) || field.startsWith(MailboxFields.OAUTH_CLIENT + ".")) {
        oauthField(field, text, environment);
        return true;
      }
      if (MailboxFields.FORM.field(field) == null && field.indexOf('.') > 0 && !field.startsWith("retry.")) {
        setting(field, text, environment);
        return true;
      }
      return false;
    }

    /**
     * An inline OAuth client, field by field: {@code oauth-client} is its name (the mailbox id when
     * not given), {@code oauth-client.NAME} one of its fields. Each value is checked at once; the
     * client is built by {@link #build()}, on top of a client set before.
     */
    private void oauthField(String field, String text, java.util.function.Function<String, String> environment) {
      String v = text.strip();
      if (field.equals(MailboxFields.OAUTH_CLIENT)) {
        try {
          OAuthClient.builder(v);
        } catch (MailboxConfigException e) {
          throw fail(field, "must be letters, digits, '.', '_' or '-', was '" + v.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        oauthName = v;
        return;
      }
      String name = field.substring(MailboxFields.OAUTH_CLIENT.length() + 1);
      TextForm<OAuthClient, OAuthClient.Builder> form = OAuthClient.textForm();
      Setting setting = form.field(name);
      if (setting == null) {
        throw fail(field, "is not an OAuth client field; fields: "
            + form.fields().stream().map(s -> MailboxFields.OAUTH_CLIENT + "." + s.name()).toList());
      }
      if (setting.secret()) {
        try {
          setting.parse(v);
          oauthSecrets.put(name, Secret.parse(v, environment));
        } catch (IllegalArgumentException e) {
          throw fail(field, e.getMessage());
        }
        return;
      }
      try {
        form.set(OAuthClient.builder("check"), name, v, environment);
      } catch (MailboxConfigException e) {
        throw fail(field, e.problem());
      }
      oauthTexts.put(name, v);
    }

    /** An inline OAuth client's secret ({@code client-secret}, {@code refresh-token}). */
    void oauthSecret(String name, Secret secret) {
      oauthSecrets.put(name, secret);
    }

    /**
     * A transport's secret setting given as a secret ({@code smtp.dkim.private-key}); false when the
     * field is not of the form {@code PROTOCOL.NAME}. The registry checks that the key names a
     * secret setting of its provider when it is built.
     */
    boolean secretSetting(String field, Secret secret) {
      String k = field.strip().toLowerCase(Locale.ROOT);
      if (field.startsWith(MailboxFields.OAUTH_CLIENT + ".") || field.startsWith("retry.")
          || MailboxFields.FORM.field(field) != null || !SETTING.matcher(k).matches()) {
        return false;
      }
      settings.remove(k);
      secretSettings.put(k, secret);
      return true;
    }

    /**
     * A trust file (PEM or PKCS12) for a private CA; replaces one set before.
     *
     * @param trustStore the trust file
     * @return this builder
     */
    public Builder trustStore(Path trustStore) {
      this.trustStore = Objects.requireNonNull(trustStore, "trustStore == null");
      return this;
    }

    /**
     * The password of a PKCS12 trust store; replaces one set before.
     *
     * @param password the trust store's password
     * @return this builder
     */
    public Builder trustStorePassword(Secret password) {
      this.trustStorePassword = Objects.requireNonNull(password, "trustStorePassword == null");
      return this;
    }

    /**
     * Sets one of a transport's own settings, in its text form; a later value for the same key
     * replaces an earlier one. The registry checks the key and the value against the transport
     * provider's {@link org.outmail.spi.TransportProvider#settings()} when it is built. A setting
     * that a transport found on the classpath marks secret ({@code smtp.dkim.private-key}) is read
     * as {@link Secret#parse} reads a password ({@code ${env:NAME}}, {@code ${file:path}} or the
     * secret itself, which may span lines, as a PEM key does) and kept as a secret ({@link
     * TextForm#secret}), never in {@link Mailbox#settings()}.
     *
     * @param key {@code protocol.name}, e.g. {@code smtp.max-connections}
     * @param value the value in its text form
     * @return this builder
     * @throws MailboxConfigException if the key is not of that form, the value of a setting that is
     *     not secret holds a line break, or a secret's reference cannot be resolved
     */
    public Builder setting(String key, String value) {
      return setting(key, value, System::getenv);
    }

    Builder setting(String key, String value, java.util.function.Function<String, String> environment) {
      Objects.requireNonNull(key, "key == null");
      Objects.requireNonNull(value, "value == null");
      String k = key.strip().toLowerCase(Locale.ROOT);
      if (!SETTING.matcher(k).matches()) {
        throw fail(key, "is not a transport setting key of the form protocol.name, such as smtp.max-connections");
      }
      if (MailboxFields.transportSecret(k)) {
        Secret secret;
        try {
          secret = Secret.parse(value.strip(), environment);
        } catch (IllegalArgumentException e) {
          throw fail(k, e.getMessage());
        }
        settings.remove(k);
        secretSettings.put(k, secret);
        return this;
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw fail(k, "must not contain a line break");
      }
      secretSettings.remove(k);
      settings.put(k, value.strip());
      return this;
    }

    /**
     * Sets a transport's typed options (for example {@code SmtpOptions}, {@code OwaOptions}),
     * replacing every setting of that protocol given before.
     *
     * @param options the typed options of one transport
     * @return this builder
     */
    public Builder options(TransportOptions options) {
      Objects.requireNonNull(options, "options == null");
      String p = Objects.requireNonNull(options.protocol(), "options.protocol() == null").toLowerCase(Locale.ROOT);
      settings.keySet().removeIf(k -> k.startsWith(p + "."));
      secretSettings.keySet().removeIf(k -> k.startsWith(p + "."));
      options.values().forEach((name, value) -> setting(p + "." + name, value));
      return this;
    }

    private Duration positive(String field, Duration d) {
      Objects.requireNonNull(d, field + " == null");
      if (d.isZero() || d.isNegative()) {
        throw fail(field, "must be positive, was " + d);
      }
      return d;
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
        oauthClient = inlineClient();
        oauthName = null;
        oauthTexts.clear();
        oauthSecrets.clear();
      }
      if (emailDisplay == null && type == MailboxType.OUT) {
        throw fail("email-display", "is required for an OUT mailbox");
      }
      if (retryAttempts != null || retryInitial != null || retryMax != null) {
        try {
          retryPolicy = RetryPolicy.of(retryAttempts != null ? retryAttempts : retryPolicy.maxAttempts(),
              retryInitial != null ? retryInitial : retryPolicy.initialBackoff(),
              retryMax != null ? retryMax : retryPolicy.maxBackoff());
        } catch (IllegalArgumentException e) {
          throw fail("retry", e.getMessage());
        }
        retryAttempts = null;
        retryInitial = null;
        retryMax = null;
      }
      return new Mailbox(this);
    }

    /** The OAuth client given as text, on top of the one set before (if any). */
    private OAuthClient inlineClient() {
      OAuthClient base = oauthClient;
      if (oauthTexts.isEmpty() && oauthSecrets.isEmpty()) {
        if (base != null && base.name().equals(oauthName)) {
          return base;
        }
        throw fail(MailboxFields.OAUTH_CLIENT, "names the OAuth client '" + oauthName
            + "' but gives none of its fields; give oauth-client.client-id and the others");
      }
      String clientName = oauthName != null ? oauthName : base != null ? base.name() : id;
      OAuthClient.Builder b = OAuthClient.builder(clientName);
      try {
        if (base != null) {
          TextForm<OAuthClient, OAuthClient.Builder> form = OAuthClient.textForm();
          form.values(base).forEach((k, v) -> form.set(b, k, v, n -> null));
          form.secrets(base).forEach((k, v) -> form.secret(b, k, v));
        }
        TextForm<OAuthClient, OAuthClient.Builder> form = OAuthClient.textForm();
        oauthTexts.forEach((k, v) -> form.set(b, k, v, n -> null));
        oauthSecrets.forEach((k, v) -> form.secret(b, k, v));
        return b.build();
      } catch (MailboxConfigException e) {
        throw fail(MailboxFields.OAUTH_CLIENT + (e.field() == null ? "" : "." + e.field()), e.problem());
      }
    }

    private void checkText(String field, String value) {
      int i = Addresses.headerTextControl(value);
      if (i >= 0) {
        throw fail(field, Addresses.forbiddenCharacter(value.charAt(i), i));
      }
    }
  }
}
