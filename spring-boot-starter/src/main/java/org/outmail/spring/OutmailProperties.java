package org.outmail.spring;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.Suggestions;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Collects outmail's keys from every property source of a Spring {@link Environment} (properties and
 * YAML files, system properties, {@code SPRING_APPLICATION_JSON}, test properties, ...) into the
 * {@link Properties} outmail's loader reads, so that its checks and messages apply unchanged.
 *
 * <ul>
 *   <li>Keys are taken as written: {@code outmail.mailbox.support.email-display}. A key written in
 *       another form ({@code emailDisplay}) reaches the loader, which names it and says which key
 *       was meant.
 *   <li>A value is the Environment's, with Spring's placeholders resolved, except an outmail
 *       secret reference ({@code ${env:NAME}}, {@code ${file:path}}), which is passed as written
 *       for outmail to resolve: Spring would read {@code ${env:NAME}} as the property {@code env}
 *       with the default {@code NAME}.
 *   <li>A YAML list ({@code post-send-hooks: [audit, crm]}) becomes outmail's comma-separated
 *       value.
 *   <li>An environment variable overrides a key that a file gives ({@code
 *       OUTMAIL_MAILBOX_SUPPORT_PASSWORD} for {@code outmail.mailbox.support.password}), as Spring's
 *       relaxed binding does; it cannot add a key of its own, since outmail's keys have dashes.
 *   <li>Only outmail's configuration is taken: {@code outmail.mailbox.*}, {@code
 *       outmail.oauth-client.*}, {@code outmail.token-store.*}, and keys whose second word is close
 *       to one of those ({@code outmail.mailboxes.support.host}), so that outmail names the
 *       misspelling. Other {@code outmail.*} keys ({@code outmail.enabled}, {@code outmail.health.*},
 *       other modules' keys, build properties) are left alone.
 * </ul>
 */
final class OutmailProperties {
  private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d+)]");
  /** The second word of outmail's own keys: {@code outmail.mailbox.ID.FIELD}, ... */
  private static final List<String> SECTIONS = List.of("mailbox", "oauth-client", "token-store");

  private OutmailProperties() {}

  /** {@return outmail's keys and values from the environment; empty when it has none} */
  static Properties from(Environment environment) {
    Properties properties = new Properties();
    if (!(environment instanceof ConfigurableEnvironment env)) {
      return properties;
    }
    Map<String, Map<Integer, String>> lists = new TreeMap<>();
    for (String name : names(env)) {
      String value = value(env, name);
      if (value == null) {
        continue;
      }
      Matcher indexed = INDEXED.matcher(name);
      if (indexed.matches()) {
        lists.computeIfAbsent(indexed.group(1), k -> new TreeMap<>()).put(Integer.parseInt(indexed.group(2)), value);
      } else {
        properties.setProperty(name, value);
      }
    }
    lists.forEach((key, values) -> properties.setProperty(key, String.join(",", values.values())));
    return properties;
  }

  /** {@return whether the environment has any of outmail's keys} */
  static boolean present(Environment environment) {
    return environment instanceof ConfigurableEnvironment env && !names(env).isEmpty();
  }

  private static Set<String> names(ConfigurableEnvironment env) {
    Set<String> names = new LinkedHashSet<>();
    for (PropertySource<?> source : env.getPropertySources()) {
      if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)
          || !(source instanceof EnumerablePropertySource<?> enumerable)) {
        continue;
      }
      for (String name : enumerable.getPropertyNames()) {
        if (isOutmails(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** {@return whether the key is outmail's configuration, or a misspelling of it} */
  static boolean isOutmails(String name) {
    if (!name.startsWith(StarterSettings.PREFIX)) {
      return false;
    }
    String rest = name.substring(StarterSettings.PREFIX.length());
    int dot = rest.indexOf('.');
    String word = dot < 0 ? rest : rest.substring(0, dot);
    return SECTIONS.stream().anyMatch(section -> Suggestions.distance(word, section) <= 2);
  }

  /** The value that wins, raw when it is an outmail secret reference, else resolved by Spring. */
  static @Nullable String value(ConfigurableEnvironment env, String name) {
    for (PropertySource<?> source : env.getPropertySources()) {
      if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)
          || !source.containsProperty(name)) {
        continue;
      }
      Object raw = source.getProperty(name);
      if (raw != null && isOutmailReference(raw.toString().strip())) {
        return raw.toString();
      }
      break;
    }
    return OutmailKeys.value(env, name);
  }

  private static boolean isOutmailReference(String value) {
    return value.startsWith("${env:") || value.startsWith("${file:");
  }
}
