package org.outmail.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that mails through outmail: the mailboxes are in {@code
 * application.yml}, the registry, its health and its metrics come from {@code
 * outmail-spring-boot-starter}. {@link TicketNotifier} sends; {@link AuditHook} runs after each send
 * of the mailboxes that name it.
 */
@SpringBootApplication
public class SampleApplication {
  /**
   * Starts the application.
   *
   * @param args Spring Boot's arguments ({@code --outmail.mailbox.support.port=2525}, ...)
   */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
