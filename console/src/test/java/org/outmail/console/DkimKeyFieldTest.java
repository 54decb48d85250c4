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
import org.outmail.smtp.DkimKeyPair;

/**
 * The SMTP transport's DKIM key in the mailbox form, spoken to over plain HTTP: a write-only text
 * area that takes a pasted PEM, stored as a secret, kept when the host changes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DkimKeyFieldTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String KEY_FIELD = "smtp.dkim.private-key";
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final MailboxStore store = MailboxStore.inMemory();
  private final String pem = DkimKeyPair.generate("rsa-sha256").privateKeyPem();
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

  private Map<String, String> desk(String csrf, String host, String key) {
    Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", csrf, "id", "desk", "type", "OUT",
        "protocol", "smtp", "name", "Desk", "email-display", "desk@example.com", "host", host,
        "smtp.dkim.domain", "example.com", "smtp.dkim.selector", "s1"));
    form.put(KEY_FIELD, key);
    return form;
  }

  @Test
  void theDkimKeyIsAWriteOnlyTextAreaThatTakesAPastedPemAndIsKeptWhenTheHostChanges() throws Exception {
    String empty = get("/mailboxes/new").body();
    String keyField = field(empty, KEY_FIELD);
    assertThat(keyField).contains("<textarea", "name=\"" + KEY_FIELD + "\"", "placeholder=\"not set\"")
        .contains("unencrypted. Write-only: never shown; leave blank to keep it.")
        .doesNotContain("${");

    // a browser sends a text area's lines with CRLF
    HttpResponse<String> saved = post("/mailboxes/new", desk(hidden(empty, "_csrf"), "smtp.example.com",
        pem.replace("\n", "\r\n")));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
    Mailbox m = store.get("desk").orElseThrow();
    assertThat(Forms.MAILBOX.secrets(m).get(KEY_FIELD).value().replace("\r\n", "\n")).isEqualTo(pem.strip());
    assertThat(Forms.MAILBOX.values(m)).doesNotContainKey(KEY_FIELD).containsEntry("smtp.dkim.selector", "s1");

    String shown = get("/mailboxes/desk").body();
    String body = pem.lines().skip(1).findFirst().orElseThrow();
    assertThat(shown).doesNotContain(body).doesNotContain("PRIVATE KEY-----");
    assertThat(field(shown, KEY_FIELD)).contains("placeholder=\"stored; leave blank to keep it\"")
        .contains("remove the stored value").doesNotContain("Removed when");

    // another host: the password would be dropped, the DKIM key (never sent to a server) stays
    Map<String, String> moved = desk(hidden(shown, "_csrf"), "smtp2.example.com", "");
    moved.put("_version", hidden(shown, "_version"));
    HttpResponse<String> again = post("/mailboxes/desk", moved);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(303);
    Mailbox after = store.get("desk").orElseThrow();
    assertThat(after.host()).contains("smtp2.example.com");
    assertThat(Forms.MAILBOX.secrets(after).get(KEY_FIELD)).isEqualTo(Forms.MAILBOX.secrets(m).get(KEY_FIELD));
  }

  @Test
  void aReferenceIsRefusedForTheDkimKeyAsForAPassword() throws Exception {
    String empty = get("/mailboxes/new").body();
    HttpResponse<String> r = post("/mailboxes/new", desk(hidden(empty, "_csrf"), "smtp.example.com",
        "${file:/etc/passwd}"));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("<p class=\"error\" id=\"error-" + KEY_FIELD + "\">references such as ${env:...} and "
        + "${file:...} are not accepted from the console; type the secret itself</p>");
    assertThat(store.get("desk")).isEmpty();
  }
}
