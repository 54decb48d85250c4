package org.outmail.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Setting;
import org.outmail.oauth.DeviceAuthorization;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.OAuthValidation;

/**
 * The form of one OAuth client: its fields (from {@link OAuthClient#fields()}), the mailboxes that
 * use it, Save and Delete; and for a delegated client the Validate buttons and what the last
 * validation said: who, when, and when its tokens expire.
 */
final class ClientPage {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  /**
   * What the page shows.
   *
   * @param name the client's name, or null for a new client
   * @param values field to text, never a secret
   * @param storedSecrets the secret fields that have a stored value
   * @param errors field to problem
   * @param users the mailboxes ticked as using the client
   * @param mailboxes the OUT mailboxes that can use a client
   * @param grant the client's grant as stored, or null for a new client
   * @param editable whether Save and Delete are offered
   * @param version the version the form was read at, or null for a new client
   * @param status the last validation, if any
   * @param refreshToken whether a refresh token is stored ("stored", "none: validate the client", ...)
   * @param notice what was just done, or null
   */
  record View(@Nullable String name, Map<String, String> values, Set<String> storedSecrets, Map<String, String> errors,
      Set<String> users, List<String> mailboxes, @Nullable OAuthGrant grant, boolean editable, @Nullable String version,
      Optional<ClientValidations.Status> status, String refreshToken, @Nullable String notice) {}

  private ClientPage() {}

  static String time(Instant t) {
    return TIME.format(t);
  }

  static String render(String base, View v, String csrf) {
    Html h = new Html();
    String path = v.name() == null ? null : base + "/oauth-clients/" + GridPage.path(v.name());
    h.raw("<div class=\"bar\"><h1>").text(v.name() == null ? "New OAuth client" : "OAuth client " + v.name())
        .raw("</h1><div class=\"actions\">");
    if (path != null && v.grant() == OAuthGrant.REFRESH_TOKEN) {
      h.raw("<form method=\"post\"").attr("action", path + "/validate").raw(">").raw(Layout.csrfField(csrf))
          .raw("<button type=\"submit\" id=\"validate\" class=\"primary\">Validate</button></form>")
          .raw("<form method=\"post\"").attr("action", path + "/validate-device").raw(">").raw(Layout.csrfField(csrf))
          .raw("<button type=\"submit\" id=\"validate-device\">Validate with a device code</button></form>");
    }
    if (path != null && v.editable()) {
      h.raw("<form method=\"post\"").attr("action", path + "/delete")
          .attr("data-confirm", "Delete the OAuth client " + v.name() + "? The mailboxes that use it lose it.").raw(">")
          .raw(Layout.csrfField(csrf))
          .raw("<button type=\"submit\" id=\"delete\" class=\"danger\">Delete</button></form>");
    }
    h.raw("</div></div>");
    if (v.notice() != null) {
      h.raw("<p class=\"notice\" id=\"notice\">").text(v.notice()).raw("</p>");
    }
    if (v.name() != null && v.grant() == OAuthGrant.REFRESH_TOKEN) {
      validation(h, v);
    }
    if (!v.errors().isEmpty()) {
      h.raw("<div class=\"errors\" id=\"errors\"><strong>Not saved.</strong>");
      v.errors().forEach((key, problem) -> {
        if (key.isEmpty()) {
          h.raw("<p class=\"error\" data-key=\"\">").text(problem).raw("</p>");
        }
      });
      h.raw("</div>");
    }
    h.raw("<form class=\"mailbox\" id=\"client-form\" method=\"post\" novalidate")
        .attr("action", path == null ? base + "/oauth-clients/new" : path).raw(">").raw(Layout.csrfField(csrf));
    if (v.version() != null) {
      h.raw("<input type=\"hidden\"").attr("name", ConsoleServer.VERSION).attr("value", v.version()).raw(">");
    }
    h.raw("<h2 class=\"section\">The client</h2>");
    if (v.name() == null) {
      fieldStart(h, ClientForm.NAME, "Name", v.errors().get(ClientForm.NAME));
      h.raw("<input type=\"text\" autocomplete=\"off\" id=\"f-name\" name=\"name\"")
          .attr("value", v.values().getOrDefault(ClientForm.NAME, "")).raw(">");
      fieldEnd(h, "The name mailboxes pick it by: letters, digits, '.', '_' or '-'.", ClientForm.NAME,
          v.errors().get(ClientForm.NAME));
    }
    for (Setting s : OAuthClient.textForm().fields()) {
      field(h, s, v);
    }
    String usersError = v.errors().get(ClientForm.USED_BY);
    h.raw("<fieldset class=\"group").raw(usersError == null ? "" : " invalid")
        .raw("\" id=\"used-by\"><legend>Used by</legend>");
    if (v.mailboxes().isEmpty()) {
      h.raw("<p class=\"help\">No outgoing mailbox yet: add one first.</p>");
    }
    for (String id : v.mailboxes()) {
      h.raw("<label class=\"use\"><input type=\"checkbox\"").attr("name", ClientForm.USE + id)
          .raw(v.users().contains(id) ? " checked" : "").raw("> ").text(id).raw("</label> ");
    }
    h.raw("<p class=\"help\">A client is kept in the mailboxes that use it: Save gives each ticked mailbox these"
        + " settings in one change, and takes the client from the mailboxes not ticked.</p>");
    if (usersError != null) {
      h.raw("<p class=\"error\" id=\"error-used-by\">").text("Used by " + usersError).raw("</p>");
    }
    h.raw("</fieldset>");
    if (v.editable()) {
      h.raw("<div class=\"save\"><button type=\"submit\" id=\"save\" class=\"primary\">Save</button> <a")
          .attr("href", base + "/oauth-clients").raw(">Back to the OAuth clients</a></div>");
    } else {
      h.raw("<div class=\"save\"><a").attr("href", base + "/oauth-clients").raw(">Back to the OAuth clients</a></div>");
    }
    h.raw("</form>");
    return h.toString();
  }

  private static void validation(Html h, View v) {
    h.raw("<section class=\"validation\" id=\"validation\"");
    ClientValidations.Status s = v.status().orElse(null);
    if (s != null && s.waiting()) {
      h.attr("data-refresh", "2").attr("data-state", "waiting").raw(">");
      DeviceAuthorization device = Objects.requireNonNull(s.device(), "a validation waits for a device code");
      String uri = device.verificationUri().toString();
      h.raw("<p>Enter the code <strong id=\"user-code\">").text(device.userCode()).raw("</strong> at <a")
          .attr("id", "verification-uri").attr("href", uri).attr("rel", "noreferrer").attr("target", "_blank").raw(">")
          .text(uri).raw("</a>, signed in as the mailbox's user. Waiting since ").text(time(s.at()))
          .raw(" (Validate pressed by ").text(s.user()).raw("); the code expires at ").text(time(device.expiresAt()))
          .raw(". This page reloads itself.</p>");
    } else if (s != null && s.done() != null) {
      OAuthValidation d = s.done();
      h.attr("data-state", "validated").raw("><p><strong>Validated</strong> by <span id=\"validated-by\">")
          .text(s.user())
          .raw("</span> at <span id=\"validated-at\">").text(time(d.validatedAt())).raw("</span>. ")
          .raw("<span id=\"expires\">").text(expiry(d)).raw("</span></p>");
      if (!d.scopes().isEmpty()) {
        h.raw("<p class=\"help\">Scopes granted: ").text(String.join(" ", d.scopes())).raw("</p>");
      }
      for (String w : d.warnings()) {
        h.raw("<p class=\"error\">").text(w).raw("</p>");
      }
    } else if (s != null && s.error() != null) {
      h.attr("data-state", "failed").raw("><p class=\"error\" id=\"validation-error\">").text("The validation "
          + s.user() + " started failed at " + time(s.at()) + ": " + s.error()).raw("</p>");
    } else {
      h.attr("data-state", "none").raw("><p>Refresh token: <span id=\"refresh-token\">").text(v.refreshToken())
          .raw("</span>. Validate signs in at the provider once (authorization code with PKCE, back to this console),"
              + " or with a code entered on any device.</p>");
    }
    h.raw("</section>");
  }

  static String expiry(OAuthValidation d) {
    String refresh = d.refreshTokenExpiresAt().map(t -> "The refresh token expires at " + time(t)
        + ": validate again before then.")
        .orElse("The refresh token has no stated expiry: it lasts until it is revoked.");
    return d.accessTokenExpiresAt().map(t -> "The access token expires at " + time(t) + " and is renewed as needed. ")
        .orElse("") + refresh;
  }

  private static void fieldStart(Html h, String key, String label, @Nullable String error) {
    h.raw("<div").attr("class", error == null ? "field" : "field invalid").attr("data-field", key).raw("><label")
        .attr("for", "f-" + key).raw(">").text(label).raw("</label>");
  }

  private static void fieldEnd(Html h, String help, String key, @Nullable String error) {
    if (!help.isEmpty()) {
      h.raw("<p class=\"help\">").text(help).raw("</p>");
    }
    if (error != null) {
      h.raw("<p class=\"error\"").attr("id", "error-" + key).raw(">").text(error).raw("</p>");
    }
    h.raw("</div>");
  }

  private static void field(Html h, Setting s, View v) {
    String key = s.name();
    String value = v.values().getOrDefault(key, "");
    String error = v.errors().get(key);
    h.raw("<div").attr("class", error == null ? "field" : "field invalid").attr("data-field", key).raw("><label")
        .attr("for", "f-" + key).raw(">").text(FormLayout.label("oauth-client." + key)).raw("</label>");
    if (s.type() == Setting.Type.CHOICE) {
      String chosen = value.isEmpty() ? s.defaultValue().orElse("") : value;
      h.raw("<select").attr("id", "f-" + key).attr("name", key).raw(">");
      for (String o : s.allowedValues()) {
        h.raw("<option").attr("value", o).raw(o.equalsIgnoreCase(chosen) ? " selected" : "").raw(">")
            .text(FormPage.choiceLabel(o)).raw("</option>");
      }
      h.raw("</select>");
    } else if (s.secret()) {
      boolean stored = v.storedSecrets().contains(key);
      h.raw("<input type=\"password\" autocomplete=\"new-password\" value=\"\"").attr("id", "f-" + key)
          .attr("name", key)
          .attr("placeholder", stored ? "stored; leave blank to keep it" : "not set").raw(">");
      if (stored) {
        h.raw("<label class=\"clear\"><input type=\"checkbox\"").attr("name", MailboxForm.CLEAR + key)
            .raw("> remove the stored value</label><p class=\"help moved\">")
            .text("Removed when " + MailboxForm.labels(ClientForm.labels(ClientForm.DESTINATION))
                + " change, unless typed again: a stored secret never goes to another server.")
            .raw("</p>");
      }
    } else {
      h.raw("<input type=\"text\" autocomplete=\"off\"").attr("id", "f-" + key).attr("name", key).attr("value", value);
      s.defaultValue().ifPresent(d -> h.attr("placeholder", d));
      h.raw(">");
    }
    String help = s.secret() ? s.help().replaceAll(":? ?a literal, \\$\\{env:NAME} or \\$\\{file:/path}\\.?$", ".")
        .replaceAll("\\.\\.$", ".") + " Write-only: never shown; leave blank to keep it." : s.help();
    if (!help.isEmpty()) {
      h.raw("<p class=\"help\">").text(help).raw("</p>");
    }
    if (error != null) {
      h.raw("<p class=\"error\"").attr("id", "error-" + key).raw(">").text(error).raw("</p>");
    }
    h.raw("</div>");
  }
}
