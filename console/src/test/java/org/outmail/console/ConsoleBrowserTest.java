package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;
import org.outmail.console.testing.Chromium;

/**
 * The console in a real browser: headless Chromium from Debian's packages, driven by Selenium,
 * against a console over an in-memory store, with GreenMail as the mail server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleBrowserTest {
  static final String USER = "admin";
  static final String PASSWORD = "correct horse battery staple";

  private static WebDriver browser;

  private final Smtp smtp = new Smtp();
  private final TestClock clock = new TestClock();
  private MailboxStore store;
  private MailboxRegistry registry;
  private OutmailConsole console;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1100));
  }

  @AfterAll
  static void stopBrowser() {
    Chromium.quit(browser);
  }

  @BeforeEach
  void startConsole() {
    store = MailboxStore.inMemory();
    registry = MailboxRegistry.builder().store(store).build();
    console = OutmailConsole.start(registry,
        ConsoleOptions.builder().user(USER, Secret.of(PASSWORD)).clock(clock).build());
  }

  @AfterEach
  void stop() {
    console.close();
    registry.close();
    smtp.close();
  }

  private String url(String path) {
    return console.uri().resolve(path).toString();
  }

  private void logIn() {
    browser.get(url("/login"));
    browser.findElement(By.id("user")).sendKeys(USER);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    submit(By.id("login"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Mailboxes");
    assertThat(browser.findElements(By.id("grid"))).hasSize(1);
  }

  private static void type(String name, String text) {
    Chromium.type(browser, name, text);
  }

  private void choose(String name, String value) {
    browser.findElement(By.cssSelector("select[name='" + name + "'] option[value='" + value + "']")).click();
  }

  private void tab(String id) {
    browser.findElement(By.id("tab-" + id)).click();
  }

  private boolean shown(String fieldName) {
    return browser.findElement(By.name(fieldName)).isDisplayed();
  }

  private void save() {
    submit(By.id("save"));
  }

  private static void submit(By button) {
    Chromium.submit(browser, button);
  }

  private String errorOf(String field) {
    return browser.findElement(By.id("error-" + field)).getText();
  }

  private Mailbox smtpBox(String id, int port) {
    return Mailbox.builder(id)
        .name(id.equals("up") ? "Service Desk" : id.equals("down") ? "Sales (server down)" : "Service Desk")
        .emailDisplay(id + "@example.com").host("127.0.0.1").port(port)
        .encryption(Encryption.NONE).protocol("smtp").build();
  }

  private void fillNewSmtpMailbox(String id, String port) {
    submit(By.id("add-mailbox"));
    type("id", id);
    type("name", "Service Desk");
    type("email-display", "support@example.com");
    type("display-name", "Your Service Desk");
    type("host", "127.0.0.1");
    type("port", port);
    choose("encryption", "NONE");
  }

  @Test
  void theConsoleAsksForALoginAndRefusesAWrongPassword() {
    browser.get(url("/"));
    assertThat(browser.getCurrentUrl()).endsWith("/login");

    browser.findElement(By.id("user")).sendKeys(USER);
    browser.findElement(By.id("password")).sendKeys("not the password at all");
    submit(By.id("login"));
    assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("Wrong user name or password.");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    submit(By.id("login"));
    assertThat(browser.findElement(By.id("login-error")).getText())
        .as("right after a failure, even the right password waits")
        .isEqualTo("Too many failed logins; try again in 1 s.");

    clock.advance(java.time.Duration.ofSeconds(1));
    logIn();
    assertThat(browser.findElement(By.cssSelector("header .user")).getText()).isEqualTo(USER);
  }

  @Test
  void anSmtpMailboxAddedThroughTheFormAppearsInTheGrid() throws Exception {
    logIn();
    fillNewSmtpMailbox("support", Integer.toString(smtp.port()));
    tab("system");
    type("prefix", "TICKET#");
    choose("default-outgoing", "true");
    save();

    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox support saved.");
    List<WebElement> cells = browser.findElements(By.cssSelector("#grid tr[data-id='support'] td"));
    assertThat(cells).extracting(WebElement::getText)
        .containsExactly("Service Desk", "OUT", "Enabled", "support@example.com", "SMTP", "Yes", "");
    Mailbox saved = store.get("support").orElseThrow();
    assertThat(saved.prefix()).contains("TICKET#");
    assertThat(saved.port()).isEqualTo(smtp.port());

    registry.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Printer jammed")
        .text("We are on it.").recordId("4711").build());
    assertThat(smtp.subjects()).containsExactly("[TICKET#4711] Printer jammed");
  }

  @Test
  void switchingTheProtocolToOwaChangesTheFields() throws Exception {
    logIn();
    submit(By.id("add-mailbox"));
    assertThat(shown("smtp.max-connections")).isTrue();
    assertThat(shown("username")).isTrue();
    assertThat(shown("password")).isTrue();
    assertThat(shown("owa.send-as")).isFalse();
    assertThat(shown("auth")).isTrue();
    assertThat(shown("oauth-client")).isFalse(); // a password SMTP mailbox shows no OAuth field

    choose("auth", "OAUTH");
    assertThat(shown("oauth-client")).isTrue();
    assertThat(shown("password")).isFalse();
    assertThat(shown("username")).isTrue();
    choose("auth", "PASSWORD");

    choose("protocol", "owa");

    assertThat(shown("smtp.max-connections")).isFalse();
    assertThat(shown("username")).isFalse();
    assertThat(shown("password")).isFalse();
    assertThat(shown("owa.send-as")).isTrue();
    assertThat(shown("owa.save-to-sent-items")).isTrue();
    assertThat(shown("oauth-client")).isTrue();
    assertThat(shown("auth")).isFalse();

    choose("type", "IN");
    assertThat(shown("protocol")).isFalse();
    assertThat(shown("owa.send-as")).isFalse();
    assertThat(shown("oauth-client")).isFalse();
    assertThat(shown("host")).isTrue();
    assertThat(shown("username")).isTrue();
  }

  @Test
  void aBadPortIsShownBesideItsFieldAndNothingIsSaved() throws Exception {
    logIn();
    fillNewSmtpMailbox("support", "99999");
    type("email-display", "not an address");
    long version = store.version();
    save();

    assertThat(errorOf("port")).isEqualTo("must be between 1 and 65535, was 99999");
    assertThat(errorOf("email-display")).startsWith("is not a valid address");
    assertThat(browser.findElement(By.id("errors")).getText()).isEqualTo("Not saved. 2 fields need attention.");
    assertThat(browser.findElement(By.name("port")).getAttribute("value")).isEqualTo("99999");
    assertThat(store.version()).isEqualTo(version);
    assertThat(store.list()).isEmpty();
    screenshot("form.png");
  }

  @Test
  void checkSucceedsAgainstALocalSmtpServerAndFailsWithTheStageShown() throws Exception {
    registry.save(smtpBox("up", smtp.port()));
    registry.save(smtpBox("down", Smtp.closedPort()));
    logIn();

    browser.get(url("/mailboxes/up"));
    submit(By.id("check"));
    WebElement ok = browser.findElement(By.id("check-result"));
    assertThat(ok.getAttribute("class")).contains("ok");
    assertThat(ok.getText()).startsWith("Check succeeded connected to 127.0.0.1:" + smtp.port());

    browser.get(url("/mailboxes/down"));
    submit(By.id("check"));
    WebElement failed = browser.findElement(By.id("check-result"));
    assertThat(failed.getAttribute("class")).contains("failed");
    assertThat(failed.getAttribute("data-stage")).isEqualTo("connect");
    assertThat(failed.findElement(By.tagName("strong")).getText()).isEqualTo("Check failed at stage connect");

    browser.get(url("/"));
    assertThat(browser.findElement(By.cssSelector("tr[data-id='up'] td.check")).getText())
        .startsWith("OK: connected to");
    assertThat(browser.findElement(By.cssSelector("tr[data-id='down'] td.check")).getText())
        .startsWith("Failed at stage connect:");
    screenshot("grid.png");
  }

  @Test
  void anEditTakesEffectForTheVeryNextSend() throws Exception {
    try (Smtp other = new Smtp()) {
      registry.save(smtpBox("support", smtp.port()).toBuilder().defaultOutgoing(true).build());
      registry.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("before").text("x").build());
      logIn();

      submit(By.linkText("Service Desk"));
      type("port", Integer.toString(other.port()));
      type("email-display", "desk@example.com");
      save();
      assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox support saved.");

      registry.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("after").text("x").build());

      assertThat(smtp.subjects()).containsExactly("before");
      assertThat(other.subjects()).containsExactly("after");
      assertThat(other.received().get(0).getFrom()[0].toString()).isEqualTo("desk@example.com");
    }
  }

  @Test
  void hostileNamesAreShownAsTextAndNeverRun() {
    registry.save(smtpBox("a", smtp.port()).toBuilder().name("<script>alert(1)</script>").build());
    registry.save(smtpBox("b", smtp.port()).toBuilder().name("\" onmouseover=\"alert(2)\" x=\"").build());
    logIn();

    assertThat(browser.findElement(By.cssSelector("tr[data-id='a'] td.name")).getText())
        .isEqualTo("<script>alert(1)</script>");
    WebElement link = browser.findElement(By.cssSelector("tr[data-id='b'] td.name a"));
    assertThat(link.getText()).isEqualTo("\" onmouseover=\"alert(2)\" x=\"");
    assertThat(link.getAttribute("onmouseover")).isNull();
    new Actions(browser).moveToElement(link).perform();
    assertNoAlert();
    assertThat(browser.getPageSource()).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)");

    browser.get(url("/mailboxes/b"));
    assertThat(browser.findElement(By.name("name")).getAttribute("value"))
        .isEqualTo("\" onmouseover=\"alert(2)\" x=\"");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("\" onmouseover=\"alert(2)\" x=\"");
    assertNoAlert();
  }

  private void assertNoAlert() {
    try {
      String text = browser.switchTo().alert().getText();
      throw new AssertionError("a script ran and raised an alert: " + text);
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
  }

  @Test
  void aRequestWithoutTheCsrfTokenIsRefused() throws Exception {
    registry.save(smtpBox("support", smtp.port()));
    logIn();
    String session = browser.manage().getCookieNamed(Sessions.COOKIE).getValue();
    HttpClient client = HttpClient.newHttpClient();

    HttpResponse<String> without = client.send(HttpRequest.newBuilder(URI.create(url("/mailboxes/support/delete")))
        .header("Cookie", Sessions.COOKIE + "=" + session)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create(url("/mailboxes/support/delete")))
        .header("Cookie", Sessions.COOKIE + "=" + session)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("_csrf=guessed")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(without.statusCode()).isEqualTo(403);
    assertThat(without.body()).isEqualTo(ConsoleServer.CSRF_REFUSED);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(store.get("support")).isPresent();

    // the browser's own form carries the token, and Delete works
    browser.get(url("/mailboxes/support"));
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(By.id("delete")).click();
    browser.switchTo().alert().accept();
    Chromium.awaitGone(browser, page);
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox support deleted.");
    assertThat(store.get("support")).isEmpty();
  }

  @Test
  void aStoredSecretNeverReachesThePageAndBlankKeepsIt() {
    String password = "S3cret-Pa55word-in-store";
    registry.save(smtpBox("support", smtp.port()).toBuilder().username("svc").password(Secret.of(password)).build());
    logIn();

    browser.get(url("/mailboxes/support"));
    assertThat(browser.getPageSource()).doesNotContain(password);
    WebElement field = browser.findElement(By.name("password"));
    assertThat(field.getAttribute("value")).isEmpty();
    assertThat(field.getAttribute("placeholder")).isEqualTo("stored; leave blank to keep it");

    type("display-name", "Desk");
    save();
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox support saved.");
    Mailbox saved = store.get("support").orElseThrow();
    assertThat(saved.displayName()).contains("Desk");
    assertThat(saved.password()).contains(Secret.of(password));

    browser.get(url("/mailboxes/support"));
    type("password", "${file:/etc/passwd}");
    save();
    assertThat(errorOf("password")).isEqualTo(MailboxForm.REFERENCE_REFUSED);
    assertThat(browser.getPageSource()).doesNotContain(password).doesNotContain("${file:/etc/passwd}");
    assertThat(store.get("support").orElseThrow().password()).contains(Secret.of(password));
  }

  @Test
  void aStoredPasswordIsDroppedWhenTheHostChangesSoCheckCannotSendItElsewhere() throws Exception {
    String password = "0ld-Pa55word-for-the-old-server";
    try (ScriptedSmtp elsewhere = new ScriptedSmtp()) {
      registry.save(Mailbox.builder("support").name("Service Desk").emailDisplay("support@example.com")
          .host("smtp.old.example").port(elsewhere.port()).encryption(Encryption.NONE).protocol("smtp")
          .username("svc").password(Secret.of(password)).build());
      logIn();

      browser.get(url("/mailboxes/support"));
      assertThat(browser.findElement(By.cssSelector("[data-field='password'] .moved")).getText())
          .startsWith("Removed when Host, Port, Encryption, Protocol");
      type("host", "127.0.0.1");
      save();

      assertThat(errorOf("password")).isEqualTo("the stored value was removed because Host changed; type it again");
      screenshot("secret-dropped.png");
      assertThat(store.get("support").orElseThrow().host()).contains("smtp.old.example");
      type("password", "N3w-Pa55word-for-the-new-server");
      save();
      assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox support saved.");
      browser.get(url("/mailboxes/support"));
      submit(By.id("check"));
      assertThat(browser.findElement(By.id("check-result")).getAttribute("class")).contains("ok");

      String wire = String.join("\n", elsewhere.lines());
      String plain = java.util.Base64.getEncoder().encodeToString(("\0svc\0" + password).getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
      String login = java.util.Base64.getEncoder().encodeToString(password.getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
      assertThat(wire).as("Check reached the new server with the new password").contains(
          java.util.Base64.getEncoder().encodeToString("\0svc\0N3w-Pa55word-for-the-new-server".getBytes(
              java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(wire).doesNotContain(plain).doesNotContain(login).doesNotContain(password);
    }
  }

  @Test
  void aSaveFromAFormReadBeforeAnotherAdministratorsSaveIsRefusedShowingWhatChanged() throws Exception {
    registry.save(smtpBox("sales", smtp.port()));
    logIn();
    browser.get(url("/mailboxes/sales"));
    WebDriver first = browser;
    WebDriver second = Chromium.start(Chromium.freshProfile());
    try {
      browser = second;
      logIn();
      browser.get(url("/mailboxes/sales"));
      type("display-name", "Sales Team");
      save();
      assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox sales saved.");
    } finally {
      browser = first;
      second.quit();
    }

    tab("system");
    type("prefix", "SALES#");
    save();

    assertThat(browser.findElement(By.cssSelector("#errors .error")).getText()).startsWith("Someone saved this "
        + "mailbox after you opened it; your changes are below, not saved. What changed: Display Name was empty, "
        + "is now 'Sales Team'; ").endsWith("Save again to replace it with what is below.");
    Mailbox stored = store.get("sales").orElseThrow();
    assertThat(stored.displayName()).contains("Sales Team");
    assertThat(stored.prefix()).isEmpty();
    assertThat(browser.findElement(By.name("prefix")).getAttribute("value")).isEqualTo("SALES#");
    screenshot("stale-save.png");

    save(); // seen what changed: replace it
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox sales saved.");
    assertThat(store.get("sales").orElseThrow().prefix()).contains("SALES#");
  }

  @Test
  void makingAnotherMailboxTheDefaultTakesOneSave() throws Exception {
    registry.save(smtpBox("support", smtp.port()).toBuilder().defaultOutgoing(true).build());
    registry.save(smtpBox("sales", smtp.port()));
    long before = store.version();
    List<Long> defaultsSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    store.onChange(() -> defaultsSeen.add(store.list().stream().filter(Mailbox::defaultOutgoing).count()));
    logIn();

    browser.get(url("/mailboxes/sales"));
    tab("system");
    choose("default-outgoing", "true");
    save();

    assertThat(store.version()).isEqualTo(before + 1); // one change
    assertThat(defaultsSeen).containsExactly(1L);

    assertThat(browser.findElement(By.id("notice")).getText())
        .isEqualTo("Mailbox sales saved. It is the default outgoing mailbox now, instead of support.");
    assertThat(store.get("sales").orElseThrow().defaultOutgoing()).isTrue();
    assertThat(store.get("support").orElseThrow().defaultOutgoing()).isFalse();
    assertThat(registry.defaultOutgoing().mailbox().id()).isEqualTo("sales");
  }

  @Test
  void dropDownsShowLabelsAndProtocolComesFirst() throws Exception {
    registry.save(smtpBox("support", smtp.port()));
    logIn();
    browser.get(url("/mailboxes/support"));

    assertThat(browser.findElements(By.cssSelector("select[name='encryption'] option"))).extracting(WebElement::getText)
        .contains("SSL/TLS", "STARTTLS", "None (plain text)");
    tab("system");
    assertThat(browser.findElements(By.cssSelector("select[name='allowed-emails'] option")))
        .extracting(WebElement::getText).containsExactly("Any address", "Registered users only");
    tab("general");
    assertThat(browser.findElement(By.cssSelector("[data-tab-panel='general'] .field")).getAttribute("data-field"))
        .isEqualTo("protocol");
  }

  /** Saves a picture of the page under target/screenshots, and under docs/ when -Doutmail.screenshots=docs. */
  static void screenshot(String name) throws IOException {
    screenshot(browser, name);
  }

  /** Saves a picture of the browser's page, as {@link #screenshot(String)} does. */
  static void screenshot(WebDriver browser, String name) throws IOException {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", "screenshots");
    Files.createDirectories(target);
    Files.copy(shot, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    if ("docs".equals(System.getProperty("outmail.screenshots"))) {
      Files.createDirectories(Path.of("docs"));
      Files.copy(shot, Path.of("docs", name), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
