package org.outmail;

import static org.outmail.Setting.Type.BOOLEAN;
import static org.outmail.Setting.Type.CHOICE;
import static org.outmail.Setting.Type.DURATION;
import static org.outmail.Setting.Type.INTEGER;
import static org.outmail.Setting.Type.LIST;
import static org.outmail.Setting.Type.PATH;
import static org.outmail.Setting.Type.SECRET;
import static org.outmail.Setting.Type.TEXT;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.outmail.oauth.OAuthClient;

/**
 * The one list of a mailbox's own fields: each one's description and how its text form is given to
 * {@link Mailbox.Builder}, and a mailbox in its text form ({@link #values}, {@link #secrets}). The
 * properties loader and {@link Mailbox#textForm()} read it.
 */
final class MailboxFields {
  /** The field naming an OAuth client by name: resolved by whoever knows the clients. */
  static final String OAUTH_CLIENT = "oauth-client";

  static final List<String> SECRET_FIELDS = List.of("password", "trust-store-password", "oauth-client.client-secret",
      "oauth-client.refresh-token",
      "oauth-client.proxy-password");

  private static final TextForm.Spec<Mailbox, Mailbox.Builder> SPEC = new TextForm.Spec<>("mailbox", "id",
      Mailbox::builder, Mailbox.Builder::build, MailboxFields::values, MailboxFields::secrets, Mailbox.Builder::fail);

  static {
    add(Setting.builder("name", TEXT).help("The name shown in the grid; the id when not given."),
        (b, v, env) -> b.name((String) v));
    add(Setting.builder("type", CHOICE).allowedValues(MailboxType.class).defaultValue("OUT")
        .help("IN or OUT; only OUT mailboxes send."),
        (b, v, env) -> b.type(MailboxType.valueOf((String) v)));
    add(Setting.builder("status", CHOICE).allowedValues("ENABLED", "DISABLED").defaultValue("ENABLED")
        .help("A disabled mailbox sends nothing."),
        (b, v, env) -> b.enabled(v.equals("ENABLED")));
    add(Setting.builder("email-display", TEXT).help("The From address; required for an OUT mailbox."),
        (b, v, env) -> b.emailDisplay((String) v));
    add(Setting.builder("display-name", TEXT).help("The From name, e.g. Your Service Desk."),
        (b, v, env) -> b.displayName((String) v));
    add(Setting.builder("host", TEXT)
        .help("The mail server (SMTP) or API host (OWA). SMTP takes several, comma-separated, each with an "
            + "optional :port (smtp1.example.com:587, smtp2.example.com:587); see smtp.servers-mode."),
        (b, v, env) -> b.host((String) v));
    add(Setting.builder("port", INTEGER).minimum(1)
        .help("The server's port; by encryption 25, 465 or 587 when not given."),
        (b, v, env) -> b.port((Integer) v));
    add(Setting.builder("encryption", CHOICE).allowedValues(Encryption.class).alias("SSL", "SSL_TLS")
        .refuse("TLS", "is ambiguous; write SSL_TLS for TLS from the first byte (usually port 465) "
            + "or STARTTLS for plain text upgraded to TLS (usually port 587)")
        .defaultValue("STARTTLS")
        .help("NONE, SSL_TLS (implicit TLS, port 465) or STARTTLS (587); never a fallback to plain text."),
        (b, v, env) -> b.encryption(Encryption.valueOf((String) v)));
    add(Setting.builder("username", TEXT).help("The login user name; none means no password authentication."),
        (b, v, env) -> b.username((String) v));
    add(Setting.builder("password", SECRET).help("The password: a literal, ${env:NAME} or ${file:/path}."),
        (b, v, env) -> b.password(Secret.parse((String) v, env)));
    add(Setting.builder("protocol", TEXT).defaultValue("smtp")
        .help("The transport: smtp or owa, matched against the transports on the classpath."),
        (b, v, env) -> b.protocol((String) v));
    add(Setting.builder(OAUTH_CLIENT, TEXT).help("The name of the OAuth client used to authenticate."), null);
    add(Setting.builder("prefix", TEXT).help("The subject tag prefix, e.g. TICKET#: [TICKET#4711] subject."),
        (b, v, env) -> b.prefix((String) v));
    add(Setting.builder("allowed-emails", CHOICE).allowedValues(AllowedEmails.class).defaultValue("ANY")
        .help("ANY, or REGISTERED_ONLY to send only to users the host's directory knows."),
        (b, v, env) -> b.allowedEmails(AllowedEmails.valueOf((String) v)));
    add(Setting.builder("default-outgoing", BOOLEAN).defaultValue("false")
        .help("The mailbox for notifications; at most one."),
        (b, v, env) -> b.defaultOutgoing((Boolean) v));
    add(Setting.builder("exclude-expression", TEXT)
        .help("Recipients whose whole address matches this regular expression (RE2) are blocked."),
        (b, v, env) -> b.excludeExpression((String) v));
    add(Setting.builder("post-send-hooks", LIST).help("Names of the hooks run after each send, in order."),
        (b, v, env) -> b.postSendHooks(((List<?>) v).toArray(String[]::new)));
    add(Setting.builder("connect-timeout", DURATION).defaultValue("10s").help("How long to wait for a connection."),
        (b, v, env) -> b.connectTimeout((Duration) v));
    add(Setting.builder("read-timeout", DURATION).defaultValue("30s").help("How long to wait for a reply."),
        (b, v, env) -> b.readTimeout((Duration) v));
    add(Setting.builder("write-timeout", DURATION).defaultValue("30s").help("How long a write may block."),
        (b, v, env) -> b.writeTimeout((Duration) v));
    add(Setting.builder("retry.max-attempts", INTEGER).minimum(1).defaultValue("3")
        .help("Attempts in all for a transient failure."),
        (b, v, env) -> b.retryMaxAttempts((Integer) v));
    add(Setting.builder("retry.initial-backoff", DURATION).defaultValue("200ms")
        .help("The ceiling of the first wait between attempts."),
        (b, v, env) -> b.retryInitialBackoff((Duration) v));
    add(Setting.builder("retry.max-backoff", DURATION).defaultValue("5s")
        .help("The ceiling of every wait, and of a server's Retry-After."),
        (b, v, env) -> b.retryMaxBackoff((Duration) v));
    add(Setting.builder("trust-store", PATH)
        .help("PEM or PKCS12 file of the CA that signed the server's certificate; used by every TLS connection."),
        (b, v, env) -> b.trustStore(Path.of((String) v)));
    add(Setting.builder("trust-store-password", SECRET).help("The password of a PKCS12 trust store."),
        (b, v, env) -> b.trustStorePassword(Secret.parse((String) v, env)));
  }

  /** The text form of mailboxes, as {@link Mailbox#textForm()} gives it. */
  static final TextForm<Mailbox, Mailbox.Builder> FORM = SPEC
      .secretField("password", Mailbox.Builder::password)
      .secretField("trust-store-password", Mailbox.Builder::trustStorePassword)
      .secretField("oauth-client.client-secret", (b, s) -> b.oauthSecrets.put("client-secret", s))
      .secretField("oauth-client.refresh-token", (b, s) -> b.oauthSecrets.put("refresh-token", s))
      .secretField("oauth-client.proxy-password", (b, s) -> b.oauthSecrets.put("proxy-password", s))
      .other(new TextForm.Other<>() {
        @Override
        public boolean set(Mailbox.Builder b, String field, String text, Function<String, String> environment) {
          return setOther(b, field, text, environment);
        }

        @Override
        public boolean secret(Mailbox.Builder b, String field, Secret secret) {
          return secretSetting(b, field, secret);
        }
      }, ", or a transport setting such as smtp.max-connections",
          ", or a transport's secret setting such as smtp.dkim.private-key")
      .done();

  private MailboxFields() {}

  private static void add(Setting.Builder setting, TextForm.@Nullable Applier<Mailbox.Builder> applier) {
    SPEC.field(setting, applier);
  }

  /**
   * Whether {@code PROTOCOL.NAME} is a secret setting of a transport found on the classpath ({@code
   * smtp.dkim.private-key}): one description of each setting, its provider's.
   */
  static boolean transportSecret(String key) {
    return transportSecret(key, MailboxRegistry.transportSettings());
  }

  /** As {@link #transportSecret(String)}, with the transports' settings by protocol already read. */
  static boolean transportSecret(String key, Map<String, List<Setting>> transports) {
    int dot = key.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    String name = key.substring(dot + 1);
    return transports.getOrDefault(key.substring(0, dot), List.of()).stream()
        .anyMatch(st -> st.name().equals(name) && st.secret());
  }

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
      v.put(OAUTH_CLIENT, c.name());
      OAuthClient.textForm().values(c).forEach((k, x) -> v.put(OAUTH_CLIENT + "." + k, x));
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
    m.oauthClient().map(c -> OAuthClient.textForm().secrets(c)).orElse(Map.of())
        .forEach((k, x) -> s.put(OAUTH_CLIENT + "." + k, x));
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

  /**
   * The fields {@link TextForm#set} sets in another way than their description: an inline OAuth
   * client ({@code oauth-client}, {@code oauth-client.NAME}) and a transport's setting ({@code
   * protocol.name}).
   */
  static boolean setOther(MailboxBuilder b, String field, String text, Function<String, String> environment) {
    if (field.equals(MailboxFields.OAUTH_CLIENT) || field.startsWith(MailboxFields.OAUTH_CLIENT + ".")) {
      oauthField(b, field, text, environment);
      return true;
    }
    if (MailboxFields.FORM.field(field) == null && field.indexOf('.') > 0 && !field.startsWith("retry.")) {
      setting(b, field, text, environment);
      return true;
    }
    return false;
  }

  /**
   * An inline OAuth client, field by field: {@code oauth-client} is its name (the mailbox id when
   * not given), {@code oauth-client.NAME} one of its fields. Each value is checked at once; the
   * client is built by {@link Mailbox.Builder#build()}, on top of a client set before.
   */
  private static void oauthField(MailboxBuilder b, String field, String text, Function<String, String> environment) {
    String v = text.strip();
    if (field.equals(MailboxFields.OAUTH_CLIENT)) {
      try {
        OAuthClient.builder(v);
      } catch (MailboxConfigException e) {
        throw b.fail(field, "must be letters, digits, '.', '_' or '-', was '" + v.replaceAll("\\p{Cntrl}", "?") + "'");
      }
      b.oauthName = v;
      return;
    }
    String name = field.substring(MailboxFields.OAUTH_CLIENT.length() + 1);
    TextForm<OAuthClient, OAuthClient.Builder> form = OAuthClient.textForm();
    Setting setting = form.field(name);
    if (setting == null) {
      throw b.fail(field, "is not an OAuth client field; fields: "
          + form.fields().stream().map(s -> MailboxFields.OAUTH_CLIENT + "." + s.name()).toList());
    }
    if (setting.secret()) {
      try {
        setting.parse(v);
        b.oauthSecrets.put(name, Secret.parse(v, environment));
      } catch (IllegalArgumentException e) {
        throw b.fail(field, String.valueOf(e.getMessage()));
      }
      return;
    }
    try {
      form.set(OAuthClient.builder("check"), name, v, environment);
    } catch (MailboxConfigException e) {
      throw b.fail(field, e.problem());
    }
    b.oauthTexts.put(name, v);
  }

  /**
   * A transport's secret setting given as a secret ({@code smtp.dkim.private-key}); false when the
   * field is not of the form {@code PROTOCOL.NAME}. The registry checks that the key names a
   * secret setting of its provider when it is built.
   */
  static boolean secretSetting(MailboxBuilder b, String field, Secret secret) {
    String k = field.strip().toLowerCase(Locale.ROOT);
    if (field.startsWith(MailboxFields.OAUTH_CLIENT + ".") || field.startsWith("retry.")
        || MailboxFields.FORM.field(field) != null || !MailboxBuilder.SETTING.matcher(k).matches()) {
      return false;
    }
    b.settings.remove(k);
    b.secretSettings.put(k, secret);
    return true;
  }

  static void setting(MailboxBuilder b, String key, String value, Function<String, String> environment) {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(value, "value == null");
    String k = key.strip().toLowerCase(Locale.ROOT);
    if (!MailboxBuilder.SETTING.matcher(k).matches()) {
      throw b.fail(key, "is not a transport setting key of the form protocol.name, such as smtp.max-connections");
    }
    if (MailboxFields.transportSecret(k)) {
      Secret secret;
      try {
        secret = Secret.parse(value.strip(), environment);
      } catch (IllegalArgumentException e) {
        throw b.fail(k, String.valueOf(e.getMessage()));
      }
      b.settings.remove(k);
      b.secretSettings.put(k, secret);
      return;
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw b.fail(k, "must not contain a line break");
    }
    b.secretSettings.remove(k);
    b.settings.put(k, value.strip());
  }

  /** The OAuth client given as text, on top of the one set before (if any). */
  static OAuthClient inlineClient(MailboxBuilder mb) {
    OAuthClient base = mb.oauthClient;
    if (mb.oauthTexts.isEmpty() && mb.oauthSecrets.isEmpty()) {
      if (base != null && base.name().equals(mb.oauthName)) {
        return base;
      }
      throw mb.fail(MailboxFields.OAUTH_CLIENT, "names the OAuth client '" + mb.oauthName
          + "' but gives none of its fields; give oauth-client.client-id and the others");
    }
    String clientName = mb.oauthName != null ? mb.oauthName : base != null ? base.name() : mb.id;
    OAuthClient.Builder b = OAuthClient.builder(clientName);
    try {
      if (base != null) {
        TextForm<OAuthClient, OAuthClient.Builder> form = OAuthClient.textForm();
        form.values(base).forEach((k, v) -> form.set(b, k, v, n -> null));
        form.secrets(base).forEach((k, v) -> form.secret(b, k, v));
      }
      TextForm<OAuthClient, OAuthClient.Builder> form = OAuthClient.textForm();
      mb.oauthTexts.forEach((k, v) -> form.set(b, k, v, n -> null));
      mb.oauthSecrets.forEach((k, v) -> form.secret(b, k, v));
      return b.build();
    } catch (MailboxConfigException e) {
      throw mb.fail(MailboxFields.OAUTH_CLIENT + (e.field() == null ? "" : "." + e.field()), e.problem());
    }
  }

  /**
   * The servers {@code host} names ({@code host[:port]}, comma-separated), kept in {@code b};
   * returns the field's text as {@link Mailbox.Builder#host} keeps it (each name in its ASCII form,
   * lower case, or an {@code [IPv6]} literal).
   */
  static String hostName(MailboxBuilder b, String host) {
    String h = host.strip();
    b.checkText("host", h);
    try {
      b.hostItems = ServerList.parse(h);
    } catch (IllegalArgumentException e) {
      throw b.fail("host", String.valueOf(e.getMessage()));
    }
    return ServerList.text(b.hostItems);
  }

}
