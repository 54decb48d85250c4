package org.outmail.console;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxAttempt;
import org.outmail.outbox.OutboxEntry;
import org.outmail.outbox.OutboxState;

/**
 * The outbox's screen, when the host hands the console an {@link Outbox}: the count of each state,
 * the age of the oldest waiting mail, a page of mails in a state or found by a search (keyset
 * paging by id, so a page costs the same over a million mails), and a mail with its attempts and
 * the Retry now and Cancel buttons. The list refreshes itself (console.js reloads it).
 */
final class OutboxScreen {
  static final int PAGE = 50;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  /** Puts a screen's content in the console's page. */
  interface Pages {
    String page(Request r, Sessions.Session s, String title, String content);
  }

  private final Outbox outbox;
  private final Clock clock;
  private final int refreshSeconds;

  OutboxScreen(Outbox outbox, Clock clock, int refreshSeconds) {
    this.outbox = outbox;
    this.clock = clock;
    this.refreshSeconds = refreshSeconds;
  }

  /** Answers {@code /outbox}, {@code /outbox/ID}, and the POSTs {@code /outbox/ID/retry} and {@code /outbox/ID/cancel}. */
  void handle(Request r, Sessions.Session s, String path, boolean post, Pages pages) throws IOException {
    if (path.equals("/outbox")) {
      if (post) {
        r.text(405, "Only GET.");
        return;
      }
      list(r, s, pages);
      return;
    }
    String[] parts = path.substring("/outbox/".length()).split("/", -1);
    long id;
    try {
      id = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      r.text(404, "No mail with this id.");
      return;
    }
    String action = parts.length > 1 ? parts[1] : "";
    if (action.isEmpty() && !post) {
      mail(r, s, id, pages);
    } else if (post && (action.equals("retry") || action.equals("cancel"))) {
      Optional<OutboxEntry> before = outbox.status(id);
      if (before.isEmpty()) {
        r.text(404, "No mail with this id.");
        return;
      }
      boolean retry = action.equals("retry");
      boolean done = retry ? outbox.retryNow(id) : outbox.cancel(id);
      OutboxState now = outbox.status(id).map(OutboxEntry::state).orElse(before.get().state());
      s.flash = done ? (retry ? "Mail #" + id + " is due now (" + label(now) + ")." : "Mail #" + id + " is cancelled.")
          : "Mail #" + id + " is " + label(now) + ": it " + (retry ? "cannot be retried" : "cannot be cancelled")
              + (retry ? " (sent, or being sent)." : " (being sent, or finished).");
      r.redirect("/outbox/" + id);
    } else {
      r.text(404, "Not found.");
    }
  }

  private void list(Request r, Sessions.Session s, Pages pages) throws IOException {
    Map<String, String> query = r.query();
    String search = query.getOrDefault("q", "").strip();
    OutboxState state = state(query.get("state"));
    long after = number(query.get("after"));
    Map<OutboxState, Long> counts = new EnumMap<>(OutboxState.class);
    for (OutboxState st : OutboxState.values()) {
      counts.put(st, outbox.count(st));
    }
    List<OutboxEntry> rows = search.isEmpty() ? outbox.list(state, after, PAGE + 1)
        : outbox.search(search, after, PAGE + 1);
    boolean more = rows.size() > PAGE;
    if (more) {
      rows = rows.subList(0, PAGE);
    }
    Optional<OutboxEntry> oldest = oldestWaiting();
    String flash = s.flash;
    s.flash = null;

    Html h = new Html();
    h.raw(
        "<div class=\"bar\"><h1>Outbox</h1><div class=\"actions\"><span class=\"refresh\" id=\"refresh-note\">Refreshes every ")
        .text(Integer.toString(refreshSeconds)).raw(" s</span><a class=\"button\" id=\"refresh\"")
        .attr("href", r.base() + "/outbox"
            + queryString(search, search.isEmpty() ? state : null, after))
        .raw(">Refresh</a></div></div>");
    if (flash != null) {
      h.raw("<p class=\"notice\" id=\"notice\">").text(flash).raw("</p>");
    }
    h.raw("<p class=\"oldest\" id=\"oldest\">");
    if (oldest.isEmpty()) {
      h.text("No mail is waiting.");
    } else {
      OutboxEntry o = oldest.get();
      h.text("Oldest waiting mail: ").raw("<strong>").text(age(Duration.between(o.createdAt(), clock.instant())))
          .raw("</strong> (").raw("<a").attr("href", r.base() + "/outbox/" + o.id()).raw(">").text("#" + o.id())
          .raw("</a>")
          .text(", " + label(o.state()) + ", queued " + TIME.format(o.createdAt()) + ")");
    }
    h.raw("</p><nav class=\"states\" id=\"states\">");
    for (OutboxState st : OutboxState.values()) {
      boolean active = search.isEmpty() && st == state;
      h.raw("<a class=\"state").raw(active ? " active" : "").raw("\"").attr("data-state", st.name())
          .attr("href", r.base() + "/outbox" + queryString("", st, 0)).raw(">").text(label(st))
          .raw(" <span class=\"count\">").text(String.format(Locale.ROOT, "%,d", counts.get(st))).raw("</span></a>");
    }
    h.raw("</nav><form class=\"search\" method=\"get\"").attr("action", r.base() + "/outbox").raw(">")
        .raw("<input type=\"search\" name=\"q\" id=\"search\"").attr("value", search)
        .attr("placeholder", "Recipient, record id, Message-ID, start of the subject, or #id")
        .attr("aria-label", "Search the outbox").raw("> <button type=\"submit\" id=\"search-button\">Search</button>");
    if (!search.isEmpty()) {
      h.raw(" <a").attr("href", r.base() + "/outbox").raw(">Clear</a>");
    }
    h.raw("</form>");
    h.raw("<p class=\"caption\" id=\"caption\">").text(search.isEmpty() ? label(state) + " mails, oldest first"
        + (after > 0 ? ", after #" + after : "")
        : "Mails found by \u201c" + search + "\u201d, in any state"
            + (after > 0 ? ", after #" + after : ""))
        .raw("</p>");
    h.raw("<table class=\"grid\" id=\"mails\"><thead><tr><th>Id</th><th>State</th><th>Mailbox</th><th>Subject</th>")
        .raw("<th>Queued</th><th>Next attempt</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>");
    if (rows.isEmpty()) {
      h.raw("<tr><td colspan=\"8\" class=\"empty\">")
          .text(search.isEmpty() ? "No mail in this state." : "No mail found.")
          .raw("</td></tr>");
    }
    for (OutboxEntry e : rows) {
      h.raw("<tr").attr("data-id", Long.toString(e.id())).raw("><td><a").attr("href", r.base() + "/outbox/" + e.id())
          .raw(">").text("#" + e.id()).raw("</a></td><td class=\"state ").raw(e.state().name().toLowerCase(Locale.ROOT))
          .raw("\">").text(label(e.state())).raw("</td><td>").text(e.mailboxId()).raw("</td><td>").text(e.subject())
          .raw("</td><td>").text(TIME.format(e.createdAt())).raw("</td><td>")
          .text(e.state().isFinished() ? "" : e.nextAttemptAt().map(TIME::format).orElse("")).raw("</td><td>")
          .text(Integer.toString(e.attempts())).raw("</td><td class=\"error\">").text(e.lastError().orElse(""))
          .raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    if (more) {
      long last = rows.get(rows.size() - 1).id();
      h.raw("<p class=\"paging\"><a class=\"button\" id=\"next-page\"").attr("href", r.base() + "/outbox"
          + queryString(search, search.isEmpty() ? state : null, last)).raw(">Next ").text(Integer.toString(PAGE))
          .raw(" \u2192</a></p>");
    }
    r.html(200, pages.page(r, s, "Outbox", "<div data-refresh=\"" + refreshSeconds + "\">" + h + "</div>"));
  }

  private void mail(Request r, Sessions.Session s, long id, Pages pages) throws IOException {
    Optional<OutboxEntry> found = outbox.status(id);
    if (found.isEmpty()) {
      r.text(404, "No mail with this id (never queued, or purged).");
      return;
    }
    OutboxEntry e = found.get();
    List<OutboxAttempt> attempts = outbox.attempts(id);
    String flash = s.flash;
    s.flash = null;
    Html h = new Html();
    h.raw("<p class=\"back\"><a id=\"back\"").attr("href", r.base() + "/outbox" + queryString("", e.state(), 0))
        .raw(">\u2190 Outbox</a></p><div class=\"bar\"><h1>").text("Mail #" + id).raw("</h1><div class=\"actions\">");
    if (retryable(e.state())) {
      h.raw("<form method=\"post\"").attr("action", r.base() + "/outbox/" + id + "/retry").raw(">")
          .raw(Layout.csrfField(ConsoleServer.csrf(r, s)))
          .raw("<button type=\"submit\" class=\"primary\" id=\"retry\">Retry now</button></form>");
    }
    if (cancellable(e.state())) {
      h.raw("<form method=\"post\"").attr("action", r.base() + "/outbox/" + id + "/cancel")
          .attr("data-confirm", "Cancel mail #" + id + "? It will not be sent.").raw(">")
          .raw(Layout.csrfField(ConsoleServer.csrf(r, s)))
          .raw("<button type=\"submit\" class=\"danger\" id=\"cancel\">Cancel</button></form>");
    }
    h.raw("</div></div>");
    if (flash != null) {
      h.raw("<p class=\"notice\" id=\"notice\">").text(flash).raw("</p>");
    }
    h.raw("<table class=\"details\" id=\"mail\"><tbody>");
    row(h, "State", label(e.state()), "state");
    row(h, "Mailbox", e.mailboxId(), "mailbox");
    row(h, "Subject", e.subject(), "subject");
    row(h, "Message-ID", e.messageId(), "message-id");
    e.idempotencyKey().ifPresent(k -> row(h, "Idempotency key", k, "key"));
    row(h, "Priority", label(e.priority().name()), "priority");
    row(h, "Queued",
        TIME.format(e.createdAt()) + " (" + age(Duration.between(e.createdAt(), clock.instant())) + " ago)", "queued");
    if (!e.state().isFinished()) {
      e.nextAttemptAt().ifPresent(t -> row(h, e.state() == OutboxState.SENDING ? "Lease ends" : "Next attempt",
          TIME.format(t), "next"));
      row(h, "Expires", TIME.format(e.expiresAt()), "expires");
    }
    e.finishedAt().ifPresent(t -> row(h, "Finished", TIME.format(t), "finished"));
    row(h, "Attempts", Integer.toString(e.attempts()), "attempt-count");
    e.lastError().ifPresent(x -> row(h, "Last error", x, "last-error"));
    if (!e.acceptedRecipients().isEmpty()) {
      row(h, "Accepted", String.join(", ", e.acceptedRecipients()), "accepted");
    }
    if (!e.rejectedRecipients().isEmpty()) {
      List<String> rejected = new ArrayList<>();
      e.rejectedRecipients().forEach((a, reply) -> rejected.add(a + ": " + reply));
      row(h, "Refused", String.join("; ", rejected), "rejected");
    }
    if (!e.pendingRecipients().isEmpty()) {
      row(h, "Still to send to", String.join(", ", e.pendingRecipients()), "pending");
    }
    h.raw("</tbody></table><h2>Attempts</h2><table class=\"grid\" id=\"attempts\"><thead><tr><th>#</th><th>Node</th>")
        .raw("<th>Started</th><th>Finished</th><th>Outcome</th><th>Stage and reply</th></tr></thead><tbody>");
    if (attempts.isEmpty()) {
      h.raw("<tr><td colspan=\"6\" class=\"empty\">No attempt yet.</td></tr>");
    }
    for (OutboxAttempt a : attempts) {
      String outcome = a.outcome().orElse(a.finishedAt().isEmpty() ? "running" : "");
      h.raw("<tr><td>").text(Integer.toString(a.number())).raw("</td><td>").text(a.node()).raw("</td><td>")
          .text(TIME.format(a.startedAt())).raw("</td><td>").text(a.finishedAt().map(TIME::format).orElse(""))
          .raw("</td><td class=\"state ").raw(outcome.toLowerCase(Locale.ROOT)).raw("\">").text(label(outcome))
          .raw("</td><td class=\"detail\">").text(a.detail().orElse("")).raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    r.html(200, pages.page(r, s, "Mail #" + id, "<div data-refresh=\"" + refreshSeconds + "\">" + h + "</div>"));
  }

  private static void row(Html h, String name, String value, String id) {
    h.raw("<tr><th>").text(name).raw("</th><td").attr("id", "mail-" + id).raw(">").text(value).raw("</td></tr>");
  }

  /** The waiting mail (queued or deferred) queued first: the lowest id of each state, through the state index. */
  private Optional<OutboxEntry> oldestWaiting() {
    Optional<OutboxEntry> oldest = Optional.empty();
    for (OutboxState st : new OutboxState[] {OutboxState.QUEUED, OutboxState.DEFERRED}) {
      List<OutboxEntry> first = outbox.list(st, 0, 1);
      if (!first.isEmpty() && (oldest.isEmpty() || first.get(0).createdAt().isBefore(oldest.get().createdAt()))) {
        oldest = Optional.of(first.get(0));
      }
    }
    return oldest;
  }

  static boolean retryable(OutboxState s) {
    return s != OutboxState.SENT && s != OutboxState.SENDING;
  }

  static boolean cancellable(OutboxState s) {
    return s == OutboxState.QUEUED || s == OutboxState.DEFERRED || s == OutboxState.UNKNOWN;
  }

  private static OutboxState state(@Nullable String value) {
    if (value != null) {
      for (OutboxState s : OutboxState.values()) {
        if (s.name().equals(value)) {
          return s;
        }
      }
    }
    return OutboxState.QUEUED;
  }

  private static long number(@Nullable String value) {
    if (value == null || !value.matches("\\d{1,18}")) {
      return 0;
    }
    return Long.parseLong(value);
  }

  private static String queryString(String search, @Nullable OutboxState state, long after) {
    StringBuilder q = new StringBuilder();
    if (!search.isEmpty()) {
      q.append("q=").append(java.net.URLEncoder.encode(search, java.nio.charset.StandardCharsets.UTF_8));
    }
    if (state != null) {
      q.append(q.length() > 0 ? "&" : "").append("state=").append(state.name());
    }
    if (after > 0) {
      q.append(q.length() > 0 ? "&" : "").append("after=").append(after);
    }
    return q.length() == 0 ? "" : "?" + q;
  }

  static String label(OutboxState s) {
    return label(s.name());
  }

  /** {@code "DEFERRED"} as {@code "Deferred"}. */
  static String label(String name) {
    return name.isEmpty() ? "" : name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }

  /** A duration as a person reads it: {@code 45 s}, {@code 3 min 12 s}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    if (s < 86_400) {
      return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
    return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
  }
}
