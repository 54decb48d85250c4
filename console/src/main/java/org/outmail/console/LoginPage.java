package org.outmail.console;

import org.jspecify.annotations.Nullable;

/** The login form; its own CSRF token is bound to a short-lived cookie (a double submit). */
final class LoginPage {
  private LoginPage() {}

  static String render(String base, String loginToken, @Nullable String user, @Nullable String error) {
    Html h = new Html();
    h.raw("<section class=\"login\"><h1>Log in</h1>");
    if (error != null) {
      h.raw("<p class=\"error\" id=\"login-error\">").text(error).raw("</p>");
    }
    h.raw("<form method=\"post\"").attr("action", base + "/login").raw(">")
        .raw("<input type=\"hidden\"").attr("name", "_login").attr("value", loginToken).raw(">")
        .raw("<label for=\"user\">User name</label><input id=\"user\" name=\"user\" autocomplete=\"username\"")
        .attr("value", user == null ? "" : user).raw(" required>")
        .raw("<label for=\"password\">Password</label>")
        .raw("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
        .raw("<button type=\"submit\" id=\"login\">Log in</button></form></section>");
    return Layout.page(base, "Log in", null, null, false, h.toString());
  }
}
