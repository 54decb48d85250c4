package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code outmail sink}, and {@code send} through the CLI to it, as a newcomer runs them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SinkCommandTest {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  /** {@code outmail sink} running on a thread of this JVM; interrupting the thread stops it. */
  private static final class RunningSink implements AutoCloseable {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    private Thread thread;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    RunningSink(String... args) {
      thread = new Thread(() -> exitCode.complete(
          OutmailCli.execute(new PrintWriter(out), new PrintWriter(err), Duration.ZERO, args)), "sink-under-test");
      thread.start();
    }

    /** Waits until stdout matches, and returns the match. */
    Matcher await(Pattern pattern) throws InterruptedException {
      while (true) {
        Matcher m = pattern.matcher(out.toString());
        if (m.find()) {
          return m;
        }
        assertThat(exitCode).as("sink ended early: " + err).isNotDone();
        Thread.sleep(20);
      }
    }

    int stop() throws Exception {
      thread.interrupt();
      return exitCode.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      if (!exitCode.isDone()) {
        stop();
      }
    }
  }

  @Test
  void sinkPrintsEachMailThatSendDeliversThroughTheCli() throws Exception {
    try (RunningSink sink = new RunningSink("sink", "--port", "0")) {
      int port = Integer.parseInt(sink.await(LISTENING).group(1));
      Path config = TestConfig.write(dir, port);

      Cli check = Cli.run("check", "--config", config.toString(), "support");
      Cli send = Cli.run("send", "--config", config.toString(), "--to", "alice@example.org",
          "--bcc", "audit@example.org", "--subject", "Printer jammed", "--record", "4711", "--text", "On it.");

      assertThat(check.exitCode()).as(check.err()).isZero();
      assertThat(send.exitCode()).as(send.err()).isZero();
      Matcher line = sink
          .await(Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d  from (.+)  to (.+)  subject \"(.+)\"  (\\d+) bytes$"));
      assertThat(line.group(1)).isEqualTo("Your Service Desk <support@example.com>");
      assertThat(line.group(2)).isEqualTo("alice@example.org, audit@example.org");
      assertThat(line.group(3)).isEqualTo("[TICKET#4711] Printer jammed");
      assertThat(Integer.parseInt(line.group(4))).isGreaterThan(100);
      assertThat(sink.stop()).isZero();
      assertThat(sink.out.toString().lines().filter(l -> l.contains(" from "))).hasSize(1);
    }
  }

  @Test
  void sinkAcceptsAnyLoginSoThatAConfigurationWithAUserCanBeTried() throws Exception {
    try (RunningSink sink = new RunningSink("sink", "--port", "0")) {
      int port = Integer.parseInt(sink.await(LISTENING).group(1));
      Path config = TestConfig.write(dir, port, "outmail.mailbox.sales.username=svc-sales",
          "outmail.mailbox.sales.password=anything");

      Cli check = Cli.run("check", "--config", config.toString(), "sales");

      assertThat(check.exitCode()).as(check.out()).isZero();
      assertThat(check.out()).contains("authenticated as svc-sales");
    }
  }

  @Test
  void sinkOnAPortInUseFailsWithOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Cli cli = Cli.run("sink", "--port", Integer.toString(taken.getLocalPort()));

      int port = taken.getLocalPort();
      assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
      assertThat(cli.errLines()).containsExactly("outmail sink: cannot listen on 127.0.0.1:" + port
          + ": the port is in use (another 'outmail sink' or another program?); choose another port, e.g. "
          + "'outmail sink --port " + (port + 1) + "', and give check and send the same --port");
    }
  }

  @Test
  void checkAndSendWithPortFollowASinkOnAnotherPortWithTheShippedConfiguration() throws Exception {
    try (RunningSink sink = new RunningSink("sink", "--port", "0")) {
      String port = sink.await(LISTENING).group(1);

      Cli check = Cli.run("check", "--config", "mailboxes-sink.properties", "--port", port);
      Cli send = Cli.run("send", "-c", "mailboxes-sink.properties", "-p", port, "--mailbox", "sales",
          "--to", "alice@example.org", "--subject", "Moved", "--text", "Hi");

      assertThat(check.exitCode()).as(check.err()).isZero();
      assertThat(check.outLines()).hasSize(2)
          .allSatisfy(l -> assertThat(l).contains("OK       connected to 127.0.0.1:" + port + ","));
      assertThat(send.exitCode()).as(send.err()).isZero();
      sink.await(
          Pattern.compile("from Example Sales <sales@example\\.com>  to alice@example\\.org  subject \"Moved\""));
    }
  }

  @Test
  void portOutOfRangeIsAUsageError() {
    Cli check = Cli.run("check", "--config", "mailboxes-sink.properties", "--port", "70000");

    assertThat(check.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(check.errLines()).containsExactly(
        "outmail check: --port 70000: not a port (1 to 65535) (see outmail check --help)");
  }

  @Test
  void shippedConfigurationPointsAtTheSinksDefaultPort() {
    Cli list = Cli.run("list", "--config", "mailboxes-sink.properties");
    Cli help = Cli.run("sink", "--help");

    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.outLines()).filteredOn(l -> !l.startsWith("ID "))
        .hasSize(2)
        .allSatisfy(
            l -> assertThat(l).matches("\\w+\\s+.+\\s+OUT\\s+ENABLED\\s+.+\\s+smtp\\s+127\\.0\\.0\\.1:2525\\s+NONE.*"));
    assertThat(help.out()).contains("--port=PORT", "(default 2525)");
  }
}
