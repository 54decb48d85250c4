package org.outmail.console;

import java.util.LinkedHashMap;
import java.util.Map;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStoreException;
import org.outmail.Secret;
import org.outmail.Setting;

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
  record Outcome(Mailbox saved, Map<String, String> errors, Map<String, String> values) {}

  private final FormLayout layout;

  MailboxForm(FormLayout layout) {
    this.layout = layout;
  }

  Outcome submit(Map<String, String> posted, Mailbox existing, MailboxRegistry registry) {
    String id = existing != null ? existing.id() : posted.getOrDefault("id", "").strip();
    String type = posted.getOrDefault("type", "OUT");
    String protocol = posted.getOrDefault("protocol", "smtp");
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> text = new LinkedHashMap<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    values.put("id", id);
    text.put("id", id);
    // the OAuth client's selects always send a value: a client is given when one of its other fields is
    boolean oauthGiven = layout.fields().stream().anyMatch(f -> f.key().startsWith("oauth-client")
        && f.setting().type() != Setting.Type.CHOICE && !f.setting().secret()
        && !posted.getOrDefault(f.key(), "").isBlank());
    for (FormLayout.Field f : layout.fields()) {
      if (!f.appliesTo(type, protocol)) {
        continue;
      }
      if (f.key().startsWith("oauth-client") && !oauthGiven) {
        if (!f.setting().secret()) {
          values.put(f.key(), posted.getOrDefault(f.key(), ""));
        }
        continue;
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
      if (!v.isEmpty()) {
        if (v.strip().startsWith("${")) {
          errors.put(f.key(), REFERENCE_REFUSED);
        } else if (isTransportSetting(f.key())) {
          text.put(f.key(), v);
        } else {
          secrets.put(f.key(), Secret.of(v));
        }
        continue;
      }
      if (existing == null || posted.containsKey(CLEAR + f.key())) {
        continue;
      }
      if (isTransportSetting(f.key())) {
        String kept = existing.settings().get(f.key());
        if (kept != null) {
          text.put(f.key(), kept);
        }
      } else if (existing.secrets().containsKey(f.key()) && (!f.key().startsWith("oauth-client.") || oauthGiven)) {
        secrets.put(f.key(), existing.secrets().get(f.key()));
      }
    }
    Map<String, String> invalid = Mailbox.validate(text, secrets);
    invalid.forEach(errors::putIfAbsent);
    if (!errors.isEmpty()) {
      return new Outcome(null, errors, values);
    }
    if (existing == null && registry.mailboxes().stream().anyMatch(m -> m.id().equals(id))) {
      errors.put("id", "is taken by another mailbox");
      return new Outcome(null, errors, values);
    }
    Mailbox candidate = build(text, secrets);
    errors.putAll(registry.validate(candidate));
    if (!errors.isEmpty()) {
      return new Outcome(null, errors, values);
    }
    try {
      registry.save(candidate);
    } catch (MailboxConfigException e) {
      errors.put(e.field() == null ? "" : e.field(), e.problem());
      return new Outcome(null, errors, values);
    } catch (MailboxStoreException e) {
      errors.put("", e.getMessage());
      return new Outcome(null, errors, values);
    }
    return new Outcome(candidate, Map.of(), values);
  }

  private static Mailbox build(Map<String, String> text, Map<String, Secret> secrets) {
    Mailbox.Builder b = Mailbox.builder(text.get("id"));
    text.forEach((k, v) -> {
      if (!k.equals("id")) {
        b.set(k, v);
      }
    });
    secrets.forEach(b::secret);
    return b.build();
  }

  private boolean isTransportSetting(String key) {
    return layout.protocols().stream().anyMatch(p -> key.startsWith(p + "."));
  }

}
