package org.outmail.console;

/** The page around every screen: head, header with the user and Log out, the main content. */
final class Layout {
  private Layout() {}

  static String page(String title, String user, String csrf, String content) {
    Html h = new Html();
    h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>").text(title).raw(" · outmail</title>")
        .raw("<link rel=\"stylesheet\" href=\"/static/console.css\">")
        .raw("<script src=\"/static/console.js\" defer></script></head><body>")
        .raw("<header class=\"top\"><a class=\"brand\" href=\"/\">outmail</a><span class=\"crumb\">System › Tools › Email › Mailbox</span>");
    if (user != null) {
      h.raw("<form class=\"logout\" method=\"post\" action=\"/logout\">").raw(csrfField(csrf))
          .raw("<span class=\"user\">").text(user).raw("</span> <button type=\"submit\">Log out</button></form>");
    }
    h.raw("</header><main>").raw(content).raw("</main></body></html>\n");
    return h.toString();
  }

  static String csrfField(String csrf) {
    return new Html().raw("<input type=\"hidden\"").attr("name", "_csrf").attr("value", csrf).raw(">").toString();
  }
}
