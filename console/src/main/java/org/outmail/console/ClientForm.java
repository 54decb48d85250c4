package org.outmail.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStoreException;
import org.outmail.MailboxType;
import org.outmail.Secret;
import org.outmail.Setting;
import org.outmail.oauth.OAuthClient;

/**
 * A posted OAuth client form turned into the client and the mailboxes that use it, saved in one
 * change ({@link MailboxRegistry#saveAll}): a client lives in the mailboxes that pick it, so every
 * one of them gets the same settings at once. Secrets are write-only as in the mailbox form: blank
 * keeps the stored one, the box removes it, {@code ${env:...}} and {@code ${file:...}} are refused;
 * when the provider, tenant, authority, issuer or an endpoint changes, the stored client secret and
 * refresh token are dropped unless typed again, so that they never go to a server just typed.
 */
final class ClientForm {
  /** Prefix of the "used by" checkboxes: {@code use.MAILBOX_ID}. */
  static final String USE = "use.";
  static final String NAME = "name";
  static final String USED_BY = "used-by";

  /** The fields that decide where the client's secrets go (the proxy's password goes to the proxy). */
  static final List<String> DESTINATION = List.of("provider", "tenant", "authority", "issuer", "token-endpoint",
      "authorize-endpoint", "device-endpoint", "proxy");

  /**
   * What came of a submission.
   *
   * @param saved the client saved, or null
   * @param errors field to problem; the empty key for an error of no single field
   * @param values the non-secret values posted, to show the form again
   * @param users the mailbox ids ticked
   * @param dropped the stored secrets dropped because {@code moved} changed
   * @param moved the destination fields that changed
   */
  record Outcome(@Nullable OAuthClient saved, Map<String, String> errors, Map<String, String> values, Set<String> users,
      List<String> dropped, List<String> moved) {}

  private ClientForm() {}

  /** {@return the client's fields as the form shows them, and the mailboxes that use it} */
  static Map<String, String> values(OAuthClient c) {
    return new LinkedHashMap<>(Forms.CLIENT.values(c));
  }

  static Outcome submit(Map<String, String> posted, @Nullable OAuthClient existing, MailboxRegistry registry,
      Map<String, OAuthClient> clients) {
    String name = existing != null ? existing.name() : posted.getOrDefault(NAME, "").strip();
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> text = new LinkedHashMap<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    values.put(NAME, name);
    for (Setting s : OAuthClient.textForm().fields()) {
      String key = s.name();
      String v = posted.getOrDefault(key, "");
      if (!s.secret()) {
        values.put(key, v);
        if (!v.isBlank()) {
          text.put(key, v.strip());
        }
      } else if (!v.isEmpty()) {
        if (v.strip().startsWith("${")) {
          errors.put(key, MailboxForm.REFERENCE_REFUSED);
        } else {
          secrets.put(key, Secret.of(v));
        }
      } else if (existing != null && !posted.containsKey(MailboxForm.CLEAR + key)
          && Forms.CLIENT.secrets(existing).containsKey(key)) {
        secrets.put(key, Forms.CLIENT.secrets(existing).get(key));
        kept.add(key);
      }
    }
    java.util.LinkedHashSet<String> users = new java.util.LinkedHashSet<>();
    for (Mailbox m : registry.mailboxes()) {
      if (m.type() == MailboxType.OUT && posted.containsKey(USE + m.id())) {
        users.add(m.id());
      }
    }
    List<String> moved = new ArrayList<>();
    if (existing != null) {
      Map<String, String> after = tryBuild(name, text, Map.of()).map(Forms.CLIENT::values).orElse(text);
      for (String key : DESTINATION) {
        if (!Objects.equals(blankToNull(Forms.CLIENT.values(existing).get(key)), blankToNull(after.get(key)))) {
          moved.add(key);
        }
      }
    }
    if (!moved.isEmpty() && storedRefreshToken(registry, name)) {
      // the token store keeps the refresh token by the client's name and offers no way to remove it:
      // it would go to the new server at the next refresh, so the client cannot move
      errors.put(moved.get(0), "cannot change: the token store holds a refresh token issued for this client by "
          + "the server it uses now, and it would go to the new one; add a new OAuth client for the new server and "
          + "validate it");
    }
    List<String> dropped = new ArrayList<>();
    if (!moved.isEmpty()) {
      kept.forEach(secrets::remove);
      dropped.addAll(kept);
    }
    if (existing == null) {
      try {
        OAuthClient.builder(name);
      } catch (MailboxConfigException e) {
        errors.put(NAME, "must be letters, digits, '.', '_' or '-'");
      }
      if (clients.containsKey(name)) {
        errors.put(NAME, "is taken by another OAuth client");
      }
    }
    if (users.isEmpty()) {
      errors.put(USED_BY, "needs at least one mailbox: a client is kept in the mailboxes that use it");
    }
    OAuthClient client = null;
    if (!errors.containsKey(NAME)) {
      try {
        client = build(name, text, secrets);
      } catch (MailboxConfigException e) {
        String field = e.field() == null ? "" : e.field();
        errors.put(field, dropped.contains(field) ? MailboxForm.droppedProblem(labels(moved)) : e.problem());
      }
    }
    if (!errors.isEmpty() || client == null) {
      return new Outcome(null, errors, values, users, dropped, moved);
    }
    List<Mailbox> changed = new ArrayList<>();
    for (Mailbox m : registry.mailboxes()) {
      boolean uses = m.oauthClient().map(c -> c.name().equals(name)).orElse(false);
      if (users.contains(m.id())) {
        changed.add(m.toBuilder().oauthClient(client).build());
      } else if (uses) {
        changed.add(withoutClient(m));
      }
    }
    try {
      registry.saveAll(changed);
    } catch (MailboxConfigException e) {
      errors.put("", e.getMessage());
    } catch (MailboxStoreException e) {
      errors.put("", e.getMessage());
    }
    if (!errors.isEmpty()) {
      return new Outcome(null, errors, values, users, dropped, moved);
    }
    return new Outcome(client, Map.of(), values, users, dropped, moved);
  }

  /**
   * Removes the client from every mailbox that uses it, in one change.
   *
   * @return the problem, or null when deleted
   */
  static @Nullable String delete(String name, MailboxRegistry registry) {
    List<Mailbox> changed = registry.mailboxes().stream()
        .filter(m -> m.oauthClient().map(c -> c.name().equals(name)).orElse(false))
        .map(ClientForm::withoutClient).toList();
    if (changed.isEmpty()) {
      return "no mailbox uses the OAuth client " + name;
    }
    try {
      registry.saveAll(changed);
      return null;
    } catch (MailboxConfigException | MailboxStoreException e) {
      return "Not deleted: " + e.getMessage();
    }
  }

  private static boolean storedRefreshToken(MailboxRegistry registry, String name) {
    try {
      return registry.tokenStore().load(name).isPresent();
    } catch (RuntimeException e) {
      return true; // unreadable: assume one is there
    }
  }

  /** {@return the mailbox as it is, without its OAuth client} */
  static Mailbox withoutClient(Mailbox m) {
    Mailbox.Builder b = Mailbox.builder(m.id());
    Forms.MAILBOX.values(m).forEach((k, v) -> {
      if (!k.equals("id") && !k.startsWith("oauth-client")) {
        Forms.MAILBOX.set(b, k, v);
      }
    });
    Forms.MAILBOX.secrets(m).forEach((k, v) -> {
      if (!k.startsWith("oauth-client")) {
        Forms.MAILBOX.secret(b, k, v);
      }
    });
    return b.build();
  }

  private static java.util.Optional<OAuthClient> tryBuild(String name, Map<String, String> text,
      Map<String, Secret> secrets) {
    try {
      return java.util.Optional.of(build(name, text, secrets));
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static OAuthClient build(String name, Map<String, String> text, Map<String, Secret> secrets) {
    OAuthClient.Builder b = OAuthClient.builder(name);
    // references are for configuration files; from the web a value is taken as typed
    text.forEach((k, v) -> Forms.CLIENT.set(b, k, v, env -> null));
    secrets.forEach((k, v) -> Forms.CLIENT.secret(b, k, v));
    return b.build();
  }

  static List<String> labels(List<String> keys) {
    return keys.stream().map(k -> "oauth-client." + k).toList();
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
