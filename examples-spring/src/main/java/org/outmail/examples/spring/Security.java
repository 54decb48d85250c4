package org.outmail.examples.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application's login: Spring Security's form login at {@code /login} with one demo user who
 * holds the console's authority ({@code outmail.console.authority}). The starter guards {@code
 * /outmail} with a chain of its own that sends anonymous users here; this chain covers the rest. The
 * ticket API, the SMTP sink's list, health and metrics are open, for curl on 127.0.0.1 (a real
 * service would protect its API too).
 */
@Configuration(proxyBeanMethods = false)
class Security {
  @Bean
  InMemoryUserDetailsManager users(@Value("${example.admin.username}") String username,
      @Value("${example.admin.password}") String password, @Value("${outmail.console.authority}") String authority) {
    return new InMemoryUserDetailsManager(
        User.withUsername(username).password("{noop}" + password).authorities(authority).build());
  }

  @Bean
  SecurityFilterChain application(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(requests -> requests
        .requestMatchers("/tickets", "/tickets/**", "/sink/**", "/actuator/health", "/actuator/health/**",
            "/actuator/metrics", "/actuator/metrics/**", "/error")
        .permitAll()
        .anyRequest().authenticated())
        .formLogin(Customizer.withDefaults())
        // the API is called with curl, without a session or a form: no CSRF token to send
        .csrf(csrf -> csrf.ignoringRequestMatchers("/tickets", "/tickets/**"));
    return http.build();
  }
}
