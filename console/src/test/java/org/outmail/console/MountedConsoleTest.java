package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;
import org.outmail.console.testing.Chromium;

/**
 * The console as a host mounts it: the {@link ConsoleServlet} under {@code /admin/mail} in the
 * host's own Jetty, behind the host's own login (a filter here), driven in headless Chromium.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountedConsoleTest {
  private static WebDriver browser;

  private MailboxStore store;
  private MailboxRegistry registry;
  private MountingHost host;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
  }

  @AfterAll
  static void stopBrowser() {
    Chromium.quit(browser);
  }

  @BeforeEach
  void startHost() throws Exception {
    store = MailboxStore.inMemory();
    registry = MailboxRegistry.builder().store(store).build();
    host = MountingHost.start(new ConsoleServlet(registry), false);
  }

  @AfterEach
  void stopHost() throws Exception {
    host.close();
    registry.close();
  }

  private String url(String path) {
    return host.url(path);
  }

  private static void type(String name, String text) {
    Chromium.type(browser, name, text);
  }

  private static void submit(By button) {
    Chromium.submit(browser, button);
  }

  @Test
  void theHostMountsTheConsoleUnderItsOwnPathBehindItsOwnLogin() throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(url("/admin/mail/"))).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).as("the host's login guards it").isEqualTo(401);

    browser.get(url("/login?user=alice"));
    assertThat(browser.getCurrentUrl()).isEqualTo(url("/admin/mail/"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Mailboxes");
    assertThat(browser.findElement(By.cssSelector("header .user")).getText()).isEqualTo("alice");
    assertThat(browser.findElements(By.cssSelector("form.logout"))).as("the host logs out, not the console").isEmpty();
    assertThat(browser.findElement(By.cssSelector("header")).getCssValue("display"))
        .as("the stylesheet loads from the mount path").isEqualTo("flex");

    submit(By.id("add-mailbox"));
    assertThat(browser.getCurrentUrl()).isEqualTo(url("/admin/mail/mailboxes/new"));
    type("id", "support");
    type("name", "Service Desk");
    type("email-display", "support@example.com");
    type("host", "127.0.0.1");
    type("port", "2525");
    browser.findElement(By.cssSelector("select[name='encryption'] option[value='NONE']")).click();
    type("username", "svc");
    type("password", "Pa55word-typed-in-the-host");
    submit(By.id("save"));

    assertThat(browser.getCurrentUrl()).isEqualTo(url("/admin/mail/"));
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox support saved.");
    ConsoleBrowserTest.screenshot(browser, "mounted.png");
    Mailbox saved = store.get("support").orElseThrow();
    assertThat(saved.password()).contains(Secret.of("Pa55word-typed-in-the-host"));
    assertThat(saved.encryption()).isEqualTo(Encryption.NONE);
    assertThat(browser.manage().getCookieNamed(Sessions.COOKIE).getPath()).isEqualTo("/admin/mail");

    // what holds on the console's own server holds here: the stored secret goes when the host changes
    submit(By.linkText("Service Desk"));
    assertThat(browser.getCurrentUrl()).isEqualTo(url("/admin/mail/mailboxes/support"));
    type("host", "smtp.elsewhere.example");
    submit(By.id("save"));
    assertThat(browser.findElement(By.id("error-password")).getText())
        .isEqualTo("the stored value was removed because Host changed; type it again");
    assertThat(store.get("support").orElseThrow().host()).contains("127.0.0.1");

    // and a POST without the console's CSRF token is refused, even behind the host's login
    String cookies = "host_user=alice; " + Sessions.COOKIE + "="
        + browser.manage().getCookieNamed(Sessions.COOKIE).getValue();
    HttpResponse<String> forged = http
        .send(HttpRequest.newBuilder(URI.create(url("/admin/mail/mailboxes/support/delete")))
            .header("Cookie", cookies).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("_csrf=guessed")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(store.get("support")).isPresent();
  }
}
