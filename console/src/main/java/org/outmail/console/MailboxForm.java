package org.outmail.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStoreException;
import org.outmail.MailboxType;
import org.outmail.Secret;
import org.outmail.oauth.OAuthClient;

/**
 * A posted mailbox form turned into a mailbox, or into errors by field. Secrets are write-only: a
 * blank one keeps the stored value, the "remove" box clears it, and a typed one is taken as it is;
 * the {@code ${env:...}} and {@code ${file:...}} forms are refused, so that nobody can make the
 * server read its environment or files through the form.
 */
final class MailboxForm {
  static final String CLEAR = "clear:";
  static final String REFERENCE_REFUSED = "references such as ${env:...} and ${file:...} are not accepted from the "
      + "console; type the secret itself";

  /**
   * What came of a submission.
   *
   * @param saved the mailbox saved, or null
   * @param errors field to problem; the empty key for an error of no single field
   * @param values the non-secret values posted, to show the form again
   */
  record Outcome(@Nullable Mailbox saved, Map<String, String> errors, Map<String, String> values, List<String> dropped,
      List<String> moved, @Nullable String previousDefault) {
    Outcome(@Nullable Mailbox saved, Map<String, String> errors, Map<String, String> values) {
      this(saved, errors, values, List.of(), List.of(), null);
    }

    /** {@return the mailbox that was the default outgoing one until this save made another the default} */
    Optional<String> undefaulted() {
      return Optional.ofNullable(previousDefault);
    }
  }

  /**
   * The fields that decide where a stored secret goes: change one and the stored secrets that are
   * sent to a server are dropped unless typed again, or a Check would hand them to the new server.
   */
  static final List<String> DESTINATION = List.of("host", "port", "encryption", "protocol", "trust-store",
      "oauth-client", "oauth-client.provider", "oauth-client.tenant", "oauth-client.authority",
      "oauth-client.token-endpoint", "oauth-client.authorize-endpoint", "oauth-client.device-endpoint",
      "oauth-client.issuer", "oauth-client.proxy", "smtp.proxy", "owa.proxy");
  /**
   * Secrets that stay on this machine: kept whatever the destination. The DKIM key signs mail here
   * and is never sent to a server (only the public key is published, in DNS), so a new host cannot
   * learn it.
   */
  static final Set<String> LOCAL_SECRETS = Set.of("trust-store-password", "smtp.dkim.private-key");

  private final FormLayout layout;

  MailboxForm(FormLayout layout) {
    this.layout = layout;
  }

  /**
   * Turns a posted form into a saved mailbox, or errors.
   *
   * @param clients the OAuth clients a mailbox can pick, by name, with their secrets
   */
  Outcome submit(Map<String, String> posted, @Nullable Mailbox existing, MailboxRegistry registry,
      Map<String, OAuthClient> clients) {
    String id = existing != null ? existing.id() : posted.getOrDefault("id", "").strip();
    String type = posted.getOrDefault("type", "OUT");
    String protocol = posted.getOrDefault("protocol", "smtp");
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> text = new LinkedHashMap<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    values.put("id", id);
    text.put("id", id);
    // an SMTP mailbox logs in with its password or an OAuth client; Graph always with a client
    boolean oauth = !layout.usesPassword(protocol) || FormLayout.OAUTH.equals(posted.get(FormLayout.AUTH));
    for (FormLayout.Field f : layout.fields()) {
      if (!f.appliesTo(type, protocol)) {
        continue;
      }
      if (f.key().equals(FormLayout.AUTH)) {
        values.put(f.key(), oauth ? FormLayout.OAUTH : FormLayout.PASSWORD);
        continue;
      }
      if (f.key().equals("oauth-client")) {
        String name = posted.getOrDefault(f.key(), "").strip();
        values.put(f.key(), name);
        if (!oauth || "IN".equals(type)) {
          continue;
        }
        if (name.isEmpty()) {
          errors.put(f.key(), layout.usesPassword(protocol) ? "is required to log in with OAuth: pick a client"
              : "is required: " + protocol.toUpperCase(java.util.Locale.ROOT)
                  + " mailboxes get their tokens from an OAuth client");
          continue;
        }
        OAuthClient client = clients.get(name);
        if (client == null) {
          errors.put(f.key(), "names no OAuth client; known: " + clients.keySet());
          continue;
        }
        text.put("oauth-client", name);
        Forms.CLIENT.values(client).forEach((k, v) -> text.put("oauth-client." + k, v));
        Forms.CLIENT.secrets(client).forEach((k, v) -> secrets.put("oauth-client." + k, v));
        continue;
      }
      if (f.key().equals("password") && oauth && "OUT".equals(type)) {
        continue; // logs in through the client: a stored password is not kept
      }
      String v = posted.getOrDefault(f.key(), "");
      boolean secretField = f.setting().secret();
      if (!secretField) {
        values.put(f.key(), v);
        if (!v.isBlank()) {
          text.put(f.key(), v);
        }
        continue;
      }
      if (!v.isBlank()) {
        if (v.strip().startsWith("${")) {
          errors.put(f.key(), REFERENCE_REFUSED);
        } else {
          // a transport's secret (a PEM key pasted in a text area) as the key itself, without the
          // blank lines around it; a password exactly as typed
          secrets.put(f.key(), Secret.of(isTransportSetting(f.key()) && !f.key().endsWith("password") ? v.strip() : v));
        }
        continue;
      }
      if (existing == null || posted.containsKey(CLEAR + f.key())) {
        continue;
      }
      if (Forms.MAILBOX.secrets(existing).containsKey(f.key())) {
        secrets.put(f.key(), Forms.MAILBOX.secrets(existing).get(f.key()));
        kept.add(f.key());
      }
    }
    List<String> moved = existing == null ? List.of() : moved(existing, text);
    List<String> dropped = new ArrayList<>();
    if (!moved.isEmpty()) {
      for (String key : kept) {
        if (!LOCAL_SECRETS.contains(key)) {
          secrets.remove(key);
          dropped.add(key);
        }
      }
    }
    Map<String, String> invalid = Forms.MAILBOX.validate(text, secrets);
    invalid.forEach((key, problem) -> errors.putIfAbsent(key, dropped.contains(key)
        ? droppedProblem(moved) : problem));
    if (!errors.isEmpty()) {
      return new Outcome(null, errors, values);
    }
    if (existing == null && registry.mailboxes().stream().anyMatch(m -> m.id().equals(id))) {
      errors.put("id", "is taken by another mailbox");
      return new Outcome(null, errors, values);
    }
    Mailbox candidate = build(text, secrets);
    // making this mailbox the default takes the mark from the one that has it, in the same save
    Mailbox previous = candidate.type() == MailboxType.OUT && candidate.defaultOutgoing()
        ? registry.mailboxes().stream().filter(m -> m.defaultOutgoing() && !m.id().equals(candidate.id()))
            .findFirst().orElse(null)
        : null;
    // checked without the mark first (the registry refuses two defaults), so that a refused form writes nothing
    registry.validate(previous == null ? candidate : candidate.toBuilder().defaultOutgoing(false).build())
        .forEach((key, problem) -> errors.put(key, dropped.contains(key) ? droppedProblem(moved) : problem));
    if (errors.isEmpty()) {
      try {
        if (previous != null) {
          // one change: no reader ever sees no default, or two
          registry.saveAll(List.of(previous.toBuilder().defaultOutgoing(false).build(), candidate));
        } else {
          registry.save(candidate);
        }
      } catch (MailboxConfigException e) {
        errors.put(e.field() == null ? "" : e.field(), e.problem());
      } catch (MailboxStoreException e) {
        errors.put("", e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      return new Outcome(null, errors, values);
    }
    return new Outcome(candidate, Map.of(), values, dropped, moved, previous == null ? null : previous.id());
  }

  /** {@return the destination fields whose posted text differs from the stored mailbox's} */
  private static List<String> moved(Mailbox existing, Map<String, String> text) {
    Map<String, String> before = Forms.MAILBOX.values(existing);
    Map<String, String> after;
    try {
      after = Forms.MAILBOX.values(build(text, Map.of()));
    } catch (RuntimeException e) {
      after = text; // the form does not build: compare the text as posted
    }
    List<String> moved = new ArrayList<>();
    for (String key : DESTINATION) {
      if (!Objects.equals(blankToNull(before.get(key)), blankToNull(after.get(key)))) {
        moved.add(key);
      }
    }
    return moved;
  }

  static String droppedProblem(List<String> moved) {
    return "the stored value was removed because " + labels(moved) + " changed; type it again";
  }

  static String labels(List<String> keys) {
    return String.join(", ", keys.stream().map(FormLayout::label).toList());
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static Mailbox build(Map<String, String> text, Map<String, Secret> secrets) {
    Mailbox.Builder b = Mailbox.builder(text.getOrDefault("id", ""));
    text.forEach((k, v) -> {
      if (!k.equals("id")) {
        Forms.MAILBOX.set(b, k, v);
      }
    });
    secrets.forEach((k, v) -> Forms.MAILBOX.secret(b, k, v));
    return b.build();
  }

  private boolean isTransportSetting(String key) {
    return layout.protocols().stream().anyMatch(p -> key.startsWith(p + "."));
  }

}
