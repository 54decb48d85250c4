package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.outmail.oauth.OAuthProvider;

/** The grid of OAuth clients in headless Chromium: each client once, with the mailboxes that pick it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OAuthClientsScreenTest {
  private static final String CLIENT_SECRET = "m365-client-secret-value-1";
  private static WebDriver browser;

  private MailboxRegistry registry;
  private OutmailConsole console;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
  }

  @AfterAll
  static void stopBrowser() {
    Chromium.quit(browser);
  }

  @BeforeEach
  void start() {
    OAuthClient m365 = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT)
        .grant(OAuthGrant.CLIENT_CREDENTIALS)
        .tenant("contoso.onmicrosoft.com").clientId("11111111-2222-3333-4444-555555555555")
        .clientSecret(Secret.of(CLIENT_SECRET)).build();
    OAuthClient gmail = OAuthClient.builder("gmail").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.REFRESH_TOKEN)
        .clientId("1234.apps.googleusercontent.com").clientSecret(Secret.of("gmail-secret-value-2")).build();
    MailboxStore store = MailboxStore.inMemory();
    registry = MailboxRegistry.builder().store(store).build();
    registry.save(mailbox("support").oauthClient(m365).username("support@contoso.com").build());
    registry.save(mailbox("sales").oauthClient(m365).username("sales@contoso.com").build());
    registry.save(mailbox("alerts").oauthClient(gmail).username("alerts@example.com").build());
    registry.save(mailbox("legacy").username("legacy").password(Secret.of("legacy-password")).build());
    console = OutmailConsole.start(registry, ConsoleOptions.builder()
        .user(ConsoleBrowserTest.USER, Secret.of(ConsoleBrowserTest.PASSWORD)).build());
  }

  private static Mailbox.Builder mailbox(String id) {
    return Mailbox.builder(id).name(id).emailDisplay(id + "@example.com").host("127.0.0.1").port(2525)
        .encryption(Encryption.NONE).protocol("smtp");
  }

  @AfterEach
  void stop() {
    console.close();
    registry.close();
  }

  @Test
  void eachClientIsListedOnceWithTheMailboxesThatPickItAndNoSecret() throws Exception {
    browser.manage().deleteAllCookies();
    browser.get(console.uri().resolve("/login").toString());
    browser.findElement(By.id("user")).sendKeys(ConsoleBrowserTest.USER);
    browser.findElement(By.id("password")).sendKeys(ConsoleBrowserTest.PASSWORD);
    browser.findElement(By.id("login")).click();
    browser.findElement(By.id("nav-clients")).click();

    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("OAuth Clients");
    assertThat(browser.findElements(By.cssSelector("#clients tbody tr")).stream().map(r -> r.getAttribute("data-name")))
        .containsExactly("gmail", "m365");
    WebElement m365 = browser.findElement(By.cssSelector("#clients tr[data-name='m365']"));
    assertThat(m365.findElements(By.tagName("td")).stream().map(WebElement::getText)).containsExactly("m365",
        "Microsoft",
        "App-only (client credentials)", "11111111-2222-3333-4444-555555555555", "contoso.onmicrosoft.com",
        "the transport's default",
        "stored", "not needed", "support, sales");
    WebElement gmail = browser.findElement(By.cssSelector("#clients tr[data-name='gmail']"));
    assertThat(gmail.findElement(By.cssSelector("td.token")).getText()).isEqualTo("none: validate the client");
    assertThat(browser.getPageSource()).doesNotContain(CLIENT_SECRET).doesNotContain("gmail-secret-value-2")
        .doesNotContain("legacy");
    ConsoleBrowserTest.screenshot(browser, "oauth-clients.png");

    m365.findElement(By.linkText("sales")).click();
    assertThat(browser.getCurrentUrl()).endsWith("/mailboxes/sales");
  }
}
