package org.outmail.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.TokenStore;

/**
 * The grid of OAuth clients, as the seed configures them apart from the mailboxes: each client by
 * its name, with the mailboxes that use it. A client is read from the mailboxes that carry it; two
 * mailboxes naming the same client with different settings are flagged. Secrets are shown only as
 * stored or not.
 */
final class ClientsPage {
  private ClientsPage() {}

  /** A client and the mailboxes that use it. */
  record Client(OAuthClient client, List<String> mailboxIds, boolean differs, String refreshToken) {}

  /** The clients the mailboxes use, by name. */
  static List<Client> collect(List<Mailbox> mailboxes, TokenStore tokens) {
    Map<String, List<Mailbox>> byName = new TreeMap<>();
    for (Mailbox m : mailboxes) {
      m.oauthClient().ifPresent(c -> byName.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(m));
    }
    List<Client> out = new ArrayList<>();
    byName.forEach((name, users) -> {
      OAuthClient first = users.get(0).oauthClient().orElseThrow();
      boolean differs = users.stream().map(m -> m.oauthClient().orElseThrow())
          .anyMatch(c -> !Forms.CLIENT.values(c).equals(Forms.CLIENT.values(first))
              || !Forms.CLIENT.secrets(c).keySet().equals(Forms.CLIENT.secrets(first).keySet()));
      out.add(new Client(first, users.stream().map(Mailbox::id).toList(), differs, refreshToken(first, tokens)));
    });
    return out;
  }

  /** Whether a delegated client has a refresh token: in its configuration or in the registry's token store. */
  private static String refreshToken(OAuthClient c, TokenStore tokens) {
    if (c.grant() != OAuthGrant.REFRESH_TOKEN) {
      return "not needed";
    }
    if (c.refreshToken().isPresent()) {
      return "stored";
    }
    try {
      return tokens.load(c.name()).isPresent() ? "stored" : "none: validate the client";
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  /** {@return each client by its name, as the first mailbox using it carries it (with its secrets)} */
  static Map<String, OAuthClient> byName(List<Mailbox> mailboxes) {
    Map<String, OAuthClient> out = new TreeMap<>();
    for (Mailbox m : mailboxes) {
      m.oauthClient().ifPresent(c -> out.putIfAbsent(c.name(), c));
    }
    return out;
  }

  static String render(String base, List<Client> clients) {
    return render(base, clients, false, null);
  }

  static String render(String base, List<Client> clients, boolean editable, @Nullable String notice) {
    Html h = new Html();
    h.raw("<div class=\"bar\"><h1>OAuth Clients</h1><div class=\"actions\">");
    if (editable) {
      h.raw("<a class=\"button primary\" id=\"add-client\"").attr("href", base + "/oauth-clients/new")
          .raw(">+ Add OAuth Client</a>");
    }
    h.raw("</div></div>");
    if (notice != null) {
      h.raw("<p class=\"notice\" id=\"notice\">").text(notice).raw("</p>");
    }
    h.raw(
        "<p class=\"caption\">An OAuth client serves every mailbox that picks it; its secrets are stored, never shown.</p>")
        .raw("<table class=\"grid\" id=\"clients\"><thead><tr><th>Name</th><th>Provider</th><th>Grant</th>")
        .raw("<th>Client ID</th><th>Tenant</th><th>Scopes</th><th>Client secret</th><th>Refresh token</th>")
        .raw("<th>Mailboxes</th></tr></thead><tbody>");
    if (clients.isEmpty()) {
      h.raw("<tr><td colspan=\"9\" class=\"empty\">No mailbox uses an OAuth client.</td></tr>");
    }
    for (Client c : clients) {
      OAuthClient o = c.client();
      h.raw("<tr").attr("data-name", o.name()).raw("><td class=\"name\"><a")
          .attr("href", base + "/oauth-clients/" + GridPage.path(o.name())).raw(">").text(o.name()).raw("</a>");
      if (c.differs()) {
        h.raw("<p class=\"error\">").text("Its mailboxes give it different settings.").raw("</p>");
      }
      h.raw("</td><td>").text(OutboxScreen.label(o.provider().name())).raw("</td><td>").text(grant(o.grant()))
          .raw("</td><td>").text(o.clientId()).raw("</td><td>").text(o.tenant().orElse("")).raw("</td><td>")
          .text(o.scopes().isEmpty() ? "the transport's default" : String.join(" ", o.scopes())).raw("</td><td>")
          .text(o.clientSecret().isPresent() ? "stored" : "none")
          .raw("</td><td class=\"token\">").text(c.refreshToken()).raw("</td><td>");
      boolean first = true;
      for (String id : c.mailboxIds()) {
        h.raw(first ? "" : ", ").raw("<a").attr("href", base + "/mailboxes/" + GridPage.path(id)).raw(">").text(id)
            .raw("</a>");
        first = false;
      }
      h.raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    return h.toString();
  }

  static String grant(OAuthGrant g) {
    return switch (g) {
      case CLIENT_CREDENTIALS -> "App-only (client credentials)";
      case REFRESH_TOKEN -> "Delegated (refresh token)";
      case JWT_BEARER -> "Service account (JWT)";
    };
  }
}
