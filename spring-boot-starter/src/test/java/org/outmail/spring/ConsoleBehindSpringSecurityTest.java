package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;
import org.outmail.console.testing.Chromium;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The console mounted under {@code /outmail} in a Spring Boot application on Tomcat, behind the
 * application's own Spring Security form login, driven by headless Chromium: one login, the
 * authority the application names, CSRF by Spring Security; with the outbox enabled, its screen.
 */
class ConsoleBehindSpringSecurityTest {
  private static WebDriver browser;
  private ConfigurableApplicationContext app;
  private MailboxStore store;
  private String base;

  /** The host: its own login page, users, and its own chain for everything but the console. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Host {
    @Bean
    MailboxStore mailboxStore() {
      return MailboxStore.inMemory();
    }

    @Bean
    MailboxRegistryCustomizer fromStore(MailboxStore store) {
      return builder -> builder.store(store);
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("alice").password("{noop}alice-password").authorities("OUTMAIL_ADMIN").build(),
          User.withUsername("bob").password("{noop}bob-password").authorities("TICKETS").build());
    }

    @Bean
    SecurityFilterChain application(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(r -> r.anyRequest().authenticated()).formLogin(Customizer.withDefaults());
      return http.build();
    }
  }

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
  }

  @AfterAll
  static void stopBrowser() {
    Chromium.quit(browser);
  }

  private void startApplication(String... more) {
    app = new SpringApplicationBuilder(Host.class).web(WebApplicationType.SERVLET)
        .properties("server.port=0", "server.address=127.0.0.1", "outmail.console.enabled=true",
            "outmail.console.path=/outmail", "outmail.console.authority=OUTMAIL_ADMIN")
        .properties(more)
        .run();
    store = app.getBean(MailboxStore.class);
    base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    browser.manage().deleteAllCookies();
  }

  @AfterEach
  void stopApplication() {
    if (app != null) {
      app.close();
    }
  }

  private static void type(String name, String text) {
    Chromium.type(browser, name, text);
  }

  private static void submit(By button) {
    Chromium.submit(browser, button);
  }

  private void logIn(String user, String password) {
    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/login");
    type("username", user);
    type("password", password);
    submit(By.cssSelector("button[type='submit']"));
  }

  @Test
  void oneLoginOpensTheConsoleAndItsFormsCarrySpringSecuritysCsrfToken() {
    startApplication();
    browser.get(base + "/outmail/");
    logIn("alice", "alice-password");
    assertThat(browser.getCurrentUrl()).as("back where the user was going").startsWith(base + "/outmail/");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Mailboxes");
    assertThat(browser.findElement(By.cssSelector("header .user")).getText()).isEqualTo("alice");

    submit(By.id("add-mailbox"));
    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/outmail/mailboxes/new");
    type("id", "support");
    type("name", "Service Desk");
    type("email-display", "support@example.com");
    type("host", "127.0.0.1");
    type("port", "2525");
    browser.findElement(By.cssSelector("select[name='encryption'] option[value='NONE']")).click();
    type("username", "svc");
    type("password", "Pa55word-typed-in-the-host");
    submit(By.id("save"));

    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mailbox support saved.");
    assertThat(store.get("support").orElseThrow().password()).contains(Secret.of("Pa55word-typed-in-the-host"));
    assertThat(app.getBean(MailboxRegistry.class).outgoing("support").mailbox().host()).contains("127.0.0.1");

    // a form whose token is not Spring's is refused by Spring Security before it reaches the console
    submit(By.linkText("Service Desk"));
    type("name", "Forged Desk");
    ((JavascriptExecutor) browser).executeScript(
        "document.querySelectorAll('input[name=_csrf]').forEach(i => i.value = 'forged');");
    submit(By.id("save"));
    assertThat(browser.getPageSource()).doesNotContain("Mailbox support saved.");
    assertThat(store.get("support").orElseThrow().name()).isEqualTo("Service Desk");
  }

  @Test
  void aUserWithoutTheAuthorityIsRefused() {
    startApplication();
    browser.get(base + "/outmail/");
    logIn("bob", "bob-password");
    assertThat(browser.getPageSource()).doesNotContain("Mailboxes");
    browser.get(base + "/outmail/mailboxes/new");
    assertThat(browser.findElements(By.id("save"))).isEmpty();
  }

  @Test
  void withTheOutboxEnabledTheConsoleShowsItsOutboxScreenAndRetryCarriesSpringSecuritysCsrfToken(@TempDir Path dir) {
    startApplication("outmail.outbox.enabled=true", "outmail.outbox.directory=" + dir, "outmail.outbox.workers=0");
    MailboxRegistry registry = app.getBean(MailboxRegistry.class);
    registry.save(Mailbox.builder("sales").name("Sales").emailDisplay("sales@example.com").host("127.0.0.1")
        .port(closedPort()).encryption(Encryption.NONE).protocol("smtp").build());
    Outbox outbox = app.getBean(Outbox.class);
    long id = outbox.enqueue(registry.outgoing("sales"),
        Email.builder().to("carol@example.org").subject("Your quote").text("body").build());
    outbox.deliverDue();
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);

    browser.get(base + "/outmail/outbox");
    logIn("alice", "alice-password");
    assertThat(browser.getCurrentUrl()).startsWith(base + "/outmail/outbox");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Outbox");
    assertThat(browser.findElement(By.cssSelector("#states a[data-state='DEFERRED'] .count")).getText()).isEqualTo("1");

    submit(By.linkText("#" + id));
    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/outmail/outbox/" + id);
    submit(By.id("retry"));
    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Mail #" + id + " is due now (Deferred).");

    // Cancel with a token that is not Spring's is refused by Spring Security before it reaches the console
    ((JavascriptExecutor) browser).executeScript(
        "document.querySelectorAll('input[name=_csrf]').forEach(i => i.value = 'forged');");
    WebElement page = browser.findElement(By.tagName("html"));
    ((JavascriptExecutor) browser).executeScript("document.getElementById('cancel').form.submit();");
    Chromium.awaitGone(browser, page);
    assertThat(browser.getPageSource()).doesNotContain("is cancelled.");
    assertThat(outbox.status(id).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);
  }

  private static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
