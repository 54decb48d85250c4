package org.outmail.console;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.CheckResult;
import org.outmail.Setting;

/**
 * The mailbox form: the seed's three tabs, fields that follow the type and the protocol (a little
 * script shows and enables the ones that apply; without it every field shows and the server keeps
 * those that apply), Save with each error beside its field, Check and Delete.
 */
final class FormPage {
  /**
   * What the form shows.
   *
   * @param id the mailbox id, or null for a new mailbox
   * @param title the heading
   * @param values field to text, never a secret
   * @param storedSecrets the secret fields that have a stored value
   * @param errors field to problem
   * @param check the Check just run, or null
   * @param type the mailbox type shown
   * @param editable whether Save and Delete are offered
   * @param version the version of the stored mailbox the form was read at, or null for a new one
   */
  record View(@Nullable String id, String title, Map<String, String> values, Set<String> storedSecrets,
      Map<String, String> errors, @Nullable CheckResult check, String type, boolean editable,
      @Nullable String version) {}

  private FormPage() {}

  static String render(String base, FormLayout layout, View v, String csrf) {
    return render(base, layout, v, csrf, List.of());
  }

  /**
   * The form.
   *
   * @param clients the names of the OAuth clients a mailbox can pick
   */
  static String render(String base, FormLayout layout, View v, String csrf, List<String> clients) {
    Html h = new Html();
    h.raw("<div class=\"bar\"><h1>").text(v.title()).raw("</h1><div class=\"actions\">");
    if (v.id() != null && "OUT".equals(v.type())) {
      h.raw("<form method=\"post\"").attr("action", base + "/mailboxes/" + GridPage.path(v.id()) + "/check").raw(">")
          .raw(Layout.csrfField(csrf)).raw("<button type=\"submit\" id=\"check\">Check</button></form>");
    }
    if (v.id() != null && v.editable()) {
      h.raw("<form method=\"post\"").attr("action", base + "/mailboxes/" + GridPage.path(v.id()) + "/delete")
          .attr("data-confirm", "Delete the mailbox " + v.id() + "?").raw(">")
          .raw(Layout.csrfField(csrf))
          .raw("<button type=\"submit\" id=\"delete\" class=\"danger\">Delete</button></form>");
    }
    h.raw("</div></div>");
    if (v.check() != null) {
      CheckResult c = v.check();
      h.raw("<div id=\"check-result\" class=\"check-result ").raw(c.ok() ? "ok" : "failed").raw("\"")
          .attr("data-stage", c.stage().map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).orElse(""))
          .raw("><strong>")
          .text(c.ok() ? "Check succeeded"
              : "Check failed at stage " + c.stage().map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).orElse("?"))
          .raw("</strong> ")
          .raw("<span class=\"message\">").text(c.message()).raw("</span> <span class=\"elapsed\">(")
          .text(c.elapsed().toMillis() + " ms").raw(")</span></div>");
    }
    errorSummary(h, layout, v);
    String action = base + (v.id() == null ? "/mailboxes/new" : "/mailboxes/" + GridPage.path(v.id()));
    FormLayout.Tab first = firstTabWithError(layout, v.errors());
    h.raw("<form class=\"mailbox\" id=\"mailbox-form\" method=\"post\" novalidate").attr("action", action)
        .attr("data-active-tab", first.id()).raw(">").raw(Layout.csrfField(csrf));
    if (v.version() != null) {
      h.raw("<input type=\"hidden\"").attr("name", ConsoleServer.VERSION).attr("value", v.version()).raw(">");
    }
    h.raw("<nav class=\"tabs\">");
    for (FormLayout.Tab t : FormLayout.Tab.values()) {
      boolean bad = layout.fields().stream().anyMatch(f -> f.tab() == t && v.errors().containsKey(f.key()))
          || (t == FormLayout.Tab.GENERAL && v.errors().containsKey("id"));
      h.raw("<button type=\"button\"").attr("data-tab", t.id()).attr("id", "tab-" + t.id())
          .attr("class", bad ? "tab has-error" : "tab").raw(">").text(t.label).raw("</button>");
    }
    h.raw("</nav>");
    for (FormLayout.Tab t : FormLayout.Tab.values()) {
      h.raw("<section class=\"panel\"").attr("data-tab-panel", t.id()).raw("><h2 class=\"panel-title\">").text(t.label)
          .raw("</h2>");
      if (t == FormLayout.Tab.GENERAL && v.id() == null) {
        idField(h, v);
      }
      String group = null;
      for (FormLayout.Field f : layout.fields()) {
        if (f.tab() != t) {
          continue;
        }
        if (!Objects.equals(group, f.group())) {
          if (group != null) {
            h.raw("</fieldset>");
          }
          group = f.group();
          if (group != null) {
            h.raw("<fieldset class=\"group\"").attr("data-types", f.outOnly() ? "OUT" : "IN OUT");
            if (!f.protocols().isEmpty()) {
              h.attr("data-protocols", String.join(" ", f.protocols()));
            }
            h.raw("><legend>").text(group).raw("</legend>");
          }
        }
        field(h, layout, f, v, group != null, clients);
      }
      if (group != null) {
        h.raw("</fieldset>");
      }
      h.raw("</section>");
    }
    if (v.editable()) {
      h.raw("<div class=\"save\"><button type=\"submit\" id=\"save\" class=\"primary\">Save</button> ")
          .raw("<a").attr("href", base + "/").raw(">Back to the grid</a></div>");
    } else {
      h.raw("<div class=\"save\"><a").attr("href", base + "/").raw(">Back to the grid</a></div>");
    }
    h.raw("</form>");
    return h.toString();
  }

  private static void errorSummary(Html h, FormLayout layout, FormPage.View v) {
    if (v.errors().isEmpty()) {
      return;
    }
    long fields = v.errors().keySet().stream().filter(k -> !k.isEmpty()).count();
    h.raw("<div class=\"errors\" id=\"errors\"><strong>Not saved.</strong>").text(fields == 0 ? ""
        : fields == 1 ? " One field needs attention." : " " + fields + " fields need attention.");
    v.errors().forEach((key, problem) -> {
      boolean shown = (key.equals("id") && v.id() == null) || layout.field(key) != null;
      if (!shown) {
        h.raw("<p class=\"error\"").attr("data-key", key).raw(">").text(key.isEmpty() ? problem : key + " " + problem)
            .raw("</p>");
      }
    });
    h.raw("</div>");
  }

  private static FormLayout.Tab firstTabWithError(FormLayout layout, Map<String, String> errors) {
    for (FormLayout.Tab t : FormLayout.Tab.values()) {
      if (t == FormLayout.Tab.GENERAL && errors.containsKey("id")) {
        return t;
      }
      for (FormLayout.Field f : layout.fields()) {
        if (f.tab() == t && errors.containsKey(f.key())) {
          return t;
        }
      }
    }
    return FormLayout.Tab.GENERAL;
  }

  private static void idField(Html h, View v) {
    String error = v.errors().get("id");
    h.raw("<div class=\"field").raw(error == null ? "" : " invalid").raw("\" data-field=\"id\">")
        .raw("<label for=\"f-id\">Id</label><input id=\"f-id\" name=\"id\" type=\"text\" autocomplete=\"off\"")
        .attr("value", v.values().getOrDefault("id", "")).raw(">")
        .raw("<p class=\"help\">The stable key records refer to: letters, digits, '.', '_' or '-'.</p>");
    if (error != null) {
      h.raw("<p class=\"error\" id=\"error-id\">").text(error).raw("</p>");
    }
    h.raw("</div>");
  }

  private static void field(Html h, FormLayout layout, FormLayout.Field f, View v, boolean grouped,
      List<String> clients) {
    Setting s = f.setting();
    String key = f.key();
    String value = v.values().getOrDefault(key, "");
    String error = v.errors().get(key);
    h.raw("<div").attr("class", error == null ? "field" : "field invalid").attr("data-field", key);
    if (!grouped) {
      h.attr("data-types", f.outOnly() ? "OUT" : "IN OUT");
      if (!f.protocols().isEmpty()) {
        h.attr("data-protocols", String.join(" ", f.protocols()));
      }
    }
    String auth = FormLayout.authOf(key);
    if (auth != null) {
      h.attr("data-auth", auth);
    }
    h.raw("><label").attr("for", "f-" + key).raw(">").text(f.label()).raw("</label>");
    if (key.equals(FormLayout.AUTH)) {
      String chosen = !value.isEmpty() ? value
          : v.values().getOrDefault("oauth-client", "").isBlank() ? FormLayout.PASSWORD : FormLayout.OAUTH;
      select(h, key, s.allowedValues(), chosen, false);
    } else if (key.equals("oauth-client")) {
      h.raw("<select").attr("id", "f-" + key).attr("name", key).raw(">")
          .raw("<option value=\"\"").raw(value.isBlank() ? " selected" : "").raw(">(none)</option>");
      List<String> names = new java.util.ArrayList<>(clients);
      if (!value.isBlank() && !names.contains(value)) {
        names.add(value);
      }
      for (String c : names) {
        h.raw("<option").attr("value", c).raw(c.equals(value) ? " selected" : "").raw(">").text(c).raw("</option>");
      }
      h.raw("</select>");
    } else if (key.equals("protocol")) {
      select(h, key, protocolChoices(layout, value), value.isEmpty() ? "smtp" : value, true);
    } else if (key.equals("status")) {
      select(h, key, List.of("ENABLED", "DISABLED"), value.isEmpty() ? "ENABLED" : value, false);
    } else if (s.type() == Setting.Type.CHOICE) {
      select(h, key, s.allowedValues(), value.isEmpty() ? s.defaultValue().orElse("") : value, false);
    } else if (s.type() == Setting.Type.BOOLEAN) {
      String chosen = value.isEmpty() ? s.defaultValue().orElse("false") : value.toLowerCase(Locale.ROOT);
      h.raw("<select").attr("id", "f-" + key).attr("name", key).raw(">")
          .raw("<option value=\"false\"").raw(chosen.equals("false") ? " selected" : "").raw(">No</option>")
          .raw("<option value=\"true\"").raw(chosen.equals("true") ? " selected" : "").raw(">Yes</option></select>");
    } else if (s.secret()) {
      boolean stored = v.storedSecrets().contains(key);
      String placeholder = stored ? "stored; leave blank to keep it" : "not set";
      if (layout.protocols().stream().anyMatch(p -> key.startsWith(p + ".")) && !key.endsWith("password")) {
        // a transport's secret may span lines (a PEM key, pasted); like a password, never filled in
        h.raw("<textarea rows=\"4\" autocomplete=\"off\" spellcheck=\"false\"").attr("id", "f-" + key)
            .attr("name", key).attr("placeholder", placeholder).raw("></textarea>");
      } else {
        h.raw("<input type=\"password\" autocomplete=\"new-password\" value=\"\"").attr("id", "f-" + key)
            .attr("name", key).attr("placeholder", placeholder).raw(">");
      }
      if (stored) {
        h.raw("<label class=\"clear\"><input type=\"checkbox\"").attr("name", MailboxForm.CLEAR + key)
            .raw("> remove the stored value</label>");
        if (!MailboxForm.LOCAL_SECRETS.contains(key)) {
          h.raw("<p class=\"help moved\">").text("Removed when " + MailboxForm.labels(MailboxForm.DESTINATION)
              + " change, unless typed again: a stored secret never goes to another server.").raw("</p>");
        }
      }
    } else {
      h.raw("<input type=\"text\" autocomplete=\"off\"").attr("id", "f-" + key).attr("name", key).attr("value", value);
      if (s.type() == Setting.Type.INTEGER) {
        h.raw(" inputmode=\"numeric\"");
      }
      s.defaultValue().ifPresent(d -> h.attr("placeholder", d));
      h.raw(">");
    }
    String help = s.secret() ? consoleSecretHelp(s.help()) : s.help();
    if (!help.isEmpty()) {
      h.raw("<p class=\"help\">").text(help).raw("</p>");
    }
    if (error != null) {
      h.raw("<p class=\"error\"").attr("id", "error-" + key).raw(">").text(error).raw("</p>");
    }
    h.raw("</div>");
  }

  /**
   * A secret's help as the console gives it: the {@code ${env:...}} and {@code ${file:...}} forms a
   * properties file takes are refused here, so the clauses that offer them are left out.
   */
  static String consoleSecretHelp(String help) {
    String h = help.replaceAll(":? ?a literal, \\$\\{env:NAME} or \\$\\{file:/path}\\.?$", ".")
        .replaceAll("[;,]? ?[^;,:.]*\\$\\{[^}]*}[^;.]*", "")
        .replaceAll("\\.\\.$", ".").strip();
    if (!h.isEmpty() && !h.endsWith(".")) {
      h += ".";
    }
    return h + " Write-only: never shown; leave blank to keep it.";
  }

  private static List<String> protocolChoices(FormLayout layout, String current) {
    if (current.isEmpty() || layout.protocols().contains(current)) {
      return layout.protocols();
    }
    return java.util.stream.Stream.concat(layout.protocols().stream(), java.util.stream.Stream.of(current)).toList();
  }

  private static final Map<String, String> CHOICES = Map.ofEntries(Map.entry("SSL_TLS", "SSL/TLS"),
      Map.entry("STARTTLS", "STARTTLS"), Map.entry("NONE", "None (plain text)"), Map.entry("ANY", "Any address"),
      Map.entry("REGISTERED_ONLY", "Registered users only"), Map.entry("OUT", "Outgoing"), Map.entry("IN", "Incoming"),
      Map.entry("OAUTH", "OAuth"), Map.entry("PASSWORD", "Password"),
      Map.entry("JWT_BEARER", "JWT bearer (service account)"));

  /** {@return how a choice reads in a drop-down: {@code SSL_TLS} as "SSL/TLS", {@code CLIENT_CREDENTIALS} as "Client credentials"} */
  static String choiceLabel(String value) {
    String known = CHOICES.get(value.toUpperCase(Locale.ROOT));
    if (known != null) {
      return known;
    }
    String words = value.replace('_', ' ').replace('-', ' ').toLowerCase(Locale.ROOT);
    return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  private static void select(Html h, String key, List<String> options, String chosen, boolean upperLabels) {
    h.raw("<select").attr("id", "f-" + key).attr("name", key).raw(">");
    for (String o : options) {
      h.raw("<option").attr("value", o).raw(o.equalsIgnoreCase(chosen) ? " selected" : "").raw(">")
          .text(upperLabels ? o.toUpperCase(Locale.ROOT) : choiceLabel(o)).raw("</option>");
    }
    h.raw("</select>");
  }
}
