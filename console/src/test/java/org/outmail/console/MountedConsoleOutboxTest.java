package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.console.testing.Chromium;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.outmail.outbox.OutboxStore;

/**
 * The console mounted in a host that both gives it an outbox and checks CSRF itself, the way Spring
 * Security does: a filter of the host's refuses a POST whose {@code _csrf} is not the host's token
 * before it reaches the console. The Outbox screen is there, and its Retry now and Cancel carry the
 * host's token. Headless Chromium, a real outbox (embedded SQLite) whose mailbox's server is down.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountedConsoleOutboxTest {
  private static WebDriver browser;

  @TempDir Path temp;
  private MailboxRegistry registry;
  private Outbox outbox;
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
    registry = MailboxRegistry.builder()
        .mailbox(Mailbox.builder("sales").name("Sales").emailDisplay("sales@example.com").host("127.0.0.1")
            .port(Smtp.closedPort()).encryption(Encryption.NONE).protocol("smtp").build())
        .build();
    outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("outbox"))).workers(0).build();
    ConsoleServlet console = ConsoleServlet.builder(registry)
        .hostCsrfToken(request -> (String) request.getAttribute(MountingHost.CSRF_ATTRIBUTE))
        .outbox(outbox)
        .outboxRefreshSeconds(600) // no reload while the test clicks through
        .build();
    host = MountingHost.start(console, true);
    browser.manage().deleteAllCookies();
  }

  @AfterEach
  void stopHost() throws Exception {
    host.close();
    outbox.close();
    registry.close();
  }

  private String url(String path) {
    return host.url(path);
  }

  private static void submit(By button) {
    Chromium.submit(browser, button);
  }

  private long deferredMail() {
    long id = outbox.enqueue(registry.outgoing("sales"),
        Email.builder().to("carol@example.org").subject("Your quote").text("body").build());
    outbox.deliverDue();
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);
    return id;
  }

  @Test
  void theMountedConsoleShowsTheOutboxScreenAndItsRetryAndCancelCarryTheHostsCsrfToken() {
    long id = deferredMail();

    browser.get(url("/login?user=alice"));
    submit(By.id("nav-outbox"));
    assertThat(browser.getCurrentUrl()).isEqualTo(url("/admin/mail/outbox"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Outbox");
    assertThat(browser.findElement(By.cssSelector("#states a[data-state='DEFERRED'] .count")).getText()).isEqualTo("1");

    submit(By.linkText("#" + id));
    assertThat(browser.getCurrentUrl()).isEqualTo(url("/admin/mail/outbox/" + id));
    for (WebElement token : browser.findElements(By.cssSelector("form input[name=_csrf]"))) {
      assertThat(token.getAttribute("value")).isEqualTo(MountingHost.token("alice"));
    }
    submit(By.id("retry"));
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mail #" + id + " is due now (Deferred).");

    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(By.id("cancel")).click();
    browser.switchTo().alert().accept();
    Chromium.awaitGone(browser, page);
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mail #" + id + " is cancelled.");
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.CANCELLED);
  }

  @Test
  void retryAndCancelWithoutTheHostsCsrfTokenAreRefusedByTheHostAndChangeNothing() {
    long id = deferredMail();
    browser.get(url("/login?user=alice"));
    for (String form : new String[] {"retry", "cancel"}) {
      browser.get(url("/admin/mail/outbox/" + id));
      ((JavascriptExecutor) browser).executeScript("document.querySelectorAll('input[name=_csrf]')"
          + ".forEach(function (i) { i.value = 'forged'; });");
      WebElement page = browser.findElement(By.tagName("html"));
      ((JavascriptExecutor) browser).executeScript("document.getElementById('" + form + "').form.submit();");
      Chromium.awaitGone(browser, page);
      assertThat(browser.findElement(By.tagName("body")).getText()).as(form).isEqualTo(MountingHost.REFUSED);
    }
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);
    assertThat(outbox.attempts(id)).hasSize(1);
  }
}
