package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;
import org.outmail.console.testing.Chromium;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.TokenStore;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * OAuth clients as objects of their own in headless Chromium: the client form (create, edit, stale
 * save, write-only secrets dropped when the token endpoint changes, delete), a mailbox picking a
 * client, and Validate against a real authorization server on 127.0.0.1, in the browser
 * (authorization code with PKCE, back to the console's callback) and with a device code.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OAuthClientFormTest {
  private static final String CLIENT_SECRET = "idp-client-secret-value-1";
  private static WebDriver browser;

  private final AuthorizationServer server = AuthorizationServer.start()
      .registerClient("desk-app", CLIENT_SECRET, "http://127.0.0.1/oauth/callback")
      .signIn("support@contoso.example").deviceInterval(1).accessTokenSeconds(3600);
  private final TokenStore tokens = TokenStore.inMemory();
  private MailboxStore store;
  private MailboxRegistry registry;
  private OutmailConsole console;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1400));
  }

  @AfterAll
  static void stopBrowser() {
    Chromium.quit(browser);
  }

  @BeforeEach
  void start() {
    store = MailboxStore.inMemory();
    registry = MailboxRegistry.builder().store(store).tokenStore(tokens).build();
    registry
        .save(mailbox("support").username("support@contoso.example").password(Secret.of("support-password")).build());
    registry.save(mailbox("sales").username("sales@contoso.example").password(Secret.of("sales-password")).build());
    registry.save(mailbox("legacy").username("legacy").password(Secret.of("legacy-password")).build());
    console = OutmailConsole.start(registry, ConsoleOptions.builder()
        .user(ConsoleBrowserTest.USER, Secret.of(ConsoleBrowserTest.PASSWORD)).build());
    browser.manage().deleteAllCookies();
    browser.get(url("/login"));
    browser.findElement(By.id("user")).sendKeys(ConsoleBrowserTest.USER);
    browser.findElement(By.id("password")).sendKeys(ConsoleBrowserTest.PASSWORD);
    submit(By.id("login"));
  }

  @AfterEach
  void stop() {
    console.close();
    registry.close();
    server.close();
  }

  private static Mailbox.Builder mailbox(String id) {
    return Mailbox.builder(id).name(id).emailDisplay(id + "@example.com").host("127.0.0.1").port(2525)
        .encryption(Encryption.NONE).protocol("smtp");
  }

  private OAuthClient idp() {
    return OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("desk-app")
        .clientSecret(Secret.of(CLIENT_SECRET)).authorizeEndpoint(server.authorizeEndpoint())
        .tokenEndpoint(server.tokenEndpoint()).deviceEndpoint(server.deviceEndpoint())
        .scopes("mail.send", "offline_access")
        .build();
  }

  private String url(String path) {
    return console.uri().resolve(path).toString();
  }

  private static void type(String name, String text) {
    Chromium.type(browser, name, text);
  }

  private static void choose(String name, String value) {
    browser.findElement(By.cssSelector("select[name='" + name + "'] option[value='" + value + "']")).click();
  }

  private static void tick(String mailboxId, boolean on) {
    WebElement box = browser.findElement(By.name(ClientForm.USE + mailboxId));
    if (box.isSelected() != on) {
      box.click();
    }
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static void submit(By button) {
    Chromium.submit(browser, button);
  }

  /** Waits until the validation section says {@code state}, reloading when the page reloads itself. */
  private static WebElement awaitValidation(String state) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        WebElement v = browser.findElement(By.id("validation"));
        if (state.equals(v.getAttribute("data-state"))) {
          return v;
        }
      } catch (org.openqa.selenium.WebDriverException reloading) {
        // the page replaced itself meanwhile: stale, not found, or Chromium's "node does not belong to
        // the document" (a plain WebDriverException) while the new page takes over
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("the validation did not become " + state + ": " + browser.getPageSource());
      }
      Chromium.sleep(100);
    }
  }

  @Test
  void aClientIsCreatedForTwoMailboxesInOneChangeWithItsSecretWriteOnly() throws Exception {
    browser.get(url("/oauth-clients"));
    submit(By.id("add-client"));
    type("name", "idp");
    choose("grant", "REFRESH_TOKEN");
    type("client-id", "desk-app");
    type("client-secret", CLIENT_SECRET);
    type("authorize-endpoint", server.authorizeEndpoint().toString());
    type("token-endpoint", server.tokenEndpoint().toString());
    type("scopes", "mail.send offline_access");
    tick("support", true);
    tick("sales", true);
    assertThat(browser.findElements(By.name(ClientForm.USE + "legacy"))).hasSize(1);
    long before = store.version();
    List<Long> usersSeen = new CopyOnWriteArrayList<>();
    store.onChange(() -> usersSeen.add(store.list().stream().filter(m -> m.oauthClient().isPresent()).count()));
    submit(By.id("save"));

    assertThat(text("notice")).isEqualTo("OAuth client idp saved; used by support, sales.");
    assertThat(store.version()).isEqualTo(before + 1);
    assertThat(usersSeen).containsExactly(2L); // no reader saw one mailbox with the client and one without
    for (String id : List.of("support", "sales")) {
      OAuthClient c = store.get(id).orElseThrow().oauthClient().orElseThrow();
      assertThat(c.name()).isEqualTo("idp");
      assertThat(c.clientSecret().orElseThrow().value()).isEqualTo(CLIENT_SECRET);
      assertThat(c.tokenEndpoint()).isEqualTo(server.tokenEndpoint());
    }
    assertThat(store.get("legacy").orElseThrow().oauthClient()).isEmpty();
    assertThat(browser.getPageSource()).doesNotContain(CLIENT_SECRET);
    assertThat(browser.findElement(By.name("client-secret")).getAttribute("placeholder"))
        .isEqualTo("stored; leave blank to keep it");

    browser.get(url("/oauth-clients"));
    assertThat(browser.findElement(By.cssSelector("#clients tr[data-name='idp'] td:last-child")).getText())
        .isEqualTo("support, sales");
  }

  @Test
  void aSecretTypedAsAFileReferenceIsRefusedAndAClientNeedsAMailbox() throws Exception {
    browser.get(url("/oauth-clients/new"));
    type("name", "idp");
    type("client-id", "desk-app");
    type("client-secret", "${file:/etc/passwd}");
    long before = store.version();
    submit(By.id("save"));

    assertThat(text("error-client-secret")).isEqualTo(MailboxForm.REFERENCE_REFUSED);
    assertThat(text("error-used-by")).isEqualTo("Used by needs at least one mailbox: a client is kept in the"
        + " mailboxes that use it");
    assertThat(store.version()).isEqualTo(before);
  }

  @Test
  void changingTheTokenEndpointDropsTheStoredSecretUnlessTypedAgain() throws Exception {
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder().oauthClient(idp()).build()));
    browser.get(url("/oauth-clients/idp"));
    type("token-endpoint", "http://127.0.0.1:9/elsewhere/token");
    submit(By.id("save"));

    OAuthClient saved = store.get("support").orElseThrow().oauthClient().orElseThrow();
    assertThat(saved.tokenEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9/elsewhere/token"));
    assertThat(saved.clientSecret()).isEmpty(); // the new endpoint never gets the old secret
    assertThat(text("notice")).isEqualTo("OAuth client idp saved; used by support. The stored Client secret was removed"
        + " because Token endpoint changed: type it again to use it with the new server.");
    ConsoleBrowserTest.screenshot(browser, "oauth-client-secret-dropped.png");

    type("token-endpoint", server.tokenEndpoint().toString());
    type("client-secret", CLIENT_SECRET);
    submit(By.id("save"));
    assertThat(store.get("support").orElseThrow().oauthClient().orElseThrow().clientSecret().orElseThrow().value())
        .isEqualTo(CLIENT_SECRET);
  }

  @Test
  void aValidatedClientCannotMoveToAnotherTokenEndpoint() throws Exception {
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder().oauthClient(idp()).build()));
    tokens.save("idp", Secret.of("refresh-token-of-the-old-server"));
    browser.get(url("/oauth-clients/idp"));
    type("token-endpoint", "http://127.0.0.1:9/elsewhere/token");
    long before = store.version();
    submit(By.id("save"));

    assertThat(text("error-token-endpoint")).startsWith("cannot change: the token store holds a refresh token issued"
        + " for this client by the server it uses now");
    assertThat(store.version()).isEqualTo(before);
    assertThat(browser.getPageSource()).doesNotContain("refresh-token-of-the-old-server");
  }

  @Test
  void aSaveFromAFormReadBeforeAnotherSaveIsRefusedWithWhatChanged() throws Exception {
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder().oauthClient(idp()).build()));
    browser.get(url("/oauth-clients/idp"));
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder()
        .oauthClient(OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("desk-app")
            .clientSecret(Secret.of(CLIENT_SECRET)).authorizeEndpoint(server.authorizeEndpoint())
            .tokenEndpoint(server.tokenEndpoint()).scopes("mail.send").build())
        .build()));
    type("client-id", "other-app");
    submit(By.id("save"));

    assertThat(browser.findElement(By.cssSelector("#errors .error")).getText())
        .startsWith(
            "Someone saved this OAuth client after you opened it; your changes are below, not saved. What changed:")
        .contains("Scopes was 'mail.send,offline_access', is now 'mail.send'");
    assertThat(store.get("support").orElseThrow().oauthClient().orElseThrow().clientId()).isEqualTo("desk-app");
    submit(By.id("save")); // seen what changed: replace it
    assertThat(store.get("support").orElseThrow().oauthClient().orElseThrow().clientId()).isEqualTo("other-app");
  }

  @Test
  void aPasswordMailboxShowsNoOAuthFieldAndPicksAClientFromADropDown() throws Exception {
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder().oauthClient(idp()).build()));
    browser.get(url("/mailboxes/legacy"));
    assertThat(browser.findElement(By.name("auth")).isDisplayed()).isTrue();
    assertThat(browser.findElement(By.name("oauth-client")).isDisplayed()).isFalse();
    assertThat(browser.findElements(By.cssSelector("[name^='oauth-client.']"))).isEmpty();

    choose("auth", "OAUTH");
    assertThat(browser.findElements(By.cssSelector("select[name='oauth-client'] option")))
        .extracting(WebElement::getText)
        .containsExactly("(none)", "idp");
    choose("oauth-client", "idp");
    ConsoleBrowserTest.screenshot(browser, "mailbox-picks-client.png");
    submit(By.id("save"));

    Mailbox legacy = store.get("legacy").orElseThrow();
    assertThat(legacy.oauthClient().orElseThrow().clientSecret().orElseThrow().value()).isEqualTo(CLIENT_SECRET);
    assertThat(legacy.password()).isEmpty();
    browser.get(url("/oauth-clients"));
    assertThat(browser.findElement(By.cssSelector("#clients tr[data-name='idp'] td:last-child")).getText())
        .isEqualTo("support, legacy");
  }

  @Test
  void deletingAClientTakesItFromEveryMailboxThatUsedIt() throws Exception {
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder().oauthClient(idp()).build(),
        store.get("sales").orElseThrow().toBuilder().oauthClient(idp()).build()));
    browser.get(url("/oauth-clients/idp"));
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(By.id("delete")).click();
    browser.switchTo().alert().accept();
    Chromium.awaitGone(browser, page);

    assertThat(text("notice")).isEqualTo("OAuth client idp deleted: the mailboxes that used it have none now.");
    assertThat(store.list()).allSatisfy(m -> assertThat(m.oauthClient()).isEmpty());
    assertThat(store.get("support").orElseThrow().username()).contains("support@contoso.example");
  }

  @Test
  void validateRunsTheAuthorizationCodeFlowInTheBrowserAndSaysWhoWhenAndTheExpiry() throws Exception {
    server.refreshExpiresIn(30 * 86_400);
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder().oauthClient(idp()).build()));
    browser.get(url("/oauth-clients/idp"));
    assertThat(text("refresh-token")).isEqualTo("none: validate the client");

    browser.findElement(By.id("validate")).click();
    WebElement v = awaitValidation("validated");

    assertThat(browser.getCurrentUrl()).isEqualTo(url("/oauth-clients/idp"));
    assertThat(text("notice")).isEqualTo("OAuth client idp validated.");
    assertThat(text("validated-by")).isEqualTo(ConsoleBrowserTest.USER);
    assertThat(text("validated-at")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
    assertThat(text("expires")).matches("The access token expires at .* UTC and is renewed as needed\\. The refresh"
        + " token expires at .* UTC: validate again before then\\.");
    assertThat(server.authorizeRequests()).singleElement().satisfies(q -> {
      assertThat(q.get("code_challenge_method")).isEqualTo("S256");
      assertThat(q.get("redirect_uri")).isEqualTo(url("/oauth/callback"));
    });
    assertThat(server.isActiveRefreshToken(tokens.load("idp").orElseThrow().value())).isTrue();
    assertThat(browser.getPageSource()).doesNotContain(tokens.load("idp").orElseThrow().value());
    assertThat(v.getText()).contains("Scopes granted: mail.send");
    ConsoleBrowserTest.screenshot(browser, "oauth-client-validated.png");

    // the callback again (a reload, or a forged one): the state is used, nothing is stored
    browser.get(url("/oauth/callback?code=forged&state=forged"));
    assertThat(text("validation-error")).startsWith("no validation waits for this state");
  }

  @Test
  void validateWithADeviceCodeShowsTheCodeAndWaitsUntilItIsEntered() throws Exception {
    registry.saveAll(List.of(store.get("support").orElseThrow().toBuilder().oauthClient(idp()).build()));
    browser.get(url("/oauth-clients/idp"));
    submit(By.id("validate-device"));

    awaitValidation("waiting");
    String code = text("user-code");
    assertThat(code).isNotBlank();
    assertThat(browser.findElement(By.id("verification-uri")).getAttribute("href"))
        .isEqualTo(server.base().resolve("device").toString());
    ConsoleBrowserTest.screenshot(browser, "oauth-client-device.png");

    // the administrator enters the code on another device and consents
    assertThat(new Browser().open(server.base().resolve("device?user_code=" + code + "&consent=yes")).statusCode())
        .isEqualTo(200);

    awaitValidation("validated");
    assertThat(text("validated-by")).isEqualTo(ConsoleBrowserTest.USER);
    assertThat(text("expires")).startsWith("The access token expires at ");
    assertThat(tokens.load("idp")).isPresent();
    assertThat(Duration.ofSeconds(server.devicePolls())).isPositive();
  }
}
