package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Mailbox;
import org.outmail.MailboxStore;
import org.outmail.Secret;

/**
 * The SMTP transport's SOCKS5 proxy in the mailbox form, spoken to over plain HTTP: its password a
 * write-only password field, stored as a secret, dropped when the proxy changes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyFieldsTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String FIELD = "smtp.proxy-password";
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final MailboxStore store = MailboxStore.inMemory();
  private OutmailConsole console;
  private String cookies;

  @BeforeEach
  void start() throws Exception {
    console = OutmailConsole.start(store, ConsoleOptions.builder().user("admin", Secret.of(PASSWORD)).build());
    HttpResponse<String> page = get("/login");
    String loginCookie = "outmail_login=" + value(cookie(page, "outmail_login"));
    cookies = loginCookie;
    HttpResponse<String> in = post("/login", Map.of("_login", hidden(page.body(), "_login"), "user", "admin",
        "password", PASSWORD));
    assertThat(in.statusCode()).isEqualTo(303);
    cookies = Sessions.COOKIE + "=" + value(cookie(in, Sessions.COOKIE));
  }

  @AfterEach
  void stop() {
    console.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(console.uri().resolve(path));
    if (cookies != null) {
      b.header("Cookie", cookies);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(console.uri().resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookies != null) {
      b.header("Cookie", cookies);
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

  /** The HTML of one field of the form: from its label to the next field. */
  private static String field(String page, String key) {
    int at = page.indexOf("for=\"f-" + key + "\"");
    assertThat(at).as("field %s in the form", key).isGreaterThan(0);
    int next = page.indexOf("<label for=\"f-", at + 1);
    return page.substring(at, next < 0 ? page.length() : next);
  }

  private static Map<String, String> desk(String csrf, String proxy, String proxyPassword) {
    Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", csrf, "id", "desk", "type", "OUT",
        "protocol", "smtp", "name", "Desk", "email-display", "desk@example.com", "host", "smtp.example.com",
        "smtp.proxy", proxy, "smtp.proxy-user", "svc-proxy"));
    form.put(FIELD, proxyPassword);
    return form;
  }

  @Test
  void theSocksProxyPasswordIsAWriteOnlyPasswordFieldStoredAsASecretAndDroppedWhenTheProxyChanges() throws Exception {
    String empty = get("/mailboxes/new").body();
    assertThat(field(empty, "smtp.proxy")).contains("name=\"smtp.proxy\"").contains("socks5://");
    assertThat(field(empty, "smtp.no-proxy")).contains("localhost,127.0.0.1,::1");
    assertThat(field(empty, FIELD))
        .contains("<input type=\"password\"", "name=\"" + FIELD + "\"", "placeholder=\"not set\"")
        .doesNotContain("<textarea");

    HttpResponse<String> saved = post("/mailboxes/new", desk(hidden(empty, "_csrf"), "socks5://socks.example.com:1080",
        " Pr0xy pw "));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
    Mailbox m = store.get("desk").orElseThrow();
    assertThat(Mailbox.textForm().secrets(m).get(FIELD).value()).isEqualTo(" Pr0xy pw "); // a password exactly as typed
    assertThat(Mailbox.textForm().values(m)).doesNotContainKey(FIELD).containsEntry("smtp.proxy",
        "socks5://socks.example.com:1080");

    String shown = get("/mailboxes/desk").body();
    assertThat(shown).doesNotContain("Pr0xy pw");
    assertThat(field(shown, FIELD)).contains("placeholder=\"stored; leave blank to keep it\"");

    // another proxy: the stored password would go to it, so it is dropped unless typed again
    Map<String, String> moved = desk(hidden(shown, "_csrf"), "socks5://other.example.com:1080", "");
    moved.put("_version", hidden(shown, "_version"));
    HttpResponse<String> again = post("/mailboxes/desk", moved);
    assertThat(again.statusCode()).isEqualTo(422);
    assertThat(Mailbox.textForm().values(store.get("desk").orElseThrow())).containsEntry("smtp.proxy",
        "socks5://socks.example.com:1080");
  }

  @Test
  void aBadProxyIsRefusedNamingTheField() throws Exception {
    String empty = get("/mailboxes/new").body();
    HttpResponse<String> r = post("/mailboxes/new",
        desk(hidden(empty, "_csrf"), "http://proxy.example.com:3128", "pw"));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("must start with socks5://");
    assertThat(store.get("desk")).isEmpty();
  }
}
