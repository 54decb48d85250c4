package org.outmail;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.outmail.spi.TokenStore;

/**
 * Reads mailboxes and OAuth clients from properties:
 *
 * <pre>
 * outmail.mailbox.ID.FIELD=value
 * outmail.oauth-client.NAME.FIELD=value
 * outmail.token-store.file=/var/lib/app/outmail-tokens.properties
 * </pre>
 *
 * Unknown keys, bad enums, numbers, durations and addresses are errors that name the key.
 */
final class ConfigLoader {
  private static final String MAILBOX = "outmail.mailbox.";
  private static final String CLIENT = "outmail.oauth-client.";
  private static final String TOKEN_STORE = "outmail.token-store.file";
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  static final Set<String> MAILBOX_FIELDS = new TreeSet<>(Arrays.asList(
      "name", "type", "status", "email-display", "display-name", "host", "port", "encryption", "username",
      "password", "protocol", "oauth-client", "prefix", "allowed-emails", "default-outgoing",
      "exclude-expression", "post-send-hooks", "connect-timeout", "read-timeout", "write-timeout",
      "retry.max-attempts", "retry.initial-backoff", "retry.max-backoff", "trust-store",
      "trust-store-password", "max-connections", "idle-timeout", "max-messages-per-connection",
      "save-to-sent-items", "send-as"));
  static final Set<String> CLIENT_FIELDS = new TreeSet<>(Arrays.asList(
      "provider", "grant", "tenant", "client-id", "client-secret", "refresh-token", "scopes", "authority",
      "token-endpoint", "authorize-endpoint"));

  record Config(List<Mailbox> mailboxes, TokenStore tokenStore) {}

  private final Function<String, String> environment;

  private ConfigLoader(Function<String, String> environment) {
    this.environment = environment;
  }

  static Config fromFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new MailboxConfigException(null, null, "cannot read mailbox configuration " + file + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new MailboxConfigException(null, null, "mailbox configuration " + file + " is malformed: " + e.getMessage(), e);
    }
    return fromProperties(p, System::getenv);
  }

  static Config fromProperties(Properties properties, Function<String, String> environment) {
    return new ConfigLoader(environment).read(properties);
  }

  private Config read(Properties properties) {
    Map<String, Map<String, String>> boxes = new LinkedHashMap<>();
    Map<String, Map<String, String>> clients = new LinkedHashMap<>();
    TokenStore store = null;
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      String value = properties.getProperty(key).strip();
      if (key.equals(TOKEN_STORE)) {
        store = TokenStore.file(Path.of(value));
      } else if (key.startsWith(MAILBOX)) {
        put(boxes, key, key.substring(MAILBOX.length()), value, MAILBOX_FIELDS);
      } else if (key.startsWith(CLIENT)) {
        put(clients, key, key.substring(CLIENT.length()), value, CLIENT_FIELDS);
      } else if (key.startsWith("outmail.")) {
        throw unknownKey(key, "keys start with outmail.mailbox., outmail.oauth-client. or are outmail.token-store.file");
      }
    }
    Map<String, OAuthClient> oauthClients = new LinkedHashMap<>();
    clients.forEach((name, fields) -> oauthClients.put(name, client(name, fields)));
    List<Mailbox> mailboxes = new ArrayList<>();
    boxes.forEach((id, fields) -> mailboxes.add(mailbox(id, fields, oauthClients)));
    return new Config(mailboxes, store);
  }

  private static void put(Map<String, Map<String, String>> into, String key, String rest, String value, Set<String> fields) {
    String name = null;
    String field = null;
    for (String f : fields) {
      if (rest.endsWith("." + f) && rest.length() > f.length() + 1) {
        name = rest.substring(0, rest.length() - f.length() - 1);
        field = f;
      }
    }
    if (field == null) {
      throw unknownKey(key, "known fields: " + fields);
    }
    into.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(field, value);
  }

  private static MailboxConfigException unknownKey(String key, String hint) {
    return new MailboxConfigException(null, key, key + ": unknown key; " + hint);
  }

  private OAuthClient client(String name, Map<String, String> f) {
    String prefix = CLIENT + name + ".";
    try {
      OAuthClient.Builder b = OAuthClient.builder(name);
      for (Map.Entry<String, String> e : f.entrySet()) {
        String key = prefix + e.getKey();
        String v = e.getValue();
        switch (e.getKey()) {
          case "provider" -> b.provider(enumValue(key, v, OAuthProvider.class));
          case "grant" -> b.grant(enumValue(key, v.replace('-', '_'), OAuthGrant.class));
          case "tenant" -> b.tenant(v);
          case "client-id" -> b.clientId(v);
          case "client-secret" -> b.clientSecret(secret(key, v));
          case "refresh-token" -> b.refreshToken(secret(key, v));
          case "scopes" -> b.scopes(v.split("[\\s,]+"));
          case "authority" -> b.authority(uri(key, v));
          case "token-endpoint" -> b.tokenEndpoint(uri(key, v));
          case "authorize-endpoint" -> b.authorizeEndpoint(uri(key, v));
          default -> throw new IllegalStateException(e.getKey());
        }
      }
      return b.build();
    } catch (MailboxConfigException e) {
      throw withKey(prefix, e);
    }
  }

  private Mailbox mailbox(String id, Map<String, String> f, Map<String, OAuthClient> clients) {
    String prefix = MAILBOX + id + ".";
    Mailbox.Builder b;
    try {
      b = Mailbox.builder(id);
    } catch (MailboxConfigException e) {
      throw new MailboxConfigException(id, prefix + "*", prefix + "*: " + e.getMessage(), e);
    }
    RetryPolicy retry = RetryPolicy.DEFAULT;
    int attempts = retry.maxAttempts();
    Duration initial = retry.initialBackoff();
    Duration max = retry.maxBackoff();
    try {
      for (Map.Entry<String, String> e : f.entrySet()) {
        String key = prefix + e.getKey();
        String v = e.getValue();
        switch (e.getKey()) {
          case "name" -> b.name(v);
          case "type" -> b.type(enumValue(key, v, MailboxType.class));
          case "status" -> b.enabled(status(key, v));
          case "email-display" -> b.emailDisplay(v);
          case "display-name" -> b.displayName(v);
          case "host" -> b.host(v);
          case "port" -> b.port(integer(key, v));
          case "encryption" -> b.encryption(encryption(key, v));
          case "username" -> b.username(v);
          case "password" -> b.password(secret(key, v));
          case "protocol" -> b.protocol(v);
          case "oauth-client" -> {
            OAuthClient c = clients.get(v);
            if (c == null) {
              throw new MailboxConfigException(id, key, key + ": no OAuth client named '" + v + "'; clients: " + clients.keySet());
            }
            b.oauthClient(c);
          }
          case "prefix" -> b.prefix(v);
          case "allowed-emails" -> b.allowedEmails(enumValue(key, v.replace('-', '_'), AllowedEmails.class));
          case "default-outgoing" -> b.defaultOutgoing(bool(key, v));
          case "exclude-expression" -> b.excludeExpression(v);
          case "post-send-hooks" -> b.postSendHooks(list(v));
          case "connect-timeout" -> b.connectTimeout(duration(key, v));
          case "read-timeout" -> b.readTimeout(duration(key, v));
          case "write-timeout" -> b.writeTimeout(duration(key, v));
          case "retry.max-attempts" -> attempts = integer(key, v);
          case "retry.initial-backoff" -> initial = duration(key, v);
          case "retry.max-backoff" -> max = duration(key, v);
          case "trust-store" -> b.trustStore(Path.of(v));
          case "trust-store-password" -> b.trustStorePassword(secret(key, v));
          case "max-connections" -> b.maxConnections(integer(key, v));
          case "idle-timeout" -> b.idleTimeout(duration(key, v));
          case "max-messages-per-connection" -> b.maxMessagesPerConnection(integer(key, v));
          case "save-to-sent-items" -> b.saveToSentItems(bool(key, v));
          case "send-as" -> b.sendAs(v);
          default -> throw new IllegalStateException(e.getKey());
        }
      }
      try {
        b.retryPolicy(RetryPolicy.of(attempts, initial, max));
      } catch (IllegalArgumentException e) {
        throw new MailboxConfigException(id, prefix + "retry", prefix + "retry.*: " + e.getMessage());
      }
      return b.build();
    } catch (MailboxConfigException e) {
      throw withKey(prefix, e);
    }
  }

  /** Puts the full key in front of a builder's message, unless it is there already. */
  private static MailboxConfigException withKey(String prefix, MailboxConfigException e) {
    if (e.field() == null || e.field().startsWith("outmail.")) {
      return e;
    }
    String key = prefix + e.field();
    return new MailboxConfigException(e.mailboxId(), key, key + ": " + e.getMessage(), e);
  }

  private Secret secret(String key, String v) {
    try {
      return Secret.parse(v, environment);
    } catch (IllegalArgumentException e) {
      throw new MailboxConfigException(null, key, key + ": " + e.getMessage());
    }
  }

  private static <E extends Enum<E>> E enumValue(String key, String v, Class<E> type) {
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MailboxConfigException(null, key, key + ": '" + v + "' is not one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  private static Encryption encryption(String key, String v) {
    String n = v.toUpperCase(Locale.ROOT).replace('/', '_').replace('-', '_');
    if (n.equals("SSL") || n.equals("TLS")) {
      n = "SSL_TLS";
    }
    try {
      return Encryption.valueOf(n);
    } catch (IllegalArgumentException e) {
      throw new MailboxConfigException(null, key, key + ": '" + v + "' is not one of NONE, SSL_TLS, STARTTLS");
    }
  }

  private static boolean status(String key, String v) {
    return switch (v.toUpperCase(Locale.ROOT)) {
      case "ENABLED" -> true;
      case "DISABLED" -> false;
      default -> throw new MailboxConfigException(null, key, key + ": '" + v + "' is not one of ENABLED, DISABLED");
    };
  }

  private static boolean bool(String key, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new MailboxConfigException(null, key, key + ": '" + v + "' is not true or false");
    };
  }

  private static int integer(String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new MailboxConfigException(null, key, key + ": '" + v + "' is not a whole number");
    }
  }

  private static Duration duration(String key, String v) {
    Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      return Duration.parse(v);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new MailboxConfigException(null, key, key + ": '" + v + "' is not a duration such as 500ms, 10s, 2m or PT10S");
    }
  }

  private static URI uri(String key, String v) {
    try {
      return URI.create(v);
    } catch (IllegalArgumentException e) {
      throw new MailboxConfigException(null, key, key + ": '" + v + "' is not a URL");
    }
  }

  private static String[] list(String v) {
    return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toArray(String[]::new);
  }
}
