package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.SecretsKey;

/** {@code outmail console}, run as the CLI runs it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleCommandTest {
  private static final Pattern URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)");
  private static final String KEY = SecretsKey.generate();

  @TempDir Path dir;

  @Test
  void theConsoleRunsOverAPropertiesFileReadOnlyUntilStopped() throws Exception {
    Path file = dir.resolve("mailboxes.properties");
    Files.writeString(file, "outmail.mailbox.support.name=Service Desk\n"
        + "outmail.mailbox.support.email-display=support@example.com\noutmail.mailbox.support.host=127.0.0.1\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread t = new Thread(
        () -> exit.complete(OutmailCli.execute(new PrintWriter(out), new PrintWriter(err), Duration.ZERO,
            "console", "--config", file.toString(), "--without-login", "--port", "0")),
        "console-under-test");
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

  /** A console started in-process; {@link #stop} interrupts it and returns its exit code. */
  private record Running(Thread thread, CompletableFuture<Integer> exit, StringWriter out, StringWriter err, URI uri) {
    int stop() throws Exception {
      thread.interrupt();
      return exit.get(10, TimeUnit.SECONDS);
    }

    String grid() throws Exception {
      HttpResponse<String> grid = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(grid.statusCode()).isEqualTo(200);
      return grid.body();
    }
  }

  private static Running start(Map<String, String> environment, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread t = new Thread(
        () -> exit.complete(OutmailCli.execute(new PrintWriter(out), new PrintWriter(err), Duration.ZERO,
            environment::get, args)),
        "console-under-test");
    t.start();
    Matcher m;
    while (!(m = URL.matcher(out.toString())).find()) {
      assertThat(exit).as("console ended early: " + err).isNotDone();
      Thread.sleep(20);
    }
    return new Running(t, exit, out, err, URI.create(m.group(1)));
  }

  private Path properties() throws Exception {
    return Files.writeString(dir.resolve("mailboxes.properties"), "outmail.mailbox.support.name=Service Desk\n"
        + "outmail.mailbox.support.email-display=support@example.com\noutmail.mailbox.support.host=127.0.0.1\n"
        + "outmail.mailbox.support.username=desk\noutmail.mailbox.support.password=pw-plain-1234\n");
  }

  @Test
  void theConsoleEditsTheMailboxesImportedIntoASqliteFile() throws Exception {
    Path file = dir.resolve("data/mailboxes.db");
    Map<String, String> env = Map.of(ConsoleCommand.KEY_VARIABLE, KEY);
    Running console = start(env, "console", "--jdbc", file.toString(), "--import", properties().toString(),
        "--without-login", "--port", "0");
    assertThat(console.out().toString())
        .contains("outmail console: imported 1 mailbox(es) from " + dir.resolve("mailboxes.properties"))
        .contains("(without login), 1 mailbox(es). Ctrl-C stops it.");
    assertThat(console.grid()).contains("Service Desk").contains("+ Add Mailbox");
    assertThat(console.stop()).isEqualTo(OutmailCli.OK);

    String stored = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(stored).startsWith("SQLite format 3\0").contains("support@example.com").doesNotContain("pw-plain-1234");
    // the same file as a URL: the mailbox is there, a second import adds nothing
    Running again = start(env, "console", "--jdbc", "jdbc:sqlite:" + file, "--import",
        dir.resolve("mailboxes.properties").toString(),
        "--without-login", "--port", "0");
    assertThat(again.out().toString()).contains("imported 0 mailbox(es)").contains("1 mailbox(es). Ctrl-C stops it.");
    assertThat(again.grid()).contains("Service Desk");
    assertThat(again.stop()).isEqualTo(OutmailCli.OK);
  }

  @Test
  void theConsoleShowsAnEmbeddedOutboxStoreAndSendsNothingFromIt() throws Exception {
    Path store = dir.resolve("outbox");
    long id;
    try (org.outmail.MailboxRegistry registry = org.outmail.MailboxRegistry.load(properties());
        org.outmail.outbox.Outbox outbox = org.outmail.outbox.Outbox.builder().registry(registry)
            .store(org.outmail.outbox.OutboxStore.embedded(store)).workers(0).build()) {
      id = outbox.enqueue(registry.outgoing("support"), org.outmail.Email.builder().to("alice@example.org")
          .subject("Printer jammed").text("b").build());
    }
    Running console = start(Map.of(), "console", "--config", dir.resolve("mailboxes.properties").toString(),
        "--outbox", store.toString(), "--without-login", "--port", "0");
    assertThat(console.out().toString()).contains("read-only, the outbox in " + store + ". Ctrl-C stops it.");
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(console.uri()
        .resolve("/outbox?q=alice%40example.org")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("data-id=\"" + id + "\"").contains("Printer jammed");
    assertThat(console.stop()).isEqualTo(OutmailCli.OK);
  }

  @Test
  void theConsoleEditsMailboxesInPostgresql() throws Exception {
    String url = System.getenv("OUTMAIL_TEST_PG_URL");
    assertThat(url).as("OUTMAIL_TEST_PG_URL: run ./test.sh, which starts PostgreSQL and sets it").isNotBlank();
    String schema = "console_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    sql(url, "CREATE SCHEMA " + schema);
    try {
      Running console = start(Map.of(ConsoleCommand.KEY_VARIABLE, KEY), "console", "--jdbc",
          url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, "--import", properties().toString(),
          "--without-login", "--port", "0");
      assertThat(console.out().toString()).contains("imported 1 mailbox(es)");
      assertThat(console.grid()).contains("Service Desk").contains("+ Add Mailbox");
      assertThat(console.stop()).isEqualTo(OutmailCli.OK);
    } finally {
      sql(url, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static void sql(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void anH2DatabaseFromAnEarlierSnapshotIsRefusedWithWhatToDo() throws Exception {
    // how an H2 file begins: its header block, in text
    Path h2 = Files.writeString(dir.resolve("mailboxes.mv.db"), "H:2,block:4,blockSize:1000,chunk:3,clean:1,"
        + "created:1a250deb62a,format:3,version:3,fletcher:d5699e0a\n");
    StringWriter err = new StringWriter();

    int code = OutmailCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), Duration.ZERO,
        Map.of(ConsoleCommand.KEY_VARIABLE, KEY)::get, "console", "--jdbc", dir.resolve("mailboxes").toString(),
        "--without-login", "--port", "0");

    assertThat(code).isEqualTo(OutmailCli.CONFIG);
    assertThat(err.toString()).isEqualTo("outmail console: " + h2 + " holds an H2 database from an earlier snapshot; "
        + "outmail's embedded store is SQLite now: re-import the mailboxes into a new file (from their properties file: "
        + "outmail console --jdbc mailboxes.db --import mailboxes.properties), then delete " + h2
        + System.lineSeparator());
    assertThat(dir.resolve("mailboxes")).doesNotExist();
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
