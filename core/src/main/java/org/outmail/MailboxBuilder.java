package org.outmail;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.Addresses;
import org.outmail.oauth.OAuthClient;

/**
 * The setters of {@link Mailbox.Builder}, which is the public name hosts use; this class holds what
 * they collect. Each setter checks its argument at once (see {@link Mailbox.Builder}).
 */
abstract class MailboxBuilder {
  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final java.util.regex.Pattern PROTOCOL = java.util.regex.Pattern.compile("[a-z][a-z0-9_-]*");
  static final java.util.regex.Pattern SETTING = java.util.regex.Pattern
      .compile("[a-z][a-z0-9_-]*\\.[a-z][a-z0-9]*([.-][a-z0-9]+)*");
  private static final java.util.regex.Pattern HOOK = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

  final String id;
  @Nullable String name;
  MailboxType type = MailboxType.OUT;
  boolean enabled = true;
  @Nullable String emailDisplay;
  @Nullable String displayName;
  @Nullable String host;
  List<ServerList.Item> hostItems = List.of();
  @Nullable Integer port;
  Encryption encryption = Encryption.STARTTLS;
  @Nullable String username;
  @Nullable Secret password;
  String protocol = "smtp";
  @Nullable OAuthClient oauthClient;
  @Nullable String prefix;
  AllowedEmails allowedEmails = AllowedEmails.ANY;
  boolean defaultOutgoing;
  @Nullable String excludeExpression;
  @Nullable Pattern excludePattern;
  final List<String> postSendHooks = new ArrayList<>();
  Duration connectTimeout = Mailbox.DEFAULT_CONNECT_TIMEOUT;
  Duration readTimeout = Mailbox.DEFAULT_READ_TIMEOUT;
  Duration writeTimeout = Mailbox.DEFAULT_WRITE_TIMEOUT;
  RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
  @Nullable Integer retryAttempts;
  @Nullable Duration retryInitial;
  @Nullable Duration retryMax;
  @Nullable Path trustStore;
  @Nullable Secret trustStorePassword;
  final Map<String, String> settings = new TreeMap<>();
  final Map<String, Secret> secretSettings = new TreeMap<>();
  /** An inline OAuth client given as text ({@code oauth-client}, {@code oauth-client.NAME}): built by {@link Mailbox.Builder#build()}. */
  @Nullable String oauthName;
  final Map<String, String> oauthTexts = new LinkedHashMap<>();
  final Map<String, Secret> oauthSecrets = new LinkedHashMap<>();

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
  public Mailbox.Builder name(String name) {
    Objects.requireNonNull(name, "name == null");
    checkText("name", name);
    if (name.isBlank()) {
      throw fail("name", "must not be blank");
    }
    this.name = name;
    return self();
  }

  /**
   * IN or OUT (the default); replaces one set before.
   *
   * @param type the mailbox's direction
   * @return this builder
   */
  public Mailbox.Builder type(MailboxType type) {
    this.type = Objects.requireNonNull(type, "type == null");
    return self();
  }

  /**
   * The status (enabled unless set); replaces one set before.
   *
   * @param enabled whether the mailbox is enabled
   * @return this builder
   */
  public Mailbox.Builder enabled(boolean enabled) {
    this.enabled = enabled;
    return self();
  }

  /**
   * The From address, normalised; required for an OUT mailbox. Replaces one set before.
   *
   * @param emailDisplay the From address
   * @return this builder
   * @throws MailboxConfigException if it is not a valid address
   */
  public Mailbox.Builder emailDisplay(String emailDisplay) {
    Objects.requireNonNull(emailDisplay, "emailDisplay == null");
    try {
      this.emailDisplay = Addresses.normalise(emailDisplay);
    } catch (InvalidEmailException e) {
      throw fail("email-display", "is not a valid address: " + e.getMessage());
    }
    return self();
  }

  /**
   * The From personal name; replaces one set before.
   *
   * @param displayName the From personal name
   * @return this builder
   * @throws MailboxConfigException if it holds a line break or another control character
   */
  public Mailbox.Builder displayName(String displayName) {
    Objects.requireNonNull(displayName, "displayName == null");
    checkText("display-name", displayName);
    this.displayName = displayName;
    return self();
  }

  /**
   * The mail server or API host, or several ({@code smtp1.example.com:587, smtp2.example.com}: without
   * {@code :port} the {@link #port(int)}), in ASCII, lower case or {@code [IPv6]}; replaces one set before.
   *
   * @param host one host or several {@code host[:port]}, comma-separated; whitespace is ignored
   * @return this builder
   * @throws MailboxConfigException for a bad host, a port not 1 to 65535 or an empty item (a
   *     server named twice: by {@link Mailbox.Builder#build()}); see {@code smtp.servers-mode}
   */
  public Mailbox.Builder host(String host) {
    Objects.requireNonNull(host, "host == null");
    this.host = MailboxFields.hostName(this, host);
    return self();
  }

  /**
   * The port; replaces one set before. Unless set, the encryption's default applies.
   *
   * @param port the port
   * @return this builder
   * @throws MailboxConfigException unless 1 to 65535
   */
  public Mailbox.Builder port(int port) {
    if (port < 1 || port > 65535) {
      throw fail("port", "must be between 1 and 65535, was " + port);
    }
    this.port = port;
    return self();
  }

  /**
   * NONE, SSL_TLS or STARTTLS (the default); replaces one set before.
   *
   * @param encryption how the connection is encrypted
   * @return this builder
   */
  public Mailbox.Builder encryption(Encryption encryption) {
    this.encryption = Objects.requireNonNull(encryption, "encryption == null");
    return self();
  }

  /**
   * The login user name; replaces one set before.
   *
   * @param username the login user name
   * @return this builder
   * @throws MailboxConfigException if blank or holding a control character
   */
  public Mailbox.Builder username(String username) {
    Objects.requireNonNull(username, "username == null");
    checkText("username", username);
    if (username.isBlank()) {
      throw fail("username", "must not be blank");
    }
    this.username = username;
    return self();
  }

  /**
   * The login password; replaces one set before.
   *
   * @param password the login password
   * @return this builder
   */
  public Mailbox.Builder password(Secret password) {
    this.password = Objects.requireNonNull(password, "password == null");
    return self();
  }

  /**
   * The protocol ({@code smtp}, the default, {@code owa}, ...), case-insensitive; replaces one set
   * before.
   *
   * @param protocol the protocol name
   * @return this builder
   * @throws MailboxConfigException if it is not a protocol name
   */
  public Mailbox.Builder protocol(String protocol) {
    String p = Objects.requireNonNull(protocol, "protocol == null").trim().toLowerCase(Locale.ROOT);
    if (!PROTOCOL.matcher(p).matches()) {
      throw fail("protocol", "must be a protocol name such as smtp or owa, was '" + p + "'");
    }
    this.protocol = p;
    return self();
  }

  /**
   * The OAuth client to authenticate with; replaces one set before, and the {@code oauth-client}
   * fields given as text before.
   *
   * @param oauthClient the OAuth client
   * @return this builder
   */
  public Mailbox.Builder oauthClient(OAuthClient oauthClient) {
    this.oauthClient = Objects.requireNonNull(oauthClient, "oauthClient == null");
    oauthName = null;
    oauthTexts.clear();
    oauthSecrets.clear();
    return self();
  }

  /**
   * The subject tag prefix, e.g. {@code TICKET#}; replaces one set before.
   *
   * @param prefix the subject tag prefix
   * @return this builder
   * @throws MailboxConfigException if blank or holding whitespace, brackets or a control character
   */
  public Mailbox.Builder prefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix == null");
    checkText("prefix", prefix);
    if (prefix.isBlank() || prefix.chars().anyMatch(c -> Character.isWhitespace(c) || c == '[' || c == ']')) {
      throw fail("prefix", "must not be blank or contain whitespace or brackets, was '" + prefix + "'");
    }
    this.prefix = prefix;
    return self();
  }

  /**
   * ANY (the default) or REGISTERED_ONLY; replaces one set before.
   *
   * @param allowedEmails which recipients the mailbox may send to
   * @return this builder
   */
  public Mailbox.Builder allowedEmails(AllowedEmails allowedEmails) {
    this.allowedEmails = Objects.requireNonNull(allowedEmails, "allowedEmails == null");
    return self();
  }

  /**
   * Whether this is the default outgoing mailbox (not unless set); replaces one set before.
   *
   * @param defaultOutgoing whether this is the default outgoing mailbox
   * @return this builder
   */
  public Mailbox.Builder defaultOutgoing(boolean defaultOutgoing) {
    this.defaultOutgoing = defaultOutgoing;
    return self();
  }

  /**
   * Recipients whose whole address matches this regular expression (RE2 syntax, evaluated in
   * linear time, case-insensitive) are blocked. Replaces one set before.
   *
   * @param excludeExpression the regular expression of blocked recipients
   * @return this builder
   * @throws MailboxConfigException if it is not a valid regular expression
   */
  public Mailbox.Builder excludeExpression(String excludeExpression) {
    Objects.requireNonNull(excludeExpression, "excludeExpression == null");
    try {
      this.excludePattern = Pattern.compile(excludeExpression, Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw fail("exclude-expression", "is not a valid regular expression: " + e.getDescription());
    }
    this.excludeExpression = excludeExpression;
    return self();
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
  public Mailbox.Builder postSendHooks(String... names) {
    Objects.requireNonNull(names, "names == null");
    for (String n : names) {
      if (!HOOK.matcher(Objects.requireNonNull(n, "post-send hook name == null")).matches()) {
        throw fail("post-send-hooks", "names an invalid hook '" + n + "'");
      }
    }
    java.util.Arrays.stream(names).filter(n -> !postSendHooks.contains(n)).forEach(postSendHooks::add);
    return self();
  }

  /**
   * How long to wait for a connection (10 s unless set); replaces one set before.
   *
   * @param timeout the connect timeout
   * @return this builder
   * @throws MailboxConfigException unless positive
   */
  public Mailbox.Builder connectTimeout(Duration timeout) {
    this.connectTimeout = positive("connect-timeout", timeout);
    return self();
  }

  /**
   * How long to wait for a reply (30 s unless set); replaces one set before.
   *
   * @param timeout the read timeout
   * @return this builder
   * @throws MailboxConfigException unless positive
   */
  public Mailbox.Builder readTimeout(Duration timeout) {
    this.readTimeout = positive("read-timeout", timeout);
    return self();
  }

  /**
   * How long a write may block (30 s unless set); replaces one set before.
   *
   * @param timeout the write timeout
   * @return this builder
   * @throws MailboxConfigException unless positive
   */
  public Mailbox.Builder writeTimeout(Duration timeout) {
    this.writeTimeout = positive("write-timeout", timeout);
    return self();
  }

  /**
   * The retry policy of transient failures; replaces one given before, and any retry part set.
   *
   * @param retryPolicy the retry policy
   * @return this builder
   */
  public Mailbox.Builder retryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy == null");
    this.retryAttempts = null;
    this.retryInitial = null;
    this.retryMax = null;
    return self();
  }

  /**
   * Attempts in all for a transient failure, the rest of the retry policy unchanged; replaces a
   * number set before.
   *
   * @param attempts attempts in all, the first included
   * @return this builder
   * @throws MailboxConfigException unless at least 1
   */
  public Mailbox.Builder retryMaxAttempts(int attempts) {
    if (attempts < 1) {
      throw fail("retry.max-attempts", "must be at least 1, was " + attempts);
    }
    this.retryAttempts = attempts;
    return self();
  }

  /**
   * The ceiling of the first wait between attempts, the rest of the retry policy unchanged;
   * replaces one set before. {@link Mailbox.Builder#build()} checks it against the ceiling of every wait.
   *
   * @param backoff the ceiling of the first wait
   * @return this builder
   * @throws MailboxConfigException unless positive
   */
  public Mailbox.Builder retryInitialBackoff(Duration backoff) {
    this.retryInitial = positive("retry.initial-backoff", backoff);
    return self();
  }

  /**
   * The ceiling of every wait between attempts, the rest of the retry policy unchanged; replaces
   * one set before.
   *
   * @param backoff the ceiling of every wait
   * @return this builder
   * @throws MailboxConfigException unless positive
   */
  public Mailbox.Builder retryMaxBackoff(Duration backoff) {
    this.retryMax = positive("retry.max-backoff", backoff);
    return self();
  }

  /**
   * A trust file (PEM or PKCS12) for a private CA; replaces one set before.
   *
   * @param trustStore the trust file
   * @return this builder
   */
  public Mailbox.Builder trustStore(Path trustStore) {
    this.trustStore = Objects.requireNonNull(trustStore, "trustStore == null");
    return self();
  }

  /**
   * The password of a PKCS12 trust store; replaces one set before.
   *
   * @param password the trust store's password
   * @return this builder
   */
  public Mailbox.Builder trustStorePassword(Secret password) {
    this.trustStorePassword = Objects.requireNonNull(password, "trustStorePassword == null");
    return self();
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
  public Mailbox.Builder setting(String key, String value) {
    MailboxFields.setting(this, key, value, System::getenv);
    return self();
  }

  /**
   * Sets a transport's typed options (for example {@code SmtpOptions}, {@code OwaOptions}),
   * replacing every setting of that protocol given before.
   *
   * @param options the typed options of one transport
   * @return this builder
   */
  public Mailbox.Builder options(TransportOptions options) {
    Objects.requireNonNull(options, "options == null");
    String p = Objects.requireNonNull(options.protocol(), "options.protocol() == null").toLowerCase(Locale.ROOT);
    settings.keySet().removeIf(k -> k.startsWith(p + "."));
    secretSettings.keySet().removeIf(k -> k.startsWith(p + "."));
    options.values().forEach((name, value) -> setting(p + "." + name, value));
    return self();
  }

  private Duration positive(String field, Duration d) {
    Objects.requireNonNull(d, field + " == null");
    if (d.isZero() || d.isNegative()) {
      throw fail(field, "must be positive, was " + d);
    }
    return d;
  }

  void checkText(String field, String value) {
    int i = Addresses.headerTextControl(value);
    if (i >= 0) {
      throw fail(field, Addresses.forbiddenCharacter(value.charAt(i), i));
    }
  }

  MailboxBuilder(String id) {
    Objects.requireNonNull(id, "id == null");
    if (!ID.matcher(id).matches()) {
      throw new MailboxConfigException(id, "id",
          "mailbox id '" + id + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    this.id = id;
  }

  private Mailbox.Builder self() {
    return (Mailbox.Builder) this;
  }
}
