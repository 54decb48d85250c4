package org.outmail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * Unknown keys, bad enums, numbers, durations and addresses are errors that name the key.
 */
final class ConfigLoader {
  private static final String MAILBOX = "outmail.mailbox.";
  private static final String CLIENT = "outmail.oauth-client.";
  private static final String TOKEN_STORE = "outmail.token-store.file";
  private static final Set<String> CLIENT_FIELDS =
      OAuthClient.fields().stream().map(Setting::name).collect(Collectors.toCollection(LinkedHashSet::new));

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
        put(boxes, key, key.substring(MAILBOX.length()), value, MailboxFields.names(), true);
      } else if (key.startsWith(CLIENT)) {
        put(clients, key, key.substring(CLIENT.length()), value, CLIENT_FIELDS, false);
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

  /**
   * Splits {@code ID.FIELD} (a field of {@code fields}, the longest that matches) or, when {@code
   * transportSettings}, {@code ID.PROTOCOL.NAME} (a transport's setting, checked by the registry).
   */
  private static void put(Map<String, Map<String, String>> into, String key, String rest, String value,
      Set<String> fields, boolean transportSettings) {
    String name = null;
    String field = null;
    for (String f : fields) {
      if (rest.endsWith("." + f) && rest.length() > f.length() + 1 && (field == null || f.length() > field.length())) {
        name = rest.substring(0, rest.length() - f.length() - 1);
        field = f;
      }
    }
    if (field == null && transportSettings) {
      String[] parts = rest.split("\\.");
      if (parts.length >= 3) {
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

  private static MailboxConfigException unknownKey(String key, String hint) {
    return new MailboxConfigException(null, key, key + ": unknown key; " + hint);
  }

  private OAuthClient client(String name, Map<String, String> f) {
    String prefix = CLIENT + name + ".";
    try {
      OAuthClient.Builder b = OAuthClient.builder(name);
      f.forEach((field, value) -> b.set(field, value, environment));
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
        if (e.getKey().equals(MailboxFields.OAUTH_CLIENT)) {
          OAuthClient c = clients.get(v);
          if (c == null) {
            throw new MailboxConfigException(id, key, key + ": no OAuth client named '" + v + "'; clients: " + clients.keySet());
          }
          b.oauthClient(c);
        } else {
          b.set(e.getKey(), v, environment);
        }
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
    String problem = e.getMessage();
    for (String owner : new String[] {MailException.mailboxPrefix(e.mailboxId()), "oauth client '"}) {
      if (problem.startsWith(owner)) {
        int at = owner.startsWith("oauth") ? problem.indexOf("': ") + 3 : owner.length();
        if (problem.startsWith(e.field() + " ", at)) {
          problem = problem.substring(at + e.field().length() + 1);
        }
      }
    }
    return new MailboxConfigException(e.mailboxId(), key, key + ": " + problem, e);
  }
}
