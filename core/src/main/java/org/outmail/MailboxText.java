package org.outmail;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.outmail.oauth.OAuthClient;

/**
 * A mailbox in its text form, field by field ({@link Mailbox#values()}, {@link Mailbox#secrets()}),
 * and a form's fields checked all at once ({@link Mailbox#validate}).
 */
final class MailboxText {
  static final List<String> SECRET_FIELDS =
      List.of("password", "trust-store-password", "oauth-client.client-secret", "oauth-client.refresh-token",
          "oauth-client.proxy-password");

  private MailboxText() {}

  static Map<String, String> values(Mailbox m) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", m.name());
    v.put("type", m.type().name());
    v.put("status", m.enabled() ? "ENABLED" : "DISABLED");
    if (m.emailDisplay() != null) {
      v.put("email-display", m.emailDisplay());
    }
    m.displayName().ifPresent(x -> v.put("display-name", x));
    m.host().ifPresent(x -> v.put("host", x));
    m.explicitPort().ifPresent(x -> v.put("port", Integer.toString(x)));
    v.put("encryption", m.encryption().name());
    m.username().ifPresent(x -> v.put("username", x));
    v.put("protocol", m.protocol());
    m.oauthClient().ifPresent(c -> {
      v.put(MailboxFields.OAUTH_CLIENT, c.name());
      c.values().forEach((k, x) -> v.put(MailboxFields.OAUTH_CLIENT + "." + k, x));
    });
    m.prefix().ifPresent(x -> v.put("prefix", x));
    v.put("allowed-emails", m.allowedEmails().name());
    v.put("default-outgoing", Boolean.toString(m.defaultOutgoing()));
    m.excludeExpression().ifPresent(x -> v.put("exclude-expression", x));
    if (!m.postSendHooks().isEmpty()) {
      v.put("post-send-hooks", String.join(",", m.postSendHooks()));
    }
    v.put("connect-timeout", duration(m.connectTimeout()));
    v.put("read-timeout", duration(m.readTimeout()));
    v.put("write-timeout", duration(m.writeTimeout()));
    v.put("retry.max-attempts", Integer.toString(m.retryPolicy().maxAttempts()));
    if (m.retryPolicy().maxAttempts() > 1) {
      v.put("retry.initial-backoff", duration(m.retryPolicy().initialBackoff()));
      v.put("retry.max-backoff", duration(m.retryPolicy().maxBackoff()));
    }
    m.trustStore().ifPresent(x -> v.put("trust-store", x.toString()));
    v.putAll(m.settings());
    return Collections.unmodifiableMap(v);
  }

  static Map<String, Secret> secrets(Mailbox m) {
    Map<String, Secret> s = new LinkedHashMap<>();
    m.password().ifPresent(x -> s.put("password", x));
    m.trustStorePassword().ifPresent(x -> s.put("trust-store-password", x));
    m.oauthClient().map(OAuthClient::secrets).orElse(Map.of())
        .forEach((k, x) -> s.put(MailboxFields.OAUTH_CLIENT + "." + k, x));
    s.putAll(m.secretSettings());
    return Collections.unmodifiableMap(s);
  }

  /** The shortest exact text form Setting.duration reads back: {@code 200ms}, {@code 10s}, {@code 2m}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (!d.equals(Duration.ofMillis(ms))) {
      return d.toString();
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  static Map<String, String> validate(Map<String, String> fields, Map<String, Secret> secrets) {
    Map<String, String> errors = new LinkedHashMap<>();
    String id = fields.getOrDefault("id", "");
    id = id == null ? "" : id.strip();
    Mailbox.Builder b;
    if (id.isEmpty()) {
      errors.put("id", "is required");
      b = Mailbox.builder("mailbox");
    } else {
      try {
        b = Mailbox.builder(id);
      } catch (MailboxConfigException e) {
        errors.put("id", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        b = Mailbox.builder("mailbox");
      }
    }
    for (Map.Entry<String, String> e : fields.entrySet()) {
      String text = e.getValue();
      if (e.getKey().equals("id") || text == null || text.isBlank()) {
        continue;
      }
      try {
        b.set(e.getKey(), text);
      } catch (MailboxConfigException x) {
        errors.putIfAbsent(x.field() != null ? x.field() : e.getKey(), x.problem());
      }
    }
    for (Map.Entry<String, Secret> e : secrets.entrySet()) {
      try {
        b.secret(e.getKey(), e.getValue());
      } catch (MailboxConfigException x) {
        errors.putIfAbsent(e.getKey(), x.problem());
      }
    }
    try {
      b.build();
    } catch (MailboxConfigException x) {
      errors.putIfAbsent(x.field() != null ? x.field() : "", x.problem());
    }
    return Collections.unmodifiableMap(errors);
  }
}
