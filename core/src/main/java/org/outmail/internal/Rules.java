package org.outmail.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.outmail.AllowedEmails;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxType;
import org.outmail.OutgoingMailer;
import org.outmail.PostSendHook;
import org.outmail.RecipientDirectory;
import org.outmail.SendListener;
import org.outmail.Setting;
import org.outmail.spi.SettingValues;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/**
 * A registry's rules across its mailboxes, and the making of a snapshot that keeps them: unique
 * ids, at most one default (an OUT mailbox), a transport for every OUT mailbox's protocol whose
 * settings and checks it passes, every named hook known, a directory for registered-only
 * mailboxes. Making a snapshot connects nothing, so a refused change leaves nothing to undo.
 */
final class Rules {
  private final List<SendListener> listeners;
  private final Map<String, TransportProvider> providers;
  private final Map<String, PostSendHook> hooks;
  private final @Nullable RecipientDirectory directory;
  private final TransportContext context;
  private final AsyncSends async;

  Rules(Map<String, TransportProvider> providers, Map<String, PostSendHook> hooks,
      @Nullable RecipientDirectory directory,
      TransportContext context, AsyncSends async, List<SendListener> listeners) {
    this.listeners = listeners;
    this.providers = providers;
    this.hooks = hooks;
    this.directory = directory;
    this.context = context;
    this.async = async;
  }

  /**
   * Checks every rule and makes the snapshot; a mailbox unchanged since {@code previous} keeps its
   * mailer (and its pooled connections).
   *
   * @throws MailboxConfigException for the first rule broken
   */
  RegistrySnapshot snapshot(long version, List<Mailbox> mailboxes, @Nullable RegistrySnapshot previous) {
    @Nullable String defaultId = null;
    Set<String> ids = new HashSet<>();
    for (Mailbox m : mailboxes) {
      if (!ids.add(m.id())) {
        throw new MailboxConfigException(m.id(), "id", "two mailboxes have the id '" + m.id() + "'");
      }
      if (m.defaultOutgoing()) {
        if (m.type() != MailboxType.OUT) {
          throw Access.get().configError(m.id(), "default-outgoing",
              "is set on an IN mailbox; the default must be an OUT mailbox");
        }
        if (defaultId != null) {
          throw new MailboxConfigException(m.id(), "default-outgoing",
              "two mailboxes are the default outgoing mailbox: '" + defaultId + "' and '" + m.id() + "'");
        }
        defaultId = m.id();
      }
    }
    Map<String, OutgoingMailer> mailers = new LinkedHashMap<>();
    for (Mailbox m : mailboxes) {
      if (m.type() != MailboxType.OUT) {
        continue;
      }
      TransportProvider provider = providers.get(m.protocol());
      if (provider == null) {
        String meant = Suggestions.closest(m.protocol(), providers.keySet()).orElse(null);
        throw new MailboxConfigException(m.id(), "protocol",
            MailException.mailboxPrefix(m.id()) + "no transport for protocol '"
                + m.protocol() + "'; " + (meant == null ? "" : "did you mean " + meant + "? ")
                + "transports found: " + providers.keySet()
                + (meant == null ? " (add the outmail-transport-" + m.protocol() + " jar to the classpath)" : ""));
      }
      checkSettings(m, provider);
      provider.validate(m);
      List<PostSendHook> mailboxHooks = new ArrayList<>();
      for (String name : m.postSendHooks()) {
        PostSendHook hook = hooks.get(name);
        if (hook == null) {
          throw new MailboxConfigException(m.id(), "post-send-hooks", MailException.mailboxPrefix(m.id())
              + "post-send hook '" + name + "' is unknown; hooks found: " + hooks.keySet());
        }
        mailboxHooks.add(hook);
      }
      if (m.allowedEmails() == AllowedEmails.REGISTERED_ONLY && directory == null) {
        throw Access.get().configError(m.id(), "allowed-emails",
            "is REGISTERED_ONLY but the registry has no recipient directory (Builder.recipientDirectory)");
      }
      OutgoingMailer before = previous == null ? null : previous.mailers.get(m.id());
      mailers.put(m.id(), before != null && Access.get().sameAs(before.mailbox(), m) ? before
          : Access.get().newMailer(m, provider, context, directory, mailboxHooks, async, listeners));
    }
    return new RegistrySnapshot(version, mailboxes, mailers, defaultId);
  }

  /**
   * Each of the mailbox's transport settings on its own, for a form: every unknown or bad one and
   * every required one missing, rather than the first.
   */
  Map<String, String> settingErrors(Mailbox m) {
    Map<String, String> errors = new LinkedHashMap<>();
    TransportProvider provider = providers.get(m.protocol());
    String own = m.protocol() + ".";
    for (String key : Access.get().settingKeys(m)) {
      Optional<String> refused = provider == null ? Optional.empty() : provider.settingRefusal(key);
      if (refused.isPresent()) {
        errors.put(key, refused.get());
      } else if (!key.startsWith(own)) {
        errors.put(key, "is a setting of protocol " + key.substring(0, key.indexOf('.'))
            + ", but the mailbox's protocol is " + m.protocol());
      }
    }
    if (provider == null) {
      return errors;
    }
    Map<String, Setting> known = new LinkedHashMap<>();
    provider.settings().forEach(s -> known.put(s.name(), s));
    m.settings(m.protocol()).forEach((name, text) -> {
      Setting s = known.get(name);
      if (s == null) {
        errors.putIfAbsent(own + name, notASetting(m, provider, own + name));
        return;
      }
      try {
        s.parse(text);
      } catch (IllegalArgumentException e) {
        errors.put(own + name, e.getMessage());
      }
    });
    Access.get().secretSettings(m).keySet().stream().filter(k -> k.startsWith(own)).forEach(k -> {
      Setting s = known.get(k.substring(own.length()));
      if (s == null) {
        errors.putIfAbsent(k, notASetting(m, provider, k));
      } else if (!s.secret()) {
        errors.put(k, "is not a secret setting; give it as text");
      }
    });
    known.values().stream().filter(s -> s.required() && !m.settings(m.protocol()).containsKey(s.name())
        && !Access.get().secretSettings(m).containsKey(own + s.name()))
        .forEach(s -> errors.put(own + s.name(), "is required for protocol " + m.protocol()));
    return errors;
  }

  /** Every transport setting of the mailbox belongs to its protocol and is valid there. */
  private static void checkSettings(Mailbox m, TransportProvider provider) {
    String own = m.protocol() + ".";
    for (String key : Access.get().settingKeys(m)) {
      Optional<String> refused = provider.settingRefusal(key);
      if (refused.isPresent()) {
        throw Access.get().configError(m.id(), key, refused.get());
      }
      if (meantSetting(m, provider, key).isPresent()) {
        throw Access.get().configError(m.id(), key, notASetting(m, provider, key));
      }
      if (!key.startsWith(own)) {
        throw Access.get().configError(m.id(), key, "is a setting of protocol "
            + key.substring(0, key.indexOf('.')) + ", but the mailbox's protocol is " + m.protocol());
      }
    }
    SettingValues.of(m, m.protocol(), provider.settings());
  }

  /**
   * The setting of the mailbox's transport that {@code key} ({@code smtp.max-conections}, {@code
   * smpt.max-connections}) is a misspelling of, as {@code PROTOCOL.NAME}; empty when the key is a
   * known setting or none is close (see {@link Suggestions#closest}).
   */
  static Optional<String> meantSetting(Mailbox m, TransportProvider provider, String key) {
    List<String> known = knownSettings(m, provider);
    return known.contains(key) ? Optional.empty() : Suggestions.closest(key, known);
  }

  /** {@return every key of the mailbox's transport's settings, as {@code PROTOCOL.NAME}} */
  static List<String> knownSettings(Mailbox m, TransportProvider provider) {
    return provider.settings().stream().map(s -> m.protocol() + "." + s.name()).toList();
  }

  private static String notASetting(Mailbox m, TransportProvider provider, String key) {
    Optional<String> refused = provider.settingRefusal(key);
    if (refused.isPresent()) {
      return refused.get();
    }
    return "is not a setting of protocol " + m.protocol() + "; "
        + meantSetting(m, provider, key).map(k -> "did you mean " + k + "? ").orElse("")
        + "its settings: " + provider.settings().stream().map(Setting::name).toList();
  }

  /**
   * Refuses a loaded file's transport setting that its transport refuses or does not know, naming the
   * file's key ({@code outmail.mailbox.ID.smtp.max-conections}).
   */
  static void checkLoadedSettings(List<Mailbox> mailboxes, Set<String> loadedIds,
      Map<String, TransportProvider> providers) {
    for (Mailbox m : mailboxes) {
      TransportProvider provider = providers.get(m.protocol());
      if (!loadedIds.contains(m.id()) || m.type() != MailboxType.OUT || provider == null) {
        continue;
      }
      List<String> known = knownSettings(m, provider);
      String prefix = ConfigLoader.MAILBOX + m.id() + ".";
      for (String key : Access.get().settingKeys(m)) {
        Optional<String> refused = provider.settingRefusal(key);
        if (refused.isPresent()) {
          throw new MailboxConfigException(m.id(), prefix + key, prefix + key + " " + refused.get());
        }
        Optional<String> meant = meantSetting(m, provider, key);
        if (!known.contains(key) && (meant.isPresent() || key.startsWith(m.protocol() + "."))) {
          throw new MailboxConfigException(m.id(), prefix + key, prefix + key + ": unknown key; "
              + meant.map(k -> "did you mean " + prefix + k + "? ").orElse("")
              + "settings of protocol " + m.protocol() + ": " + known);
        }
      }
    }
  }

  /** The providers found by {@link ServiceLoader}, the host's own replacing one of the same protocol. */
  static Map<String, TransportProvider> providers(List<TransportProvider> transportProviders) {
    Map<String, TransportProvider> found = new TreeMap<>();
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      found.putIfAbsent(p.protocol(), p);
    }
    for (TransportProvider p : transportProviders) {
      found.put(p.protocol(), p);
    }
    return found;
  }

  /** The hooks found by {@link ServiceLoader}, the host's own replacing one of the same name. */
  static Map<String, PostSendHook> hooks(Map<String, PostSendHook> hooks) {
    Map<String, PostSendHook> all = new LinkedHashMap<>();
    for (PostSendHook h : ServiceLoader.load(PostSendHook.class)) {
      all.putIfAbsent(h.name(), h);
    }
    all.putAll(hooks);
    return all;
  }
}
