package org.outmail.spring;

import static org.outmail.spring.StarterSettings.PREFIX;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;
import org.outmail.Setting;
import org.outmail.internal.Suggestions;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The {@code outmail.*} keys of the environment that are the starter's own (not handed to outmail's
 * loader): checked at start-up, so that a misspelt key ({@code outmail.helth.cache}) stops the
 * application with "did you mean outmail.health.cache?" instead of being ignored; and the values of
 * keys with a mailbox id ({@code outmail.outbox.rate-limit.support}).
 */
final class OutmailKeys {
  private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d+)]");
  private static final Pattern PLACEHOLDER = Pattern.compile("placeholder '([^']+)'");

  /** The marker bean that says the keys were checked. */
  OutmailKeys() {}

  /**
   * Fails on a starter key that is not one, or whose value has a placeholder Spring cannot resolve.
   *
   * @throws MailboxConfigException naming the key, with the closest known key
   */
  static void check(Environment environment) {
    for (String name : names(environment)) {
      if (OutmailProperties.isOutmails(name)) {
        continue; // outmail's loader checks these
      }
      String key = INDEXED.matcher(name).matches() ? name.substring(0, name.lastIndexOf('[')) : name;
      if (!known(key)) {
        throw new MailboxConfigException(null, key, key + ": unknown key" + suggestion(key)
            + "; the starter's keys are listed in the outmail-spring-boot-starter README");
      }
      value(environment, name); // an unresolvable placeholder fails here, naming the key
    }
  }

  private static boolean known(String key) {
    String rest = key.substring(PREFIX.length());
    for (Setting s : StarterSettings.all()) {
      if (s.name().equals(rest)) {
        return true;
      }
    }
    for (Setting s : StarterSettings.byMailbox()) {
      if (rest.startsWith(s.name() + ".") && rest.length() > s.name().length() + 1
          && rest.indexOf('.', s.name().length() + 1) < 0) {
        return true;
      }
    }
    return false;
  }

  private static String suggestion(String key) {
    String rest = key.substring(PREFIX.length());
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    List<String> candidates = new ArrayList<>();
    StarterSettings.all().forEach(s -> candidates.add(s.name()));
    for (Setting s : StarterSettings.byMailbox()) {
      int dot = rest.lastIndexOf('.');
      candidates.add(s.name() + (dot > 0 ? rest.substring(dot) : ".ID"));
    }
    for (String candidate : candidates) {
      int d = Suggestions.distance(rest, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= Math.max(2, rest.length() / 4) ? "; did you mean " + PREFIX + best + "?"
        : "";
  }

  /** {@return the values of the keys {@code prefix + ID} by id, a YAML list joined with commas} */
  static Map<String, String> byId(Environment environment, String prefix) {
    Map<String, String> out = new TreeMap<>();
    Map<String, Map<Integer, String>> lists = new TreeMap<>();
    for (String name : names(environment)) {
      if (!name.startsWith(prefix)) {
        continue;
      }
      String value = value(environment, name);
      Matcher indexed = INDEXED.matcher(name);
      if (indexed.matches()) {
        lists.computeIfAbsent(indexed.group(1).substring(prefix.length()), k -> new TreeMap<>())
            .put(Integer.parseInt(indexed.group(2)), value);
      } else if (value != null) {
        out.put(name.substring(prefix.length()), value);
      }
    }
    lists.forEach((id, values) -> out.put(id, String.join(",", values.values())));
    return out;
  }

  /**
   * The environment's value, Spring's placeholders resolved; null when the key has none.
   *
   * @throws MailboxConfigException naming the key when a placeholder cannot be resolved
   */
  static @Nullable String value(Environment environment, String key) {
    try {
      return environment.getProperty(key);
    } catch (IllegalArgumentException e) {
      throw unresolvable(environment, key, e);
    }
  }

  /** The failure for a placeholder Spring could not resolve in the value of an outmail key. */
  static MailboxConfigException unresolvable(Environment environment, String key, IllegalArgumentException e) {
    Matcher m = PLACEHOLDER.matcher(String.valueOf(e.getMessage()));
    if (!m.find()) {
      return new MailboxConfigException(null, key, key + ": " + e.getMessage(), e);
    }
    String missing = m.group(1);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    if (environment instanceof ConfigurableEnvironment env) {
      for (PropertySource<?> source : env.getPropertySources()) {
        if (source instanceof EnumerablePropertySource<?> enumerable
            && !ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
          for (String name : enumerable.getPropertyNames()) {
            int d = Suggestions.distance(missing, name);
            if (d < bestDistance) {
              bestDistance = d;
              best = name;
            }
          }
        }
      }
    }
    String hint = best != null && bestDistance <= 2 ? "; did you mean ${" + best + "}?" : "";
    return new MailboxConfigException(null, key, key + ": the placeholder ${" + missing + "} cannot be resolved: "
        + "no property or environment variable " + missing + " is set" + hint
        + " (for a secret outmail reads itself, write ${env:" + missing + "})", e);
  }

  /** {@return every {@code outmail.*} key of the environment's enumerable sources} */
  static Set<String> names(Environment environment) {
    Set<String> names = new LinkedHashSet<>();
    if (environment instanceof ConfigurableEnvironment env) {
      for (PropertySource<?> source : env.getPropertySources()) {
        if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)
            || !(source instanceof EnumerablePropertySource<?> enumerable)) {
          continue;
        }
        for (String name : enumerable.getPropertyNames()) {
          if (name.startsWith(PREFIX)) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }
}
