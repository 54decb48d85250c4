package org.outmail.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.Setting;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.TokenStore;

/**
 * Reads mailboxes and OAuth clients from properties:
 *
 * <pre>
 * outmail.mailbox.ID.FIELD=value
 * outmail.oauth-client.NAME.FIELD=value
 * outmail.token-store.file=/var/lib/app/outmail-tokens.properties
 * </pre>
 *
 * Unknown keys, bad enums, numbers, durations and addresses are errors that name the key; a key
 * close to a known one says which was meant. Read from a file ({@link #fromFile}), the file must be
 * UTF-8, give each key once and have {@code outmail.} keys, and a relative {@code ${file:path}} in a
 * secret is read from the file's folder.
 */
public final class ConfigLoader {
  private static final String PREFIX = "outmail.";
  static final String MAILBOX = "outmail.mailbox.";
  private static final String CLIENT = "outmail.oauth-client.";
  private static final String TOKEN_STORE = "outmail.token-store.file";
  private static final Set<String> CLIENT_FIELDS = OAuthClient.textForm().fields().stream().map(Setting::name)
      .collect(Collectors.toCollection(LinkedHashSet::new));
  private static final Set<String> CLIENT_SECRETS = OAuthClient.textForm().fields().stream().filter(Setting::secret)
      .map(Setting::name).collect(Collectors.toSet());

  public record Config(List<Mailbox> mailboxes, @Nullable TokenStore tokenStore) {}

  private final Function<String, String> environment;
  /** The folder relative {@code ${file:path}} references are read from; null: the working directory. */
  private final @Nullable Path base;
  /** The transports' settings, by protocol: read from the classpath once per load, not per key. */
  private final Map<String, List<Setting>> transports = MailboxRegistry.transportSettings();

  private ConfigLoader(Function<String, String> environment, @Nullable Path base) {
    this.environment = environment;
    this.base = base;
  }

  public static Config fromFile(Path file) {
    return fromFile(file, System::getenv);
  }

  /**
   * Reads a file: UTF-8, each key once, at least one {@code outmail.} key; relative {@code
   * ${file:path}} references are read from the file's folder.
   */
  public static Config fromFile(Path file, Function<String, String> environment) {
    Map<String, PropertiesFile.Entry> entries = PropertiesFile.read(file);
    if (entries.keySet().stream().noneMatch(k -> k.startsWith(PREFIX))) {
      String nearMiss = entries.entrySet().stream()
          .flatMap(e -> meant(e.getKey()).map(m -> "; " + e.getKey() + " (line " + e.getValue().line()
              + "): did you mean " + m + "?").stream())
          .findFirst().orElse("");
      throw new MailboxConfigException(null, null,
          "no mailboxes in " + file + ": no key starts with " + PREFIX + nearMiss);
    }
    Map<String, String> values = new LinkedHashMap<>();
    entries.forEach((key, entry) -> values.put(key, entry.value()));
    Path folder = file.toAbsolutePath().getParent();
    return new ConfigLoader(environment, folder).read(values);
  }

  public static Config fromProperties(Properties properties, Function<String, String> environment) {
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
    return new ConfigLoader(environment, null).read(values);
  }

  private Config read(Map<String, String> properties) {
    Map<String, Map<String, String>> boxes = new LinkedHashMap<>();
    Map<String, Map<String, String>> clients = new LinkedHashMap<>();
    TokenStore store = null;
    for (String key : new TreeSet<>(properties.keySet())) {
      String value = Objects.requireNonNull(properties.get(key), key).strip(); // a key of the map
      if (key.equals(TOKEN_STORE)) {
        store = TokenStore.file(Path.of(value));
      } else if (key.startsWith(MAILBOX)) {
        put(boxes, key, key.substring(MAILBOX.length()), value, Access.get().mailboxFieldNames(), transports, MAILBOX);
      } else if (key.startsWith(CLIENT)) {
        put(clients, key, key.substring(CLIENT.length()), value, CLIENT_FIELDS, null, CLIENT);
      } else if (key.startsWith(PREFIX)) {
        throw unknownKey(key, meant(key).map(m -> "did you mean " + m + "? ").orElse("")
            + "keys start with outmail.mailbox., outmail.oauth-client. or are outmail.token-store.file");
      } else {
        Optional<String> meant = meant(key);
        if (meant.isPresent()) {
          throw unknownKey(key, "did you mean " + meant.get() + "?");
        }
      }
    }
    Map<String, OAuthClient> oauthClients = new LinkedHashMap<>();
    clients.forEach((name, fields) -> oauthClients.put(name, client(name, fields)));
    List<Mailbox> mailboxes = new ArrayList<>();
    boxes.forEach((id, fields) -> mailboxes.add(mailbox(id, fields, oauthClients)));
    return new Config(mailboxes, store);
  }

  /**
   * The key a misspelt one means, when its start is within two edits of {@code outmail.mailbox.} or
   * {@code outmail.oauth-client.} (ignoring case), or it is {@code outmail.token-store.file} or
   * starts with {@code outmail.} in another case; keys of other components are left alone.
   */
  public static Optional<String> meant(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (!key.equals(TOKEN_STORE) && Suggestions.distance(key, TOKEN_STORE) <= 2) {
      return Optional.of(TOKEN_STORE);
    }
    String best = null;
    int bestDistance = 3;
    for (String prefix : List.of(MAILBOX, CLIENT)) {
      for (int end = Math.max(1, prefix.length() - 2); end <= Math.min(key.length() - 1, prefix.length() + 2); end++) {
        if (key.charAt(end - 1) != '.') {
          continue; // the prefix meant ends where a word of the key does
        }
        int d = Suggestions.distance(key.substring(0, end), prefix);
        if (d < bestDistance && !(d == 0 && key.startsWith(prefix))) {
          best = prefix + key.substring(end);
          bestDistance = d;
        }
      }
    }
    if (best != null) {
      return Optional.of(best);
    }
    if (lower.startsWith(PREFIX) && !key.startsWith(PREFIX)) {
      return Optional.of(PREFIX + key.substring(PREFIX.length()));
    }
    return Optional.empty();
  }

  /**
   * Splits {@code ID.FIELD} (a field of {@code fields}, the longest that matches) or, when {@code
   * transports} (the transports' settings by protocol) is given, {@code ID.PROTOCOL.NAME} (a
   * transport's setting, checked by the registry).
   * An unknown field close to a known one is an error that names the key meant.
   */
  private static void put(Map<String, Map<String, String>> into, String key, String rest, String value,
      Set<String> fields, @Nullable Map<String, List<Setting>> transports, String prefix) {
    boolean transportSettings = transports != null;
    String name = null;
    String field = null;
    for (String f : fields) {
      if (rest.endsWith("." + f) && rest.length() > f.length() + 1 && (field == null || f.length() > field.length())) {
        name = rest.substring(0, rest.length() - f.length() - 1);
        field = f;
      }
    }
    if (field == null) {
      Optional<String> meant = meantField(rest, fields, transportSettings);
      if (meant.isPresent()) {
        throw unknownKey(key, "did you mean " + prefix + meant.get() + "? known fields: " + fields
            + (transportSettings ? ", or a transport's setting such as smtp.max-connections" : ""));
      }
    }
    if (field == null && transports != null) {
      // a transport's setting whose name has several words (smtp.dkim.domain): the longest known one,
      // else everything after the first word that names a protocol
      Map<String, List<Setting>> known = transports;
      String longest = null;
      for (Map.Entry<String, List<Setting>> e : known.entrySet()) {
        for (Setting st : e.getValue()) {
          String k = e.getKey() + "." + st.name();
          if (rest.endsWith("." + k) && rest.length() > k.length() + 1
              && (longest == null || k.length() > longest.length())) {
            longest = k;
          }
        }
      }
      String[] parts = rest.split("\\.");
      if (longest != null) {
        field = longest;
        name = rest.substring(0, rest.length() - field.length() - 1);
      } else {
        for (int i = 1; i < parts.length - 1 && field == null; i++) {
          if (known.containsKey(parts[i])) {
            name = String.join(".", java.util.Arrays.copyOfRange(parts, 0, i));
            field = String.join(".", java.util.Arrays.copyOfRange(parts, i, parts.length));
          }
        }
      }
      if (field == null && parts.length >= 3) {
        field = parts[parts.length - 2] + "." + parts[parts.length - 1];
        name = rest.substring(0, rest.length() - field.length() - 1);
      }
    }
    if (field == null) {
      throw unknownKey(key, "known fields: " + fields
          + (transportSettings ? ", or a transport's setting such as smtp.max-connections" : ""));
    }
    into.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(field, value);
  }

  /**
   * {@code ID.FIELD} for {@code ID.FIELLD}, a field misspelt, when there is one close enough. Where
   * {@code ID.PROTOCOL.NAME} may be a transport's setting, only fields of two words ({@code
   * retry.max-attempts}) are candidates, so that a transport's own setting is never taken for one.
   */
  private static Optional<String> meantField(String rest, Set<String> fields, boolean transportSettings) {
    String[] parts = rest.split("\\.", -1);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String f : fields) {
      int words = f.split("\\.").length;
      if (parts.length <= words || (transportSettings && parts.length > 2 && words == 1)) {
        continue;
      }
      String given = String.join(".", java.util.Arrays.copyOfRange(parts, parts.length - words, parts.length));
      int d = Suggestions.distance(given, f);
      if (d <= Suggestions.allowed(given) && d < bestDistance) {
        best = String.join(".", java.util.Arrays.copyOfRange(parts, 0, parts.length - words)) + "." + f;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  private static MailboxConfigException unknownKey(String key, String hint) {
    return new MailboxConfigException(null, key, key + ": unknown key; " + hint);
  }

  private OAuthClient client(String name, Map<String, String> f) {
    String prefix = CLIENT + name + ".";
    try {
      OAuthClient.Builder b = OAuthClient.builder(name);
      f.forEach((field, value) -> OAuthClient.textForm().set(b, field,
          CLIENT_SECRETS.contains(field) ? inBase(value) : value, environment));
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
    try {
      for (Map.Entry<String, String> e : f.entrySet()) {
        String key = prefix + e.getKey();
        String v = e.getValue();
        if (e.getKey().equals(Access.get().oauthClientField())) {
          OAuthClient c = clients.get(v);
          if (c == null) {
            throw new MailboxConfigException(id, key,
                key + ": no OAuth client named '" + v + "'; clients: " + clients.keySet());
          }
          b.oauthClient(c);
        } else {
          Setting field = Access.get().mailboxField(e.getKey());
          boolean secret = field != null ? field.secret() : Access.get().transportSecret(e.getKey(), transports);
          Mailbox.textForm().set(b, e.getKey(), secret ? inBase(v) : v, environment);
        }
      }
      return b.build();
    } catch (MailboxConfigException e) {
      throw withKey(prefix, e);
    }
  }

  /** A secret's relative {@code ${file:path}} made absolute against the configuration file's folder. */
  private String inBase(String secret) {
    return base == null ? secret : Access.get().resolveFileReference(secret, base);
  }

  /** Puts the full key in front of a builder's message, unless it is there already. */
  private static MailboxConfigException withKey(String prefix, MailboxConfigException e) {
    String field = e.field();
    if (field == null || field.startsWith("outmail.")) {
      return e;
    }
    String key = prefix + field;
    String problem = Objects.requireNonNullElse(e.getMessage(), "");
    for (String owner : new String[] {MailException.mailboxPrefix(e.mailboxId()), "oauth client '"}) {
      if (problem.startsWith(owner)) {
        int at = owner.startsWith("oauth") ? problem.indexOf("': ") + 3 : owner.length();
        if (problem.startsWith(field + " ", at)) {
          problem = problem.substring(at + field.length() + 1);
        }
      }
    }
    return new MailboxConfigException(e.mailboxId(), key, key + ": " + problem, e);
  }
}
