package org.outmail.examples.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * A small ticket service on outmail: {@link TicketService} saves a ticket and queues its
 * notification in one transaction (the starter's {@code TransactionalOutbox} on the application's
 * SQLite {@code DataSource}); the outbox's workers deliver it through the mailboxes of {@code
 * application.yml} to {@link SmtpSink}, an SMTP server in this process. The console is under {@code
 * /outmail} behind the form login of {@link Security}; health and metrics are on the actuator.
 */
@SpringBootApplication
public class SampleApplication {
  /**
   * Starts the application.
   *
   * @param args Spring Boot's arguments ({@code --server.port=8081}, {@code --example.sink.enabled=false}, ...)
   */
  public static void main(String[] args) {
    new SpringApplicationBuilder(SampleApplication.class).listeners(dataDirectory()).run(args);
  }

  /** Creates {@code example.data-directory}, where the SQLite file goes (SQLite creates the file, not its folder). */
  static ApplicationListener<ApplicationEnvironmentPreparedEvent> dataDirectory() {
    return event -> {
      String directory = event.getEnvironment().getProperty("example.data-directory");
      if (directory != null) {
        try {
          Files.createDirectories(Path.of(directory));
        } catch (IOException e) {
          throw new UncheckedIOException("example.data-directory " + directory + " cannot be created", e);
        }
      }
    };
  }
}
