package org.outmail.console;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.oauth.OAuthClient;

/**
 * Where each field goes in the form: the seed's tabs, which mailbox types and protocols show it,
 * its label. The fields themselves come from their one description: {@link Mailbox#fields()}, {@link
 * OAuthClient#fields()} (an inline OAuth client, {@code oauth-client.NAME}) and each transport's
 * settings ({@code PROTOCOL.NAME}), so a new transport's settings appear in the form by themselves.
 */
final class FormLayout {
  enum Tab {
    GENERAL("General data"), SYSTEM("System data"), ADVANCED("Advanced");

    final String label;

    Tab(String label) {
      this.label = label;
    }

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One field of the form.
   *
   * @param key the form's name for it, as {@link Mailbox.Builder#set} takes it
   * @param setting its description
   * @param tab where it is shown
   * @param group the fieldset it belongs to, or null
   * @param outOnly whether only OUT mailboxes show it
   * @param protocols the protocols of OUT mailboxes that show it; empty: all
   */
  record Field(String key, Setting setting, Tab tab, @Nullable String group, boolean outOnly, Set<String> protocols) {
    boolean appliesTo(String type, String protocol) {
      if (!"OUT".equals(type)) {
        return !outOnly;
      }
      return protocols.isEmpty() || protocols.contains(protocol);
    }

    String label() {
      return FormLayout.label(key);
    }
  }

  private static final Set<String> GENERAL = Set.of("name", "type", "status", "email-display", "display-name", "host",
      "port", "encryption", "username", "password", "protocol");
  private static final Set<String> SYSTEM = Set.of("prefix", "allowed-emails", "default-outgoing",
      "exclude-expression");
  private static final Set<String> OUT_ONLY = Set.of("protocol", "display-name", "allowed-emails", "default-outgoing",
      "exclude-expression", "post-send-hooks", "retry.max-attempts", "retry.initial-backoff", "retry.max-backoff");
  /** Mailbox fields a protocol's transport does not read: Graph authenticates with the OAuth client only. */
  private static final Map<String, Set<String>> UNUSED_BY = Map.of("owa", Set.of("username", "password"));
  private static final Map<String, String> LABELS = Map.ofEntries(
      Map.entry("id", "Id"), Map.entry("email-display", "Email Display"), Map.entry("display-name", "Display Name"),
      Map.entry("username", "User Name"), Map.entry("oauth-client", "OAuth Client"), Map.entry("auth", "Log in with"),
      Map.entry("allowed-emails", "Allowed Emails"), Map.entry("default-outgoing", "Is Default Outgoing"),
      Map.entry("exclude-expression", "Exclude Expression"),
      Map.entry("post-send-hooks", "Post-send hooks (custom code)"),
      Map.entry("trust-store", "Trust store"), Map.entry("trust-store-password", "Trust store password"));

  private final List<Field> fields = new ArrayList<>();
  private final List<String> protocols;

  FormLayout(Map<String, List<Setting>> transportSettings) {
    this.protocols = List.copyOf(transportSettings.keySet());
    for (Setting s : Mailbox.textForm().fields()) {
      if (s.name().equals("oauth-client")) {
        continue;
      }
      Tab tab = GENERAL.contains(s.name()) ? Tab.GENERAL : SYSTEM.contains(s.name()) ? Tab.SYSTEM : Tab.ADVANCED;
      Set<String> shownFor = new LinkedHashSet<>();
      for (String p : protocols) {
        if (!UNUSED_BY.getOrDefault(p, Set.of()).contains(s.name())) {
          shownFor.add(p);
        }
      }
      Field field = new Field(s.name(), s, tab, null, OUT_ONLY.contains(s.name()),
          shownFor.size() == protocols.size() ? Set.of() : shownFor);
      if (s.name().equals("username")) {
        addAuth();
      }
      if (s.name().equals("protocol")) {
        fields.add(0, field); // first on its tab: it decides which fields follow
      } else {
        fields.add(field);
      }
      if (s.name().equals("password")) {
        addOAuthClient();
      }
      if (s.name().equals("protocol")) {
        transportSettings.forEach((p, settings) -> settings.forEach(t -> fields.add(new Field(p + "." + t.name(), t,
            Tab.GENERAL, p.toUpperCase(Locale.ROOT) + " settings", true, Set.of(p)))));
      }
    }
  }

  /**
   * How an SMTP mailbox logs in: with its password or through an OAuth client. A choice of the
   * form only: the mailbox has an OAuth client or not. A protocol without passwords (Graph) always
   * uses an OAuth client.
   */
  static final String AUTH = "auth";
  static final String PASSWORD = "PASSWORD";
  static final String OAUTH = "OAUTH";

  /**
   * The mailbox picks one of the OAuth clients by its name (the clients have a form of their own);
   * an SMTP mailbox chooses between its password and a client first.
   */
  private void addAuth() {
    Set<String> withPassword = new LinkedHashSet<>();
    for (String p : protocols) {
      if (!UNUSED_BY.getOrDefault(p, Set.of()).contains("password")) {
        withPassword.add(p);
      }
    }
    Setting auth = Setting.builder(AUTH, Setting.Type.CHOICE).allowedValues(PASSWORD, OAUTH).defaultValue(PASSWORD)
        .help("Log in with the user name and password, or get tokens from an OAuth client.").build();
    fields.add(new Field(AUTH, auth, Tab.GENERAL, null, true,
        withPassword.size() == protocols.size() ? Set.of() : withPassword));
  }

  private void addOAuthClient() {
    Setting name = Setting.builder("oauth-client", Setting.Type.TEXT)
        .help("The OAuth client whose tokens authenticate this mailbox; OAuth Clients lists and edits them.").build();
    fields.add(new Field("oauth-client", name, Tab.GENERAL, null, true, Set.of()));
  }

  /** {@return whether the field is shown only for one way of logging in: "PASSWORD", "OAUTH", or null} */
  static @Nullable String authOf(String key) {
    return key.equals("password") ? PASSWORD : key.equals("oauth-client") ? OAUTH : null;
  }

  /** {@return whether the protocol's mailboxes log in with a password at all} */
  boolean usesPassword(String protocol) {
    return !UNUSED_BY.getOrDefault(protocol, Set.of()).contains("password");
  }

  List<Field> fields() {
    return fields;
  }

  List<String> protocols() {
    return protocols;
  }

  @Nullable
  Field field(String key) {
    return fields.stream().filter(f -> f.key.equals(key)).findFirst().orElse(null);
  }

  static String label(String key) {
    String known = LABELS.get(key);
    if (known != null) {
      return known;
    }
    String last = key.startsWith("oauth-client.") ? key.substring("oauth-client.".length())
        : key.contains(".") && !key.startsWith("retry.") ? key.substring(key.indexOf('.') + 1) : key;
    String words = last.replace('.', ' ').replace('-', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
