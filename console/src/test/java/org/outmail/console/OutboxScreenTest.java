package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.outmail.Secret;
import org.outmail.console.testing.Chromium;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.outmail.outbox.OutboxStore;

/**
 * The outbox's screen in headless Chromium, over a real outbox (the embedded SQLite store in a
 * temporary directory) that delivers to GreenMail, and to a closed port for a mailbox whose server
 * is down. Delivery runs on the test's thread ({@link Outbox#deliverDue()}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboxScreenTest {
  private static WebDriver browser;

  @TempDir Path temp;
  private final Smtp smtp = new Smtp();
  private final TestClock clock = new TestClock();
  private MailboxRegistry registry;
  private Outbox outbox;
  private OutmailConsole console;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
  }

  @AfterAll
  static void stopBrowser() {
    Chromium.quit(browser);
  }

  @BeforeEach
  void start() {
    registry = MailboxRegistry.builder()
        .mailbox(Mailbox.builder("support").name("Service Desk").emailDisplay("support@example.com").host("127.0.0.1")
            .port(smtp.port()).encryption(Encryption.NONE).protocol("smtp").prefix("TICKET#").defaultOutgoing(true)
            .build())
        .mailbox(Mailbox.builder("sales").name("Sales").emailDisplay("sales@example.com").host("127.0.0.1")
            .port(Smtp.closedPort()).encryption(Encryption.NONE).protocol("smtp").build())
        .build();
    outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("outbox"))).clock(clock)
        .workers(0).build();
    console = startConsole(60); // no reload while a test clicks through; theListRefreshesItself shortens it
  }

  private OutmailConsole startConsole(int refreshSeconds) {
    return OutmailConsole.start(registry, ConsoleOptions.builder()
        .user(ConsoleBrowserTest.USER, Secret.of(ConsoleBrowserTest.PASSWORD)).clock(clock).outbox(outbox)
        .outboxRefreshSeconds(refreshSeconds).build());
  }

  @AfterEach
  void stop() {
    console.close();
    outbox.close();
    registry.close();
    smtp.close();
  }

  private String url(String path) {
    return console.uri().resolve(path).toString();
  }

  private void logIn() {
    browser.manage().deleteAllCookies();
    browser.get(url("/login"));
    browser.findElement(By.id("user")).sendKeys(ConsoleBrowserTest.USER);
    browser.findElement(By.id("password")).sendKeys(ConsoleBrowserTest.PASSWORD);
    submit(By.id("login"));
  }

  private static void submit(By button) {
    Chromium.submit(browser, button);
  }

  private static String count(OutboxState state) {
    return browser.findElement(By.cssSelector("#states a[data-state='" + state.name() + "'] .count")).getText();
  }

  /** The count of queued mails, read again if the page is reloading. */
  private static String queuedCount() {
    try {
      return count(OutboxState.QUEUED);
    } catch (org.openqa.selenium.WebDriverException reloading) {
      // stale element, no such element, or "node does not belong to the document": the page is being replaced
      return "";
    }
  }

  private static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (WebElement row : browser.findElements(By.cssSelector("#mails tbody tr[data-id]"))) {
      ids.add(row.getAttribute("data-id"));
    }
    return ids;
  }

  private void search(String text) {
    WebElement box = browser.findElement(By.id("search"));
    box.clear();
    box.sendKeys(text);
    submit(By.id("search-button"));
  }

  private long enqueue(String mailbox, String to, String subject, String recordId) {
    return outbox.enqueue(registry.outgoing(mailbox), Email.builder().to(to).subject(subject).text("body")
        .recordId(recordId).build());
  }

  @Test
  void theScreenCountsEachStateShowsTheOldestWaitingMailAndFindsMailsByRecipientRecordIdMessageIdAndSubject()
      throws Exception {
    long a = enqueue("support", "alice@example.org", "Printer on floor 2 is jammed", "4711");
    long b = enqueue("support", "bob@example.org", "Password reset", "4712");
    long c = enqueue("support", "alice@example.org", "Printer fixed", "4713");
    long deferred = enqueue("sales", "carol@example.org", "Your quote", "9001");
    outbox.deliverDue();
    assertThat(smtp.received()).hasSize(3);
    clock.advance(Duration.ofMinutes(5));
    long queued = enqueue("support", "dave@example.org", "Welcome aboard", "4714");
    clock.advance(Duration.ofSeconds(12));

    logIn();
    submit(By.id("nav-outbox"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Outbox");
    assertThat(count(OutboxState.QUEUED)).isEqualTo("1");
    assertThat(count(OutboxState.DEFERRED)).isEqualTo("1");
    assertThat(count(OutboxState.SENT)).isEqualTo("3");
    assertThat(count(OutboxState.FAILED)).isEqualTo("0");
    assertThat(browser.findElement(By.id("oldest")).getText())
        .isEqualTo("Oldest waiting mail: 5 min 12 s (#" + deferred + ", Deferred, queued 2026-12-01 09:00:00 UTC)");
    assertThat(ids()).containsExactly(Long.toString(queued));

    submit(By.cssSelector("#states a[data-state='SENT']"));
    assertThat(ids()).containsExactly(Long.toString(a), Long.toString(b), Long.toString(c));

    search("Alice@example.org");
    assertThat(ids()).containsExactly(Long.toString(a), Long.toString(c));
    assertThat(browser.findElement(By.id("caption")).getText())
        .isEqualTo("Mails found by \u201cAlice@example.org\u201d, in any state");
    search("4712");
    assertThat(ids()).containsExactly(Long.toString(b));
    search(outbox.status(deferred).orElseThrow().messageId());
    assertThat(ids()).containsExactly(Long.toString(deferred));
    search("printer");
    assertThat(ids()).containsExactly(Long.toString(a), Long.toString(c));
    assertThat(browser.findElement(By.cssSelector("#mails tr[data-id='" + a + "']")).getText())
        .contains("[TICKET#4711] Printer on floor 2 is jammed").contains("Sent");
    ConsoleBrowserTest.screenshot(browser, "outbox.png");
    search("nobody@example.org");
    assertThat(browser.findElement(By.cssSelector("#mails td.empty")).getText()).isEqualTo("No mail found.");
  }

  @Test
  void aDeferredMailShowsEachAttemptWithItsStageAndIsRetriedNowThenCancelled() throws Exception {
    long id = enqueue("sales", "carol@example.org", "Your quote", "9001");
    outbox.deliverDue();
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);

    logIn();
    browser.get(url("/outbox/" + id));
    assertThat(browser.findElement(By.id("mail-state")).getText()).isEqualTo("Deferred");
    assertThat(browser.findElements(By.cssSelector("#attempts tbody tr"))).hasSize(1);
    String detail = browser.findElement(By.cssSelector("#attempts tbody tr td.detail")).getText();
    assertThat(detail).isEqualTo(outbox.attempts(id).get(0).detail().orElseThrow()).contains("connect");

    submit(By.id("retry"));
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mail #" + id + " is due now (Deferred).");
    assertThat(outbox.status(id).orElseThrow().nextAttemptAt()).contains(clock.instant());
    outbox.deliverDue();
    browser.get(url("/outbox/" + id));
    assertThat(browser.findElements(By.cssSelector("#attempts tbody tr"))).hasSize(2);
    ConsoleBrowserTest.screenshot(browser, "outbox-mail.png");

    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(By.id("cancel")).click();
    browser.switchTo().alert().accept();
    Chromium.awaitGone(browser, page);
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mail #" + id + " is cancelled.");
    assertThat(browser.findElement(By.id("mail-state")).getText()).isEqualTo("Cancelled");
    assertThat(browser.findElements(By.id("cancel"))).isEmpty();
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.CANCELLED);
  }

  @Test
  void retryAndCancelWithoutTheCsrfTokenAreRefusedAndChangeNothing() {
    long id = enqueue("sales", "carol@example.org", "Your quote", "9001");
    logIn();
    browser.get(url("/outbox/" + id));
    ((JavascriptExecutor) browser).executeScript("document.querySelectorAll('input[name=_csrf]')"
        + ".forEach(function (i) { i.value = 'forged'; });");
    WebElement page = browser.findElement(By.tagName("html"));
    ((JavascriptExecutor) browser).executeScript("document.getElementById('cancel').form.submit();");
    Chromium.awaitGone(browser, page);
    assertThat(browser.findElement(By.tagName("body")).getText()).isEqualTo(ConsoleServer.CSRF_REFUSED);
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.QUEUED);
  }

  @Test
  void theListPagesById() {
    List<Email> mails = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      mails.add(Email.builder().to("user" + i + "@example.org").subject("Digest " + i).text("b").build());
    }
    List<Long> ids = outbox.enqueueAll(registry.outgoing("support"), mails, null);
    logIn();
    browser.get(url("/outbox?state=QUEUED"));
    assertThat(ids()).hasSize(OutboxScreen.PAGE).first().isEqualTo(Long.toString(ids.get(0)));
    submit(By.id("next-page"));
    assertThat(ids())
        .containsExactlyElementsOf(ids.subList(OutboxScreen.PAGE, 60).stream().map(String::valueOf).toList());
    assertThat(browser.findElements(By.id("next-page"))).isEmpty();
  }

  @Test
  void theListRefreshesItself() {
    console.close();
    console = startConsole(1);
    logIn();
    browser.get(url("/outbox?state=QUEUED"));
    assertThat(queuedCount()).isEqualTo("0");

    outbox.enqueue(registry.outgoing("support"),
        Email.builder().to("late@example.org").subject("Late").text("b").build());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!queuedCount().equals("1")) {
      if (System.nanoTime() > end) {
        throw new AssertionError("the outbox page did not refresh itself: it still counts " + queuedCount());
      }
      Chromium.sleep(200);
    }
  }
}
