package org.outmail.console.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's packages, driven through Debian's chromedriver: both paths come
 * from ./test.sh ({@code OUTMAIL_TEST_CHROMIUM}, {@code OUTMAIL_TEST_CHROMEDRIVER}), so Selenium
 * never looks for, or downloads, a browser or a driver. Missing either fails the test. With the
 * steps every browser test of the console takes: typing into a field, and submitting a form and
 * waiting for the next page. The console's tests and the Spring Boot starter's (through the
 * console's test jar) share it.
 */
public final class Chromium {
  private static final long PAGE_SECONDS = 30;

  private Chromium() {}

  /** {@return a browser with a profile of its own, 1280 by 1024 pixels} */
  public static WebDriver start() {
    return start(freshProfile());
  }

  /** {@return a browser with the profile in {@code userDataDir}, 1280 by 1024 pixels} */
  public static WebDriver start(Path userDataDir) {
    String browser = executable("OUTMAIL_TEST_CHROMIUM", "chromium");
    String driver = executable("OUTMAIL_TEST_CHROMEDRIVER", "chromedriver");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(driver))
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + userDataDir.toAbsolutePath(), "--window-size=1280,1024", "--lang=en-US");
    ChromeDriver d = new ChromeDriver(service, options);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return d;
  }

  /** {@return a new, empty profile folder} */
  public static Path freshProfile() {
    try {
      return Files.createTempDirectory("outmail-chromium-");
    } catch (IOException e) {
      throw new AssertionError("cannot make a Chromium profile folder", e);
    }
  }

  /** Quits the browser, if there is one. */
  public static void quit(WebDriver browser) {
    if (browser != null) {
      browser.quit();
    }
  }

  /** Replaces the text of the form field named {@code name} with {@code text}. */
  public static void type(WebDriver browser, String name, String text) {
    WebElement e = browser.findElement(By.name(name));
    e.clear();
    e.sendKeys(text);
  }

  /** Clicks a button that loads another page, and waits until the page it was on is gone. */
  public static void submit(WebDriver browser, By button) {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(button).click();
    awaitGone(browser, page);
  }

  /** Waits until {@code page}, the root of the page the browser was on, is gone (30 s at most). */
  public static void awaitGone(WebDriver browser, WebElement page) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PAGE_SECONDS);
    while (true) {
      try {
        page.isEnabled();
      } catch (StaleElementReferenceException gone) {
        return;
      } catch (org.openqa.selenium.WebDriverException gone) {
        if (String.valueOf(gone.getMessage()).contains("does not belong to the document")) {
          return; // Chromium's word for a node of a page that was replaced
        }
        throw gone;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("the browser stayed on " + browser.getCurrentUrl() + " for " + PAGE_SECONDS + " s");
      }
      sleep(20);
    }
  }

  /** Sleeps, turning an interruption into a test failure. */
  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  private static String executable(String variable, String what) {
    String path = System.getenv(variable);
    if (path == null || path.isBlank()) {
      throw new AssertionError(variable + " is not set: the console's browser tests need Debian's " + what
          + "; run ./test.sh, which installs chromium and chromium-driver and sets " + variable);
    }
    if (!Files.isExecutable(Path.of(path))) {
      throw new AssertionError(variable + "=" + path + " is not an executable file; run ./test.sh, which installs "
          + "chromium and chromium-driver");
    }
    return path;
  }
}
