package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code outmail console}, run as the CLI runs it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleCommandTest {
  private static final Pattern URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir
  Path dir;

  @Test
  void theConsoleRunsOverAPropertiesFileReadOnlyUntilStopped() throws Exception {
    Path file = dir.resolve("mailboxes.properties");
    Files.writeString(file, "outmail.mailbox.support.name=Service Desk\n"
        + "outmail.mailbox.support.email-display=support@example.com\noutmail.mailbox.support.host=127.0.0.1\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread t = new Thread(() -> exit.complete(OutmailCli.execute(new PrintWriter(out), new PrintWriter(err), Duration.ZERO,
        "console", "--config", file.toString(), "--without-login", "--port", "0")), "console-under-test");
    t.start();
    Matcher m = URL.matcher("");
    while (!(m = URL.matcher(out.toString())).find()) {
      assertThat(exit).as("console ended early: " + err).isNotDone();
      Thread.sleep(20);
    }
    assertThat(out.toString()).contains("(without login), 1 mailbox(es), read-only. Ctrl-C stops it.");

    HttpResponse<String> grid = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(grid.statusCode()).isEqualTo(200);
    assertThat(grid.body()).contains("Service Desk").doesNotContain("+ Add Mailbox");

    t.interrupt();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(OutmailCli.OK);
  }

  @Test
  void withoutAPasswordTheConsoleDoesNotStart() {
    Path file = dir.resolve("none.properties");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OutmailCli.execute(new PrintWriter(out), new PrintWriter(err), Duration.ZERO,
        "console", "--config", file.toString());
    if (System.getenv(ConsoleCommand.PASSWORD_VARIABLE) == null) {
      assertThat(code).isEqualTo(OutmailCli.CONFIG);
      assertThat(err.toString()).contains("outmail console: set OUTMAIL_CONSOLE_PASSWORD to the password of 'admin' "
          + "(at least 12 characters); there is no default password");
    }
  }

  @Test
  void newKeyPrintsAFreshKey() {
    StringWriter out = new StringWriter();
    int code = OutmailCli.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), Duration.ZERO,
        "console", "--new-key");
    assertThat(code).isEqualTo(OutmailCli.OK);
    assertThat(Base64.getDecoder().decode(out.toString().strip())).hasSize(32);
  }

  @Test
  void importNeedsADatabase() {
    StringWriter err = new StringWriter();
    int code = OutmailCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), Duration.ZERO,
        "console", "--config", "a.properties", "--import", "b.properties", "--without-login");
    assertThat(code).isEqualTo(OutmailCli.USAGE);
    assertThat(err.toString()).contains("--import needs --jdbc: a properties file cannot be written");
  }
}
