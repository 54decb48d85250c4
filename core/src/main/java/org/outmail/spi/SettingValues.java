package org.outmail.spi;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.ProxySettings;
import org.outmail.Secret;
import org.outmail.Setting;

/**
 * A transport's settings for one mailbox, read with their descriptions: each value given is parsed
 * by its {@link Setting}, each one missing takes the setting's default. A secret setting is read
 * from the mailbox's text form's secrets ({@link Mailbox#textForm()}) with {@link #secret}. Transports build their typed
 * options from it.
 */
public final class SettingValues {
  private final String mailboxId;
  private final String protocol;
  private final Map<String, Setting> settings = new LinkedHashMap<>();
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Secret> secrets = new LinkedHashMap<>();

  private SettingValues(String mailboxId, String protocol, List<Setting> settings, Map<String, String> given,
      Map<String, Secret> givenSecrets) {
    this.mailboxId = mailboxId;
    this.protocol = protocol;
    settings.forEach(s -> this.settings.put(s.name(), s));
    given.forEach((name, text) -> {
      Setting s = this.settings.get(name);
      if (s == null) {
        throw fail(name, "is not a setting of protocol " + protocol + "; its settings: " + this.settings.keySet());
      }
      if (s.secret()) {
        throw fail(name, "is a secret setting and must not be given in the clear; give it with "
            + "Mailbox.textForm().secret (or with a transport of protocol " + protocol + " on the classpath)");
      }
      try {
        values.put(name, s.parse(text));
      } catch (IllegalArgumentException e) {
        throw fail(name, String.valueOf(e.getMessage()));
      }
    });
    givenSecrets.forEach((name, secret) -> {
      Setting s = this.settings.get(name);
      if (s == null) {
        throw fail(name, "is not a setting of protocol " + protocol + "; its settings: " + this.settings.keySet());
      }
      if (!s.secret()) {
        throw fail(name, "is not a secret setting; give it as text");
      }
      secrets.put(name, secret);
    });
    for (Setting s : settings) {
      if (!values.containsKey(s.name()) && !secrets.containsKey(s.name())) {
        if (s.required()) {
          throw fail(s.name(), "is required for protocol " + protocol);
        }
        s.defaultValue().ifPresent(d -> values.put(s.name(), s.parse(d)));
      }
    }
  }

  /**
   * Reads the mailbox's settings for the protocol against their descriptions.
   *
   * @param mailbox the mailbox whose settings are read
   * @param protocol the transport's protocol, the prefix of its keys
   * @param settings the descriptions of the transport's settings
   * @return the values, given or default
   * @throws MailboxConfigException naming the mailbox and the key ({@code smtp.max-connections})
   *     for an unknown setting, a bad value or a missing required one
   */
  public static SettingValues of(Mailbox mailbox, String protocol, List<Setting> settings) {
    Objects.requireNonNull(mailbox, "mailbox == null");
    Objects.requireNonNull(protocol, "protocol == null");
    Objects.requireNonNull(settings, "settings == null");
    String p = protocol + ".";
    Map<String, Secret> secrets = new LinkedHashMap<>();
    Mailbox.textForm().secrets(mailbox).forEach((key, secret) -> {
      if (key.startsWith(p)) {
        secrets.put(key.substring(p.length()), secret);
      }
    });
    return new SettingValues(mailbox.id(), protocol, settings, mailbox.settings(protocol), secrets);
  }

  /**
   * Reads a secret setting ({@link Setting.Type#SECRET}), which the mailbox holds among its {@link
   * Mailbox#textForm()} secrets, never in its settings' text.
   *
   * @param name the setting's name, without the protocol
   * @return the secret given; empty without one
   * @throws IllegalArgumentException if the transport has no secret setting of that name
   */
  public Optional<Secret> secret(String name) {
    if (!checkKnown(name).secret()) {
      throw new IllegalArgumentException(protocol + "." + name + " is not a secret setting; read it as text");
    }
    return Optional.ofNullable(secrets.get(name));
  }

  /**
   * Reads an integer setting.
   *
   * @param name the setting's name, without the protocol
   * @return the value given, else the default
   * @throws IllegalStateException without either
   * @throws IllegalArgumentException if the transport has no setting of that name
   */
  public int integer(String name) {
    return (Integer) value(name);
  }

  /**
   * Reads a boolean setting.
   *
   * @param name the setting's name, without the protocol
   * @return the value given, else the default
   * @throws IllegalStateException without either
   * @throws IllegalArgumentException if the transport has no setting of that name
   */
  public boolean bool(String name) {
    return (Boolean) value(name);
  }

  /**
   * Reads a duration setting.
   *
   * @param name the setting's name, without the protocol
   * @return the value given, else the default
   * @throws IllegalStateException without either
   * @throws IllegalArgumentException if the transport has no setting of that name
   */
  public Duration duration(String name) {
    return (Duration) value(name);
  }

  /**
   * Reads a text setting.
   *
   * @param name the setting's name, without the protocol
   * @return the value given, else the default; empty without either
   * @throws IllegalArgumentException if the transport has no setting of that name, or it is secret
   *     ({@link #secret})
   */
  public Optional<String> text(String name) {
    if (checkKnown(name).secret()) {
      throw new IllegalArgumentException(protocol + "." + name + " is a secret setting; read it with secret()");
    }
    return Optional.ofNullable((String) values.get(name));
  }

  /**
   * Reads a list setting.
   *
   * @param name the setting's name, without the protocol
   * @return the values given, else the default; empty without either; unmodifiable
   * @throws IllegalArgumentException if the transport has no setting of that name
   */
  @SuppressWarnings("unchecked")
  public List<String> list(String name) {
    checkKnown(name);
    Object v = values.get(name);
    return v == null ? List.of() : List.copyOf((List<String>) v);
  }

  /**
   * Reads the transport's proxy settings ({@link ProxySettings#settings}: {@code proxy}, {@code
   * proxy-user}, {@code proxy-password}, {@code no-proxy}), checked.
   *
   * @param kind the kind of proxy the transport speaks to
   * @return the proxy; empty without {@code proxy}
   * @throws MailboxConfigException naming the mailbox and the key of a bad or missing setting
   * @throws IllegalArgumentException if the transport does not declare the four settings
   */
  public Optional<ProxySettings> proxy(ProxySettings.Kind kind) {
    return ProxySettings.parse(kind, text(ProxySettings.PROXY).orElse(null),
        text(ProxySettings.PROXY_USER).orElse(null),
        secret(ProxySettings.PROXY_PASSWORD).orElse(null), list(ProxySettings.NO_PROXY), this::fail);
  }

  private Object value(String name) {
    checkKnown(name);
    Object v = values.get(name);
    if (v == null) {
      throw new IllegalStateException(protocol + "." + name + " has no value and no default");
    }
    return v;
  }

  private Setting checkKnown(String name) {
    Setting setting = settings.get(name);
    if (setting == null) {
      throw new IllegalArgumentException("no setting " + protocol + "." + name + "; settings: " + settings.keySet());
    }
    return setting;
  }

  private MailboxConfigException fail(String name, String problem) {
    String key = protocol + "." + name;
    return new MailboxConfigException(mailboxId, key, MailException.mailboxPrefix(mailboxId) + key + " " + problem);
  }
}
