package org.outmail.console;

import org.jspecify.annotations.Nullable;

/** The page around every screen: head, header with the user and Log out, the main content. */
final class Layout {
  private Layout() {}

  /**
   * The page around a screen.
   *
   * @param base where the console is mounted, {@code ""} on its own server
   * @param user the user shown, or null
   * @param csrf the session's token for Log out, or null when the console offers no Log out
   * @param outbox whether the console shows an outbox: then the header links it too
   */
  static String page(String base, String title, @Nullable String user, @Nullable String csrf, boolean outbox,
      String content) {
    Html h = new Html();
    h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>").text(title).raw(" · outmail</title>")
        .raw("<link rel=\"stylesheet\"").attr("href", base + "/static/console.css").raw(">")
        .raw("<script").attr("src", base + "/static/console.js").raw(" defer></script></head><body>")
        .raw("<header class=\"top\"><a class=\"brand\"").attr("href", base + "/")
        .raw(">outmail</a><span class=\"crumb\">System › Tools › Email › Mailbox</span>");
    if (user != null) {
      h.raw("<nav class=\"sections\"><a id=\"nav-mailboxes\"").attr("href", base + "/")
          .raw(">Mailboxes</a><a id=\"nav-clients\"")
          .attr("href", base + "/oauth-clients").raw(">OAuth Clients</a>");
      if (outbox) {
        h.raw("<a id=\"nav-outbox\"").attr("href", base + "/outbox").raw(">Outbox</a>");
      }
      h.raw("</nav>");
    }
    if (user != null && csrf != null) {
      h.raw("<form class=\"logout\" method=\"post\"").attr("action", base + "/logout").raw(">").raw(csrfField(csrf))
          .raw("<span class=\"user\">").text(user).raw("</span> <button type=\"submit\">Log out</button></form>");
    } else if (user != null) {
      h.raw("<span class=\"logout\"><span class=\"user\">").text(user).raw("</span></span>");
    }
    h.raw("</header><main>").raw(content).raw("</main></body></html>\n");
    return h.toString();
  }

  static String csrfField(String csrf) {
    return new Html().raw("<input type=\"hidden\"").attr("name", "_csrf").attr("value", csrf).raw(">").toString();
  }
}
