package org.outmail.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.CheckResult;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.MailboxStoreException;
import org.outmail.MailboxType;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's one handler, behind {@link ConsoleServlet}: checks the Host (on its own server),
 * serves the two static files, the login, and behind it the grid, the form, Save, Check, Delete and
 * Log out. Every POST carries the session's CSRF token.
 */
final class ConsoleServer {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String LOGIN_COOKIE = "outmail_login";
  static final String CSRF_REFUSED = "Refused: this request carries no valid CSRF token. Reload the console and try again.";

  private final MailboxRegistry registry;
  private final ConsoleOptions options;
  private final Users users;
  private final Sessions sessions;
  private final LoginThrottle throttle;
  private final FormLayout layout;
  private final MailboxForm form;
  static final String VERSION = "_version";
  private final CheckResults checks = new CheckResults();
  private final ClientValidations validations;
  private final Versions versions = new Versions();
  /** One save at a time: the version check and the save it allows go together. */
  private final Object saving = new Object();
  private final Set<String> hosts = new HashSet<>();

  /** Whether the host authenticates: mounted in a host, no login of the console's own. */
  private final boolean hostAuthenticates;
  /** The outbox's screen, when the host gave an outbox; null otherwise (outmail-outbox may be absent). */
  private final @Nullable OutboxScreen outbox;

  /**
   * The host's CSRF token for a request, when the host checks CSRF itself (Spring Security): the
   * console's forms carry it as {@code _csrf} and the console does not check a token of its own.
   * Null: the console's own token.
   */
  private final java.util.function.@Nullable Function<HttpServletRequest, @Nullable String> hostCsrf;

  ConsoleServer(MailboxRegistry registry, ConsoleOptions options, boolean hostAuthenticates) {
    this(registry, options, hostAuthenticates, null);
  }

  ConsoleServer(MailboxRegistry registry, ConsoleOptions options, boolean hostAuthenticates,
      java.util.function.@Nullable Function<HttpServletRequest, @Nullable String> hostCsrf) {
    this.hostCsrf = hostCsrf;
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.options = options;
    this.hostAuthenticates = hostAuthenticates;
    this.users = new Users(options.users);
    this.sessions = new Sessions(options.clock, options.sessionIdle);
    this.throttle = new LoginThrottle(options.clock);
    this.layout = new FormLayout(MailboxRegistry.transportSettings());
    this.form = new MailboxForm(layout);
    hosts.addAll(java.util.List.of("127.0.0.1", "localhost", "[::1]", options.bind.toLowerCase(Locale.ROOT)));
    hosts.addAll(options.allowedHosts);
    this.validations = new ClientValidations(registry.tokenStore(), options.clock);
    this.outbox = options.outbox == null ? null
        : new OutboxScreen(options.outbox, options.clock, options.outboxRefreshSeconds);
  }

  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Request r = new Request(request, response, options.secureCookies || (hostAuthenticates && request.isSecure()));
    r.hostCsrf = hostCsrf == null ? null : hostCsrf.apply(request);
    try {
      route(r);
    } catch (Request.BadRequest e) {
      if (!response.isCommitted()) {
        response.reset();
        r.text(400, messageOf(e));
      }
    } catch (RuntimeException e) {
      LOG.warn("console: {} {} failed", r.method(), r.path(), e);
      if (!response.isCommitted()) {
        response.reset();
        r.text(500, "The console failed to answer; the host's log says why.");
      }
    }
  }

  private void route(Request r) throws IOException {
    String host = r.header("Host").orElse("");
    if (!hostAuthenticates && !hosts.contains(Origins.hostName(host))) {
      r.text(421, "Refused: the console does not answer to the host name '" + host + "'.");
      return;
    }
    String path = r.path();
    boolean post = r.method().equals("POST");
    if (!post && !r.method().equals("GET")) {
      r.text(405, "Only GET and POST.");
      return;
    }
    if (path.equals("/favicon.ico")) {
      r.text(404, "Not found.");
      return;
    }
    if (path.startsWith("/static/")) {
      staticFile(r, path.substring("/static/".length()));
      return;
    }
    if (path.equals("/login")) {
      login(r, post);
      return;
    }
    if (path.equals(CALLBACK) && !post) {
      // the provider's redirect comes from another site: a SameSite=Strict cookie is not sent with it. This
      // page carries no secret and changes nothing; the link it follows is same-site and carries the session
      r.html(200,
          Layout.page(r.base(), "Validating", null, null, false, "<p>Finishing the validation… <a id=\"go\" data-go"
              + new Html().attr("href", r.base() + CALLBACK + "/finish?" + r.rawQuery()) + ">Continue</a></p>"));
      return;
    }
    Optional<Sessions.Session> session = session(r, post);
    if (session.isEmpty()) {
      if (post) {
        r.text(403, hostAuthenticates ? "Refused: the console's session has ended; reload the page and try again."
            : "Refused: log in first.");
      } else {
        r.redirect("/login");
      }
      return;
    }
    Sessions.Session s = session.get();
    if (post) {
      Optional<String> origin = r.header("Origin");
      if (origin.isPresent() && !origin.get().equals("null") && !Origins.same(origin.get(), host)) {
        r.text(403, "Refused: the request comes from another site (" + origin.get() + ").");
        return;
      }
      // a host that checks CSRF (its filter refused a bad token before the request came here) gave its token
      if (r.hostCsrf == null && !s.csrfMatches(r.form().get("_csrf"))) {
        r.text(403, CSRF_REFUSED);
        return;
      }
    }
    if (path.equals("/") && !post) {
      grid(r, s, null);
    } else if (path.equals("/logout") && post) {
      sessions.close(s.id);
      r.setCookie(Sessions.COOKIE, "", 0);
      r.redirect(options.withoutLogin ? "/" : "/login");
    } else if (path.equals("/mailboxes/new")) {
      if (post) {
        save(r, s, null);
      } else {
        String type = r.query().getOrDefault("type", "OUT");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("type", type.equals("IN") ? "IN" : "OUT");
        values.put("protocol", r.query().getOrDefault("protocol", "smtp"));
        r.html(200, page(r, s, "New mailbox", mailboxForm(r, new FormPage.View(null, "New mailbox", values,
            Set.of(), Map.of(), null, values.get("type"), editable(), null), csrf(r, s))));
      }
    } else if (path.startsWith("/mailboxes/")) {
      mailboxRoute(r, s, path.substring("/mailboxes/".length()), post);
    } else if (path.equals("/oauth-clients") && !post) {
      String flash = s.flash;
      s.flash = null;
      r.html(200, page(r, s, "OAuth Clients", ClientsPage.render(r.base(), ClientsPage.collect(registry.mailboxes(),
          registry.tokenStore()), editable(), flash)));
    } else if (path.equals("/oauth-clients/new")) {
      if (post) {
        saveClient(r, s, null);
      } else {
        r.html(200, page(r, s, "New OAuth client", ClientPage.render(r.base(), clientView(null, Map.of("grant",
            "REFRESH_TOKEN"), Map.of(), Set.of(), null), csrf(r, s))));
      }
    } else if (path.startsWith("/oauth-clients/")) {
      clientRoute(r, s, path.substring("/oauth-clients/".length()), post);
    } else if (path.equals(CALLBACK + "/finish") && !post) {
      finishValidation(r, s);
    } else if (outbox != null && (path.equals("/outbox") || path.startsWith("/outbox/"))) {
      outbox.handle(r, s, path, post, this::page);
    } else {
      r.text(404, "Not found.");
    }
  }

  private void mailboxRoute(Request r, Sessions.Session s, String rest, boolean post) throws IOException {
    String[] parts = rest.split("/", -1);
    String id = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
    Mailbox m = registry.mailboxes().stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
    if (m == null) {
      r.text(404, "No mailbox with this id.");
      return;
    }
    String action = parts.length > 1 ? parts[1] : "";
    if (action.isEmpty() && !post) {
      r.html(200, page(r, s, m.name(), mailboxForm(r, view(m, Forms.MAILBOX.values(m), Map.of(), null), csrf(r, s))));
    } else if (action.isEmpty()) {
      save(r, s, m);
    } else if (action.equals("check") && post) {
      CheckResult result = m.type() == MailboxType.OUT ? registry.outgoing(id).check()
          : CheckResult.failed(TransportException.Stage.CONFIG,
              "an IN mailbox receives mail; Check tests OUT mailboxes", Duration.ZERO);
      checks.put(m, result);
      r.html(200, page(r, s, m.name(), mailboxForm(r, view(m, Forms.MAILBOX.values(m), Map.of(), result), csrf(r, s))));
    } else if (action.equals("delete") && post) {
      try {
        registry.delete(id);
      } catch (MailboxConfigException | MailboxStoreException e) {
        r.html(409,
            page(r, s, m.name(), mailboxForm(r, view(m, Forms.MAILBOX.values(m), Map.of("", messageOf(e)), null),
                csrf(r, s))));
        return;
      }
      checks.forget(id);
      grid(r, s, "Mailbox " + id + " deleted.");
    } else {
      r.text(404, "Not found.");
    }
  }

  private void save(Request r, Sessions.Session s, @Nullable Mailbox existing) throws IOException {
    if (!editable()) {
      r.text(403, "Refused: " + readOnlyWhy());
      return;
    }
    Map<String, String> posted = r.form();
    MailboxForm.Outcome o;
    Mailbox current = null;
    List<String> changes = null;
    synchronized (saving) {
      if (existing != null) {
        current = registry.mailboxes().stream().filter(x -> x.id().equals(existing.id())).findFirst().orElse(null);
        if (current == null) {
          r.text(404, "No mailbox with this id: it was deleted.");
          return;
        }
        String read = posted.getOrDefault(VERSION, "");
        if (!versions.of(current).equals(read)) {
          changes = versions.changes(read, current);
        }
      }
      o = changes != null ? null : form.submit(posted, current, registry, ClientsPage.byName(registry.mailboxes()));
    }
    if (changes != null && current != null) {
      Map<String, String> values = new LinkedHashMap<>();
      posted.forEach((k, v) -> {
        FormLayout.Field f = layout.field(k);
        if (f != null && !f.setting().secret()) {
          values.put(k, v);
        }
      });
      String problem = "Someone saved this mailbox after you opened it; your changes are below, not saved. "
          + (changes.isEmpty() ? "Go back to the grid to see it as it is now."
              : "What changed: " + String.join("; ", changes) + ". Save again to replace it with what is below.");
      FormPage.View v = new FormPage.View(current.id(), current.name(), values, Forms.MAILBOX.secrets(current).keySet(),
          Map.of("", problem), null, values.getOrDefault("type", current.type().name()), true, versions.of(current));
      r.html(409, page(r, s, v.title(), mailboxForm(r, v, csrf(r, s))));
      return;
    }
    Objects.requireNonNull(o, "a save without a conflict has an outcome");
    if (o.saved() != null) {
      checks.forget(o.saved().id());
      o.undefaulted().ifPresent(x -> checks.forget(x));
      s.flash = "Mailbox " + o.saved().id() + " saved." + o.undefaulted().map(x -> " It is the default outgoing "
          + "mailbox now, instead of " + x + ".").orElse("") + (o.dropped().isEmpty() ? ""
              : " The stored " + MailboxForm.labels(o.dropped()) + " " + (o.dropped().size() == 1 ? "was" : "were")
                  + " removed because " + MailboxForm.labels(o.moved()) + " changed: type "
                  + (o.dropped().size() == 1 ? "it" : "them") + " again to use "
                  + (o.dropped().size() == 1 ? "it" : "them") + " with the new server.");
      r.redirect("/");
      return;
    }
    String type = o.values().getOrDefault("type", "OUT");
    FormPage.View v = current == null
        ? new FormPage.View(null, "New mailbox", o.values(), Set.of(), o.errors(), null, type, true, null)
        : new FormPage.View(current.id(), current.name(), o.values(), Forms.MAILBOX.secrets(current).keySet(),
            o.errors(), null,
            type, true, versions.of(current));
    r.html(422, page(r, s, v.title(), mailboxForm(r, v, csrf(r, s))));
  }

  static final String CALLBACK = "/oauth/callback";

  private String mailboxForm(Request r, FormPage.View v, String csrf) {
    return FormPage.render(r.base(), layout, v, csrf, List.copyOf(ClientsPage.byName(registry.mailboxes()).keySet()));
  }

  private void clientRoute(Request r, Sessions.Session s, String rest, boolean post) throws IOException {
    String[] parts = rest.split("/", -1);
    String name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
    OAuthClient c = ClientsPage.byName(registry.mailboxes()).get(name);
    if (c == null) {
      r.text(404, "No OAuth client with this name.");
      return;
    }
    String action = parts.length > 1 ? parts[1] : "";
    if (action.isEmpty() && !post) {
      String flash = s.flash;
      s.flash = null;
      r.html(200, page(r, s, c.name(), ClientPage.render(r.base(), clientView(c, ClientForm.values(c), Map.of(),
          usersOf(name), flash), csrf(r, s))));
    } else if (action.isEmpty()) {
      saveClient(r, s, c);
    } else if (action.equals("delete") && post) {
      if (!editable()) {
        r.text(403, "Refused: " + readOnlyWhy());
        return;
      }
      String problem = ClientForm.delete(name, registry);
      if (problem != null) {
        r.html(409,
            page(r, s, c.name(), ClientPage.render(r.base(), clientView(c, ClientForm.values(c), Map.of("", problem),
                usersOf(name), null), csrf(r, s))));
        return;
      }
      validations.forget(name);
      s.flash = "OAuth client " + name + " deleted: the mailboxes that used it have none now.";
      r.redirect("/oauth-clients");
    } else if (action.equals("validate") && post) {
      URI go;
      try {
        URI callback = URI
            .create((options.secureCookies ? "https" : r.scheme()) + "://" + r.header("Host").orElse("127.0.0.1")
                + r.base() + CALLBACK);
        go = validations.start(c, callback, s.user);
      } catch (MailException e) {
        clientProblem(r, s, c, messageOf(e));
        return;
      }
      // a page, not a redirect: the form-action policy allows a form to lead only to the console itself
      r.html(200, page(r, s, c.name(), "<p>Signing in at the provider… <a id=\"go\" data-go"
          + new Html().attr("href", go.toString()) + ">Continue to the provider</a></p>"));
    } else if (action.equals("validate-device") && post) {
      try {
        validations.startDevice(c, s.user);
      } catch (MailException e) {
        clientProblem(r, s, c, messageOf(e));
        return;
      }
      r.redirect("/oauth-clients/" + GridPage.path(name));
    } else {
      r.text(404, "Not found.");
    }
  }

  private void clientProblem(Request r, Sessions.Session s, OAuthClient c, String problem) throws IOException {
    r.html(422, page(r, s, c.name(), ClientPage.render(r.base(), clientView(c, ClientForm.values(c),
        Map.of("", "Not validated: " + problem), usersOf(c.name()), null), csrf(r, s))));
  }

  private void finishValidation(Request r, Sessions.Session s) throws IOException {
    Map<String, String> params;
    try {
      params = Request.decode(r.rawQuery());
    } catch (RuntimeException e) {
      r.text(400, "Bad request: the callback's query is not valid URL encoding.");
      return;
    }
    Optional<String> client = validations.clientOf(params.get("state"));
    try {
      ClientValidations.Status status = validations.complete(params);
      s.flash = status.done() != null ? "OAuth client " + client.orElse("") + " validated." : null;
    } catch (MailException e) {
      r.html(400,
          page(r, s, "Validation", "<p class=\"error\" id=\"validation-error\">" + new Html().text(e.getMessage())
              + "</p>"));
      return;
    }
    r.redirect(client.map(c -> "/oauth-clients/" + GridPage.path(c)).orElse("/oauth-clients"));
  }

  private Set<String> usersOf(String name) {
    Set<String> out = new java.util.LinkedHashSet<>();
    registry.mailboxes()
        .forEach(m -> m.oauthClient().filter(c -> c.name().equals(name)).ifPresent(c -> out.add(m.id())));
    return out;
  }

  private Map<String, String> clientVersionValues(OAuthClient c) {
    Map<String, String> v = new LinkedHashMap<>(Forms.CLIENT.values(c));
    v.put(ClientForm.USED_BY, String.join(", ", usersOf(c.name())));
    return v;
  }

  private ClientPage.View clientView(@Nullable OAuthClient c, Map<String, String> values, Map<String, String> errors,
      Set<String> users, @Nullable String notice) {
    List<String> out = registry.mailboxes().stream().filter(m -> m.type() == MailboxType.OUT).map(Mailbox::id).toList();
    if (c == null) {
      return new ClientPage.View(null, values, Set.of(), errors, users, out, null, editable(), null, Optional.empty(),
          "",
          notice);
    }
    String token = ClientsPage.collect(registry.mailboxes(), registry.tokenStore()).stream()
        .filter(x -> x.client().name().equals(c.name())).map(ClientsPage.Client::refreshToken).findFirst().orElse("");
    return new ClientPage.View(c.name(), values, Forms.CLIENT.secrets(c).keySet(), errors, users, out, c.grant(),
        editable(),
        versions.of(clientVersionValues(c), Forms.CLIENT.secrets(c)), validations.status(c.name()), token, notice);
  }

  private void saveClient(Request r, Sessions.Session s, @Nullable OAuthClient existing) throws IOException {
    if (!editable()) {
      r.text(403, "Refused: " + readOnlyWhy());
      return;
    }
    Map<String, String> posted = r.form();
    ClientForm.Outcome o = null;
    OAuthClient current = null;
    List<String> changes = null;
    synchronized (saving) {
      if (existing != null) {
        current = ClientsPage.byName(registry.mailboxes()).get(existing.name());
        if (current == null) {
          r.text(404, "No OAuth client with this name: it was deleted.");
          return;
        }
        String read = posted.getOrDefault(VERSION, "");
        if (!versions.of(clientVersionValues(current), Forms.CLIENT.secrets(current)).equals(read)) {
          changes = versions.changes(read, clientVersionValues(current), Forms.CLIENT.secrets(current));
        }
      }
      if (changes == null) {
        o = ClientForm.submit(posted, current, registry, ClientsPage.byName(registry.mailboxes()));
      }
    }
    if (changes != null && current != null) {
      Map<String, String> values = new LinkedHashMap<>();
      OAuthClient.textForm().fields().stream().filter(f -> !f.secret())
          .forEach(f -> values.put(f.name(), posted.getOrDefault(f.name(), "")));
      Set<String> ticked = new java.util.LinkedHashSet<>();
      posted.keySet().stream().filter(k -> k.startsWith(ClientForm.USE))
          .forEach(k -> ticked.add(k.substring(ClientForm.USE.length())));
      String problem = "Someone saved this OAuth client after you opened it; your changes are below, not saved. "
          + (changes.isEmpty() ? "Go back to the OAuth clients to see it as it is now."
              : "What changed: " + String.join("; ", changes) + ". Save again to replace it with what is below.");
      r.html(409,
          page(r, s, current.name(), ClientPage.render(r.base(), clientView(current, values, Map.of("", problem),
              ticked, null), csrf(r, s))));
      return;
    }
    Objects.requireNonNull(o, "a save without a conflict has an outcome");
    if (o.saved() != null) {
      if (!o.moved().isEmpty()) {
        validations.forget(o.saved().name());
      }
      s.flash = "OAuth client " + o.saved().name() + " saved; used by " + String.join(", ", o.users()) + "."
          + (o.dropped().isEmpty() ? "" : " The stored " + MailboxForm.labels(ClientForm.labels(o.dropped()))
              + (o.dropped().size() == 1 ? " was" : " were") + " removed because "
              + MailboxForm.labels(ClientForm.labels(o.moved())) + " changed: type "
              + (o.dropped().size() == 1 ? "it" : "them") + " again to use " + (o.dropped().size() == 1 ? "it" : "them")
              + " with the new server.");
      r.redirect("/oauth-clients/" + GridPage.path(o.saved().name()));
      return;
    }
    r.html(422, page(r, s, existing == null ? "New OAuth client" : existing.name(), ClientPage.render(r.base(),
        clientView(current, o.values(), o.errors(), o.users(), null), csrf(r, s))));
  }

  private FormPage.View view(Mailbox m, Map<String, String> values, Map<String, String> errors,
      @Nullable CheckResult check) {
    return new FormPage.View(m.id(), m.name(), values, Forms.MAILBOX.secrets(m).keySet(), errors, check,
        m.type().name(), editable(),
        versions.of(m));
  }

  private void grid(Request r, Sessions.Session s, @Nullable String notice) throws IOException {
    String flash = s.flash;
    s.flash = null;
    String note = notice != null ? notice : flash;
    r.html(200, page(r, s, "Mailboxes",
        GridPage.render(r.base(), registry.mailboxes(), checks, editable(), readOnlyWhy(), note)));
  }

  /** {@return the token the forms carry: the host's when it checks CSRF, else the session's} */
  static String csrf(Request r, Sessions.Session s) {
    return r.hostCsrf != null ? r.hostCsrf : s.csrf;
  }

  private String page(Request r, Sessions.Session s, String title, String content) {
    return Layout.page(r.base(), title, s.user, hostAuthenticates ? null : s.csrf, outbox != null, content);
  }

  private boolean editable() {
    return registry.store().map(st -> !st.readOnly()).orElse(false);
  }

  private String readOnlyWhy() {
    Optional<MailboxStore> store = registry.store();
    return store.isEmpty() ? "These mailboxes were given to the registry in code and cannot be changed here."
        : "These mailboxes come from a read-only store" + describe(store.get()) + "; they cannot be changed here.";
  }

  /** {@return the store as a person reads it: " (the properties file /etc/outmail.properties)"} */
  static String describe(MailboxStore store) {
    String text = store.toString();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[\\w.$]+[{\\[](.+)[}\\]]$").matcher(text);
    String inner = m.matches() ? m.group(1) : text;
    return inner.isBlank() || (inner.contains("@") && inner.equals(text)) ? "" : " (" + inner + ")";
  }

  /** {@return the exception's message, or its class when it has none: a page always says something} */
  private static String messageOf(RuntimeException e) {
    String message = e.getMessage();
    return message != null ? message : e.getClass().getSimpleName();
  }

  private Optional<Sessions.Session> session(Request r, boolean post) {
    Optional<Sessions.Session> s = sessions.find(r.cookie(Sessions.COOKIE).orElse(null));
    if (!hostAuthenticates) {
      if (s.isPresent() || !options.withoutLogin || post) {
        return s;
      }
      return Optional.of(open(r, "local"));
    }
    // the host authenticated this request: the session only carries the CSRF token of the host's user
    String user = r.remoteUser().orElse("administrator");
    if (s.isPresent() && s.get().user.equals(user)) {
      return s;
    }
    return post ? Optional.empty() : Optional.of(open(r, user));
  }

  private Sessions.Session open(Request r, String user) {
    Sessions.Session opened = sessions.open(user);
    r.setCookie(Sessions.COOKIE, opened.id, sessions.maxAgeSeconds());
    return opened;
  }

  private void login(Request r, boolean post) throws IOException {
    if (options.withoutLogin || hostAuthenticates) {
      r.redirect("/");
      return;
    }
    if (!post) {
      // a second GET (another tab, a reload) keeps the token of the first, so neither form goes stale
      String token = r.cookie(LOGIN_COOKIE).filter(t -> t.matches("[A-Za-z0-9_-]{43}")).orElseGet(Sessions::token);
      r.setCookie(LOGIN_COOKIE, token, 600);
      r.html(200, LoginPage.render(r.base(), token, null, null));
      return;
    }
    Map<String, String> f = r.form();
    String cookieToken = r.cookie(LOGIN_COOKIE).orElse("");
    String formToken = f.getOrDefault("_login", "");
    if (cookieToken.isEmpty() || !java.security.MessageDigest.isEqual(Users.utf8(cookieToken), Users.utf8(formToken))) {
      r.text(403, CSRF_REFUSED);
      return;
    }
    String user = f.getOrDefault("user", "");
    String address = r.remoteAddress();
    Duration wait = throttle.wait(address);
    String next = Sessions.token();
    if (!wait.isZero()) {
      r.setCookie(LOGIN_COOKIE, next, 600);
      r.html(429, LoginPage.render(r.base(), next, user, "Too many failed logins; try again in "
          + Math.max(1, (wait.toMillis() + 999) / 1000) + " s."));
      return;
    }
    if (!users.check(user, f.getOrDefault("password", ""))) {
      throttle.failed(address);
      LOG.warn("console: failed login for '{}' from {}", user.replaceAll("\\p{Cntrl}", "?"), address);
      r.setCookie(LOGIN_COOKIE, next, 600);
      r.html(401, LoginPage.render(r.base(), next, user, "Wrong user name or password."));
      return;
    }
    throttle.succeeded(address);
    r.cookie(Sessions.COOKIE).ifPresent(sessions::close);
    Sessions.Session s = sessions.open(user);
    r.setCookie(LOGIN_COOKIE, "", 0);
    r.setCookie(Sessions.COOKIE, s.id, sessions.maxAgeSeconds());
    r.redirect("/");
  }

  private void staticFile(Request r, String name) throws IOException {
    String type = name.equals("console.css") ? "text/css; charset=utf-8"
        : name.equals("console.js") ? "text/javascript; charset=utf-8" : null;
    if (type == null) {
      r.text(404, "Not found.");
      return;
    }
    try (InputStream in = ConsoleServer.class.getResourceAsStream(name)) {
      if (in == null) {
        r.text(404, "Not found.");
        return;
      }
      r.send(200, type, in.readAllBytes());
    }
  }
}
