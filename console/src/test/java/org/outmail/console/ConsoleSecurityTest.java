package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;

/** The console's defences, spoken to over plain HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleSecurityTest {
  private static final String PASSWORD = "correct horse battery staple";
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final TestClock clock = new TestClock();
  private MailboxRegistry registry;
  private OutmailConsole console;

  @AfterEach
  void stop() {
    if (console != null) {
      console.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private OutmailConsole start(ConsoleOptions.Builder options) {
    registry = MailboxRegistry.builder().store(MailboxStore.inMemory()).build();
    console = OutmailConsole.start(registry, options.clock(clock).build());
    return console;
  }

  private OutmailConsole startWithUser() {
    return start(ConsoleOptions.builder().user("admin", Secret.of(PASSWORD)));
  }

  private HttpResponse<String> get(String path, String cookies) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(console.uri().resolve(path));
    if (cookies != null) {
      b.header("Cookie", cookies);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String cookies, Map<String, String> form, String... headers)
      throws Exception {
    String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(console.uri().resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookies != null) {
      b.header("Cookie", cookies);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
        .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers()));
  }

  private static String value(String setCookie) {
    return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
  }

  private static String hidden(String page, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(page);
    if (!m.find()) {
      throw new AssertionError("no hidden field " + name);
    }
    return m.group(1);
  }

  private HttpResponse<String> login(String password) throws Exception {
    HttpResponse<String> page = get("/login", null);
    String loginCookie = "outmail_login=" + value(cookie(page, "outmail_login"));
    return post("/login", loginCookie, Map.of("_login", hidden(page.body(), "_login"), "user", "admin",
        "password", password));
  }

  /** The session cookie and the page's CSRF token, after a login. */
  private String[] session() throws Exception {
    HttpResponse<String> in = login(PASSWORD);
    assertThat(in.statusCode()).isEqualTo(303);
    String cookies = Sessions.COOKIE + "=" + value(cookie(in, Sessions.COOKIE));
    HttpResponse<String> grid = get("/", cookies);
    return new String[] {cookies, hidden(grid.body(), "_csrf")};
  }

  @Test
  void theConsoleRefusesToStartWithoutCredentials() {
    MailboxRegistry r = MailboxRegistry.builder().store(MailboxStore.inMemory()).build();
    try {
      assertThatThrownBy(() -> OutmailConsole.start(r, ConsoleOptions.builder().build()))
          .isInstanceOf(ConsoleException.class)
          .hasMessage("the console has no user and no default password: give ConsoleOptions.builder().user(name, "
              + "password), or, bound to 127.0.0.1, withoutLogin()");
      assertThatThrownBy(() -> OutmailConsole.start(r, ConsoleOptions.builder().bind("0.0.0.0").withoutLogin().build()))
          .isInstanceOf(ConsoleException.class)
          .hasMessage("the console refuses to run without login on 0.0.0.0, which is not a loopback address; "
              + "give it users, or bind it to 127.0.0.1");
      assertThatThrownBy(() -> ConsoleOptions.builder().user("admin", Secret.of("short")))
          .hasMessage("the console password of 'admin' must be at least 12 characters");
    } finally {
      r.close();
    }
  }

  @Test
  void withoutLoginOnLoopbackTheGridOpensAndFormsStillNeedTheirToken() throws Exception {
    start(ConsoleOptions.builder().withoutLogin());
    assertThat(console.uri().getHost()).isEqualTo("127.0.0.1");

    HttpResponse<String> grid = get("/", null);
    assertThat(grid.statusCode()).isEqualTo(200);
    assertThat(grid.body()).contains("+ Add Mailbox");
    String cookies = Sessions.COOKIE + "=" + value(cookie(grid, Sessions.COOKIE));
    assertThat(post("/mailboxes/new", cookies, Map.of("id", "a")).statusCode()).isEqualTo(403);
  }

  @Test
  void theSessionCookieIsHttpOnlyAndSameSiteStrictAndEveryAnswerHasACsp() throws Exception {
    startWithUser();
    HttpResponse<String> in = login(PASSWORD);

    assertThat(cookie(in, Sessions.COOKIE))
        .matches("outmail_console=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=1800");
    String cookies = Sessions.COOKIE + "=" + value(cookie(in, Sessions.COOKIE));
    for (HttpResponse<String> r : List.of(in, get("/login", null), get("/", cookies), get("/mailboxes/new", cookies),
        get("/static/console.js", null), get("/nowhere", cookies))) {
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(r.uri().toString()).contains(Request.CSP);
      assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
    }
    assertThat(get("/", null).headers().firstValue("Location")).contains("/login");
  }

  @Test
  void failedLoginsAreSlowedDownEvenForTheRightPassword() throws Exception {
    startWithUser();
    assertThat(login("wrong password one").statusCode()).isEqualTo(401);
    clock.advance(Duration.ofSeconds(1));
    assertThat(login("wrong password two").statusCode()).isEqualTo(401);

    HttpResponse<String> refused = login(PASSWORD);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.body()).contains("Too many failed logins; try again in 2 s.");

    clock.advance(Duration.ofSeconds(2));
    assertThat(login(PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void aLoginFormWithoutItsTokenIsRefused() throws Exception {
    startWithUser();
    HttpResponse<String> r = post("/login", null, Map.of("user", "admin", "password", PASSWORD));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo(ConsoleServer.CSRF_REFUSED);
  }

  @Test
  void theOAuthClientFormsValidateAndDeleteRefuseAPostWithoutTheToken() throws Exception {
    startWithUser();
    registry.save(Mailbox.builder("desk").emailDisplay("desk@example.com").host("127.0.0.1").protocol("smtp")
        .username("desk@example.com").oauthClient(org.outmail.oauth.OAuthClient.builder("idp")
            .grant(org.outmail.oauth.OAuthGrant.REFRESH_TOKEN).clientId("desk-app")
            .clientSecret(Secret.of("idp-secret-value-1")).authorizeEndpoint(URI.create("http://127.0.0.1:9/authorize"))
            .tokenEndpoint(URI.create("http://127.0.0.1:9/token")).scopes("mail.send").build())
        .build());
    String[] s = session();
    long version = registry.version();

    for (String path : List.of("/oauth-clients/new", "/oauth-clients/idp", "/oauth-clients/idp/delete",
        "/oauth-clients/idp/validate", "/oauth-clients/idp/validate-device")) {
      HttpResponse<String> r = post(path, s[0], Map.of("_csrf", "forged", "name", "x", "use.desk", "on"));
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).isEqualTo(ConsoleServer.CSRF_REFUSED);
    }
    assertThat(registry.version()).isEqualTo(version);
    assertThat(get("/oauth-clients/idp", s[0]).body()).contains("id=\"validate\"").doesNotContain("idp-secret-value-1");
    // the provider's redirect comes without the session: a page that changes nothing, then the session is needed
    HttpResponse<String> callback = get("/oauth/callback?code=c&state=s", null);
    assertThat(callback.statusCode()).isEqualTo(200);
    assertThat(callback.body()).contains("href=\"/oauth/callback/finish?code=c&amp;state=s\"");
    assertThat(get("/oauth/callback/finish?code=c&state=s", null).headers().firstValue("Location")).contains("/login");
  }

  @Test
  void aPostFromAnotherSiteIsRefusedEvenWithTheToken() throws Exception {
    startWithUser();
    String[] s = session();
    HttpResponse<String> r = post("/mailboxes/new", s[0], Map.of("_csrf", s[1], "id", "a"),
        "Origin", "http://evil.example");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("Refused: the request comes from another site (http://evil.example).");
    assertThat(registry.mailboxes()).isEmpty();
  }

  @Test
  void aRequestNamingAnotherHostIsRefused() throws Exception {
    startWithUser();
    try (Socket socket = new Socket(console.uri().getHost(), console.uri().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /login HTTP/1.1\r\nHost: rebound.evil.example\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 421");
      assertThat(answer).contains("Refused: the console does not answer to the host name 'rebound.evil.example'.");
    }
  }

  @Test
  void aSecretReferenceIsRefusedFromTheWeb() throws Exception {
    startWithUser();
    String[] s = session();
    HttpResponse<String> r = post("/mailboxes/new", s[0], Map.of("_csrf", s[1], "id", "a", "type", "OUT",
        "protocol", "smtp", "email-display", "a@example.com", "host", "smtp.example.com", "username", "svc",
        "password", "${env:HOME}"));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("<p class=\"error\" id=\"error-password\">references such as ${env:...} and "
        + "${file:...} are not accepted from the console; type the secret itself</p>");
    assertThat(registry.mailboxes()).isEmpty();
  }

  @Test
  void aRegistryOfFixedMailboxesIsShownButNotChanged() throws Exception {
    registry = MailboxRegistry.builder().mailbox(Mailbox.builder("a").emailDisplay("a@example.com")
        .host("smtp.example.com").build()).build();
    console = OutmailConsole.start(registry, ConsoleOptions.builder().user("admin", Secret.of(PASSWORD)).build());
    String[] s = session();

    String grid = get("/", s[0]).body();
    assertThat(grid).doesNotContain("+ Add Mailbox")
        .contains("These mailboxes were given to the registry in code and cannot be changed here.");
    assertThat(get("/mailboxes/a", s[0]).body()).doesNotContain("id=\"save\"").contains("id=\"check\"");
    assertThat(post("/mailboxes/a", s[0], Map.of("_csrf", s[1], "name", "x")).statusCode()).isEqualTo(403);
  }

  @Test
  void aConsoleStartedOverAStoreEditsItAndClosesItsOwnRegistry() throws Exception {
    MailboxStore store = MailboxStore.inMemory();
    console = OutmailConsole.start(store, ConsoleOptions.builder().user("admin", Secret.of(PASSWORD)).build());
    String[] s = session();

    HttpResponse<String> r = post("/mailboxes/new", s[0], Map.of("_csrf", s[1], "id", "desk", "type", "OUT",
        "protocol", "smtp", "name", "Desk", "email-display", "desk@example.com", "host", "smtp.example.com"));
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(store.get("desk")).isPresent();
    console.close();
    console = null;
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void aPostFromTheSameHostOnAnotherPortIsRefused() throws Exception {
    startWithUser();
    String[] s = session();
    String otherPort = "http://127.0.0.1:" + (console.uri().getPort() == 1 ? 2 : 1);

    HttpResponse<String> r = post("/mailboxes/new", s[0], Map.of("_csrf", s[1], "id", "a"), "Origin", otherPort);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("Refused: the request comes from another site (" + otherPort + ").");
    HttpResponse<String> same = post("/mailboxes/new", s[0], Map.of("_csrf", s[1], "id", "a"),
        "Origin", "http://127.0.0.1:" + console.uri().getPort());
    assertThat(same.statusCode()).as("the console's own origin").isEqualTo(422);
  }

  @Test
  void aFormThatIsNotValidUrlEncodingIsABadRequest() throws Exception {
    startWithUser();
    String[] s = session();

    HttpResponse<String> r = http.send(HttpRequest.newBuilder(console.uri().resolve("/mailboxes/new"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", s[0])
        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + s[1] + "&id=%zz")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("Bad request: the form or query is not valid URL encoding.");
  }

  @Test
  void aReadOnlyStoreIsDescribedInWordsOnTheGrid(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("outmail.properties"),
        "outmail.mailbox.a.email-display=a@example.com\noutmail.mailbox.a.host=smtp.example.com\n");
    registry = MailboxRegistry.builder().store(MailboxStore.propertiesFile(file)).build();
    console = OutmailConsole.start(registry, ConsoleOptions.builder().user("admin", Secret.of(PASSWORD)).build());
    String[] s = session();

    assertThat(get("/", s[0]).body()).contains("These mailboxes come from a read-only store (the properties file "
        + file + "); they cannot be changed here.").doesNotContain("MailboxStore{");
  }
}
