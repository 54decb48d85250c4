package org.outmail.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.MailboxType;

/** The grid of mailboxes, with "+ Add Mailbox". */
final class GridPage {
  private GridPage() {}

  static String render(String base, List<Mailbox> mailboxes, CheckResults checks, boolean editable, String readOnlyWhy,
      @Nullable String notice) {
    Html h = new Html();
    h.raw("<div class=\"bar\"><h1>Mailboxes</h1>");
    if (editable) {
      h.raw("<a class=\"button primary\" id=\"add-mailbox\"").attr("href", base + "/mailboxes/new")
          .raw(">+ Add Mailbox</a>");
    }
    h.raw("</div>");
    if (!editable) {
      h.raw("<p class=\"notice\">").text(readOnlyWhy).raw("</p>");
    }
    if (notice != null) {
      h.raw("<p class=\"notice\" id=\"notice\">").text(notice).raw("</p>");
    }
    h.raw(
        "<table class=\"grid\" id=\"grid\"><thead><tr><th>Name</th><th>Type</th><th>Status</th><th>Email Display</th>")
        .raw("<th>Protocol</th><th>Default</th><th>Last Check</th></tr></thead><tbody>");
    if (mailboxes.isEmpty()) {
      h.raw("<tr><td colspan=\"7\" class=\"empty\">No mailbox yet.</td></tr>");
    }
    for (Mailbox m : mailboxes) {
      h.raw("<tr").attr("data-id", m.id()).raw("><td class=\"name\"><a")
          .attr("href", base + "/mailboxes/" + path(m.id())).raw(">")
          .text(m.name()).raw("</a></td>")
          .raw("<td>").text(m.type().name()).raw("</td>")
          .raw("<td>").text(m.enabled() ? "Enabled" : "Disabled").raw("</td>")
          .raw("<td>").text(m.emailDisplay() == null ? "" : m.emailDisplay()).raw("</td>")
          .raw("<td>").text(m.type() == MailboxType.OUT ? m.protocol().toUpperCase(Locale.ROOT) : "").raw("</td>")
          .raw("<td>").text(m.defaultOutgoing() ? "Yes" : "").raw("</td>");
      CheckResult r = checks.last(m).orElse(null);
      h.raw("<td class=\"check ").raw(r == null ? "none" : r.ok() ? "ok" : "failed").raw("\">")
          .text(r == null ? "" : CheckResults.describe(r)).raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    return h.toString();
  }

  static String path(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }
}
