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
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
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
  private static final String HOST_REFUSED = "the host refused the CSRF token";
  private static WebDriver browser;

  @TempDir
  Path temp;
  private MailboxRegistry registry;
  private Outbox outbox;
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

  static String hostToken(String user) {
    return "host-token-of-" + user;
  }

  /**
   * The host's login (a cookie set by {@code /login?user=NAME}) and its CSRF check: the host's token
   * for the user as a request attribute, and a POST without it refused with 403.
   */
  static final class HostLoginAndCsrf implements Filter {
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
      if (r.getMethod().equals("POST") && !hostToken(user).equals(r.getParameter("_csrf"))) {
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(403);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(HOST_REFUSED);
        return;
      }
      r.setAttribute("host.csrf", hostToken(user));
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
    registry = MailboxRegistry.builder()
        .mailbox(Mailbox.builder("sales").name("Sales").emailDisplay("sales@example.com").host("127.0.0.1")
            .port(Smtp.closedPort()).encryption(Encryption.NONE).protocol("smtp").build())
        .build();
    outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(temp.resolve("outbox"))).workers(0).build();
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
    context.addFilter(new FilterHolder(new HostLoginAndCsrf()), "/admin/*", EnumSet.of(DispatcherType.REQUEST));
    ConsoleServlet console = ConsoleServlet.builder(registry)
        .hostCsrfToken(request -> (String) request.getAttribute("host.csrf"))
        .outbox(outbox)
        .outboxRefreshSeconds(600) // no reload while the test clicks through
        .build();
    context.addServlet(new ServletHolder(console), "/admin/mail/*");
    host.setHandler(context);
    host.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
    browser.manage().deleteAllCookies();
  }

  @AfterEach
  void stopHost() throws Exception {
    host.stop();
    outbox.close();
    registry.close();
  }

  private String url(String path) {
    return base.resolve(path).toString();
  }

  private static void submit(By button) {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(button).click();
    awaitGone(page);
  }

  private static void awaitGone(WebElement page) {
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
      assertThat(token.getAttribute("value")).isEqualTo(hostToken("alice"));
    }
    submit(By.id("retry"));
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mail #" + id + " is due now (Deferred).");

    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(By.id("cancel")).click();
    browser.switchTo().alert().accept();
    awaitGone(page);
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
      awaitGone(page);
      assertThat(browser.findElement(By.tagName("body")).getText()).as(form).isEqualTo(HOST_REFUSED);
    }
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);
    assertThat(outbox.attempts(id)).hasSize(1);
  }
}
