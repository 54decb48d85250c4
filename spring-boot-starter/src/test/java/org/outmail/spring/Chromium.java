package org.outmail.spring;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's packages, driven through Debian's chromedriver: both paths come
 * from ./test.sh ({@code OUTMAIL_TEST_CHROMIUM}, {@code OUTMAIL_TEST_CHROMEDRIVER}), so Selenium
 * never looks for, or downloads, a browser or a driver. Missing either fails the test.
 */
final class Chromium {
  private Chromium() {}

  static WebDriver start(Path userDataDir) {
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

  static Path freshProfile() {
    try {
      return Files.createTempDirectory("outmail-chromium-");
    } catch (IOException e) {
      throw new AssertionError("cannot make a Chromium profile folder", e);
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
