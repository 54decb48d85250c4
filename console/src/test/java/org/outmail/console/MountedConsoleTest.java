package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;

/**
 * The console as a host mounts it: the {@link ConsoleServlet} under {@code /admin/mail} in the
 * host's own Jetty, behind the host's own login (a filter here), driven in headless Chromium.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountedConsoleTest {
  private static WebDriver browser;

  private MailboxStore store;
  private MailboxRegistry registry;
  private Server host;
  private URI base;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start(Chromium.freshProfile());
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  /** The host's login: a cookie set by {@code /login?user=NAME}; without it, 401 before the console. */
  static final class HostLogin implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest r = (HttpServletRequest) req;
      String user = null;
      if (r.getCookies() != null) {
        for (Cookie c : r.getCookies()) {
          if (c.getName().equals("host_user")) {
            user = c.getValue();
          }
        }
      }
      if (user == null) {
        ((HttpServletResponse) res).sendError(401, "the host's login first");
        return;
      }
      String name = user;
      chain.doFilter(new HttpServletRequestWrapper(r) {
        @Override
        public String getRemoteUser() {
          return name;
        }
      }, res);
    }
  }

  @BeforeEach
  void startHost() throws Exception {
    store = MailboxStore.inMemory();
    registry = MailboxRegistry.builder().store(store).build();
    host = new Server();
    ServerConnector connector = new ServerConnector(host);
    connector.setHost("127.0.0.1");
    host.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Cookie c = new Cookie("host_user", req.getParameter("user"));
        c.setPath("/");
        resp.addCookie(c);
        resp.sendRedirect("/admin/mail/");
      }
    }), "/login");
    context.addFilter(new FilterHolder(new HostLogin()), "/admin/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ConsoleServlet(registry)), "/admin/mail/*");
    host.setHandler(context);
    host.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @AfterEach
  void stopHost() throws Exception {
    host.stop();
    registry.close();
  }

  private String url(String path) {
    return base.resolve(path).toString();
  }

  private static void type(String name, String text) {
    WebElement e = browser.findElement(By.name(name));
    e.clear();
    e.sendKeys(text);
  }

  private static void submit(By button) {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(button).click();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      try {
        page.isEnabled();
        Thread.sleep(20);
      } catch (StaleElementReferenceException gone) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
    throw new AssertionError("the browser stayed on " + browser.getCurrentUrl());
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
    HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(url("/admin/mail/mailboxes/support/delete")))
        .header("Cookie", cookies).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("_csrf=guessed")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(store.get("support")).isPresent();
  }
}
