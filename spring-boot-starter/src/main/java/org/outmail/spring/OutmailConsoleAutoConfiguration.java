package org.outmail.spring;

import static org.outmail.spring.StarterSettings.PREFIX;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.console.ConsoleServlet;
import org.outmail.outbox.Outbox;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.ClassUtils;

/**
 * outmail's console mounted in the application: {@code outmail.console.enabled=true} maps the
 * {@link ConsoleServlet} under {@code outmail.console.path} ({@code /outmail}) and guards that path
 * with a Spring Security filter chain of its own that requires {@code outmail.console.authority}.
 * The user logs in once, with the application's login ({@code outmail.console.login-page} is where
 * Spring Security sends someone who has not); the console has no login of its own. CSRF is Spring
 * Security's: the console's forms carry Spring's token and Spring's filter checks it. When the
 * application has an {@link Outbox} bean ({@code outmail.outbox.enabled=true}, or its own), the
 * console shows it on its Outbox screen.
 *
 * <p>Without Spring Security on the classpath start-up fails: the console holds mail passwords and
 * is never mounted unguarded. Replace the chain with a bean named {@code
 * outmailConsoleSecurityFilterChain}.
 */
@AutoConfiguration(after = OutmailAutoConfiguration.class, afterName = {
    // after Spring Boot's default chains, so that they still apply to the rest of the application
    "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
    "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration"
})
@ConditionalOnClass({MailboxRegistry.class, ConsoleServlet.class, ServletRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "outmail.console", name = "enabled", havingValue = "true")
@ConditionalOnBean(MailboxRegistry.class)
public class OutmailConsoleAutoConfiguration {
  /** Created by Spring. */
  public OutmailConsoleAutoConfiguration() {}

  static String path(Environment environment) {
    String key = PREFIX + StarterSettings.CONSOLE_PATH.name();
    String path = (String) StarterSettings.get(environment, StarterSettings.CONSOLE_PATH).orElseThrow();
    if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
      throw new MailboxConfigException(null, key, key + ": '" + path + "' is not a path such as /outmail "
          + "(a slash, then letters, digits, '.', '_', '~' or '-', and no slash at the end)");
    }
    return path;
  }

  /** The console, guarded by Spring Security. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class})
  static class Guarded {
    @Bean
    @ConditionalOnMissingBean(name = "outmailConsole")
    ServletRegistrationBean<ConsoleServlet> outmailConsole(MailboxRegistry registry, Environment environment,
        ListableBeanFactory beans) {
      ConsoleServlet.Builder console = ConsoleServlet.builder(registry).hostCsrfToken(Guarded::springCsrfToken);
      if (ClassUtils.isPresent(OUTBOX, OutmailConsoleAutoConfiguration.class.getClassLoader())) {
        WithOutbox.addTo(console, beans);
      }
      ConsoleServlet servlet = console.build();
      ServletRegistrationBean<ConsoleServlet> bean = new ServletRegistrationBean<>(servlet, path(environment) + "/*");
      bean.setName("outmailConsole");
      return bean;
    }

    private static @Nullable String springCsrfToken(HttpServletRequest request) {
      Object token = request.getAttribute(CsrfToken.class.getName());
      return token instanceof CsrfToken csrf ? csrf.getToken() : null;
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 100)
    @ConditionalOnMissingBean(name = "outmailConsoleSecurityFilterChain")
    SecurityFilterChain outmailConsoleSecurityFilterChain(HttpSecurity http, Environment environment) throws Exception {
      String path = path(environment);
      String authority = (String) StarterSettings.get(environment, StarterSettings.CONSOLE_AUTHORITY).orElseThrow();
      String loginPage = (String) StarterSettings.get(environment, StarterSettings.CONSOLE_LOGIN_PAGE).orElseThrow();
      http.securityMatcher(path, path + "/**")
          .authorizeHttpRequests(requests -> requests.anyRequest().hasAuthority(authority))
          .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(loginPage)));
      return http.build();
    }
  }

  private static final String OUTBOX = "org.outmail.outbox.Outbox";

  /** The application's outbox on the console's Outbox screen; loaded only when outmail-outbox is there. */
  static final class WithOutbox {
    private WithOutbox() {}

    static void addTo(ConsoleServlet.Builder console, ListableBeanFactory beans) {
      Outbox outbox = beans.getBeanProvider(Outbox.class).getIfUnique();
      if (outbox != null) {
        console.outbox(outbox);
      }
    }
  }

  /** Spring Security is missing: refuse to mount the console unguarded. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("org.springframework.security.web.SecurityFilterChain")
  static class Unguarded {
    @Bean
    Object outmailConsole() {
      throw new MailboxConfigException(null, PREFIX + StarterSettings.CONSOLE_ENABLED.name(),
          PREFIX + StarterSettings.CONSOLE_ENABLED.name() + "=true needs Spring Security "
              + "(spring-boot-starter-security): the console shows and changes mail credentials and is never "
              + "mounted without the application's login");
    }
  }
}
