package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.SecretsKey;

/**
 * The runnable jar as a user runs it: {@code java -jar outmail-examples-VERSION-cli.jar}, in its own
 * JVM. Proves that the shaded jar still finds the transports and the hook by ServiceLoader (their
 * {@code META-INF/services} files merged), that exit codes reach the shell, and that the demo's JVM
 * exits by itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliJarIT {
  @TempDir Path dir;

  @RegisterExtension final SmtpServer server = new SmtpServer();

  @Test
  void jarChecksAndSendsThroughTheSmtpTransportFoundByServiceLoader() throws Exception {
    Path config = TestConfig.write(dir, server.port());

    Run check = java("-jar", jar(), "check", "--config", config.toString());
    assertThat(check.exitCode()).as(check.err()).isZero();
    assertThat(check.out()).contains("support  OK ").contains("sales    OK ");

    Run send = java("-jar", jar(), "send", "--config", config.toString(), "--to", "alice@example.org",
        "--subject", "Printer jammed", "--record", "4711", "--text", "On it.");
    assertThat(send.exitCode()).as(send.err()).isZero();
    assertThat(send.out()).contains("Subject:    [TICKET#4711] Printer jammed")
        .contains("[audit] mailbox 'support' sent");
    assertThat(server.received(1).get(0).getSubject()).isEqualTo("[TICKET#4711] Printer jammed");
  }

  @Test
  void jarExitCodesReachTheShell() throws Exception {
    Path bad = TestConfig.write(dir, server.port(), "outmail.mailbox.support.colour=blue");

    Run config = java("-jar", jar(), "list", "--config", bad.toString());
    Run usage = java("-jar", jar(), "send");
    Run version = java("-jar", jar(), "--version");

    assertThat(config.exitCode()).isEqualTo(3);
    assertThat(config.err()).startsWith("outmail list: outmail.mailbox.support.colour: unknown key");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("outmail 0.");
  }

  @Test
  void demoRunsFromTheJarAndItsJvmExitsByItself() throws Exception {
    Run demo = java("-cp", jar(), Demo.class.getName());

    assertThat(demo.exitCode()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("Subject:    [TICKET#4711] Printer on floor 2 is jammed")
        .contains("record id parsed back: 4711")
        .endsWith("Done.\n");
  }

  @Test
  void jarSinkPrintsWhatJarSendSendsWithTheShippedConfiguration() throws Exception {
    int port = TestConfig.closedPort();
    String shipped = Files.readString(Path.of("mailboxes-sink.properties"), StandardCharsets.UTF_8);
    assertThat(shipped).contains("port=2525");
    Path config = Files.writeString(dir.resolve("mailboxes-sink.properties"),
        shipped.replace("port=2525", "port=" + port));

    Started sink = start("-jar", jar(), "sink", "--port", Integer.toString(port));
    try {
      sink.awaitOut("listening on 127.0.0.1:" + port);
      Run send = java("-jar", jar(), "send", "--config", config.toString(), "--to", "alice@example.org",
          "--subject", "Hello from the jar", "--text", "Hi");

      assertThat(send.exitCode()).as(send.err()).isZero();
      sink.awaitOut(
          "from Your Service Desk <support@example.com>  to alice@example.org  subject \"Hello from the jar\"");
    } finally {
      sink.process().destroy(); // SIGTERM, as Ctrl-C ends it
    }
    assertThat(sink.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(sink.err())).contains("outmail sink: stopped; 1 mail(s) received");
  }

  @Test
  void jarSinkOnAPortInUsePrintsOneLineAndNoStackTrace() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      Run sink = java("-jar", jar(), "sink", "--port", Integer.toString(port));

      assertThat(sink.exitCode()).isEqualTo(1);
      assertThat(sink.out()).isEmpty();
      assertThat(sink.err().lines()).containsExactly("outmail sink: cannot listen on 127.0.0.1:" + port
          + ": the port is in use (another 'outmail sink' or another program?); choose another port, e.g. "
          + "'outmail sink --port " + (port + 1) + "', and give check and send the same --port");
    }
  }

  @Test
  void interruptingASendInFlightSaysTheMailMayOrMayNotHaveGoneOut() throws Exception {
    try (ScriptedSmtp smtp = new ScriptedSmtp().stallAfterData()) {
      Path config = TestConfig.write(dir, smtp.port(), "outmail.mailbox.support.read-timeout=5m");

      Started send = start("-jar", jar(), "send", "--config", config.toString(), "--to", "alice@example.org",
          "--subject", "Hello", "--text", "Hi");
      try {
        assertThat(smtp.awaitData(60)).as("the message reached the server").isTrue();
        send.awaitErr("outmail send: sending 2 bytes to 1 recipient through 'support'...");
      } finally {
        send.process().destroy(); // SIGTERM: the shutdown hooks run, as on Ctrl-C
      }
      assertThat(send.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(send.process().exitValue()).isNotZero();
      assertThat(Files.readString(send.err())).containsPattern("outmail send: interrupted while sending through "
          + "'support': the mail may or may not have gone out; look for Message-ID <[^>]+> at the recipients");
    }
  }

  @Test
  void jarConsoleKeepsTheImportedMailboxesInASqliteFile() throws Exception {
    Path config = TestConfig.write(dir, server.port());
    Path file = dir.resolve("data/mailboxes.db");
    Map<String, String> env = Map.of(ConsoleCommand.KEY_VARIABLE, SecretsKey.generate());

    for (String imported : List.of("imported 3 mailbox(es)", "imported 0 mailbox(es)")) {
      Started console = start(env, "-jar", jar(), "console", "--jdbc", file.toString(), "--import", config.toString(),
          "--without-login", "--port", "0");
      try {
        console.awaitOut(imported);
        console.awaitOut("(without login), 3 mailbox(es). Ctrl-C stops it.");
      } finally {
        console.process().destroy(); // SIGTERM, as Ctrl-C ends it
      }
      assertThat(console.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).startsWith("SQLite format 3");
  }

  @Test
  void verboseTurnsOnDebugLogging() throws Exception {
    Path config = TestConfig.write(dir, server.port());

    Run send = java("-jar", jar(), "send", "--verbose", "--config", config.toString(), "--to", "alice@example.org",
        "--subject", "Hello", "--text", "Hi");

    assertThat(send.exitCode()).as(send.err()).isZero();
    assertThat(send.err()).contains("DEBUG OutgoingMailer - mailbox 'support': sent <");
  }

  /** A process still running, its output going to files. */
  private record Started(Process process, Path out, Path err) {
    void awaitOut(String text) throws Exception {
      await(out, text);
    }

    void awaitErr(String text) throws Exception {
      await(err, text);
    }

    private void await(Path file, String text) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
        assertThat(process.isAlive()).as("ended before printing '" + text + "': " + Files.readString(err)).isTrue();
        assertThat(System.nanoTime()).as("'" + text + "' within 60 s, printed: " + Files.readString(file))
            .isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  private Started start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  private Started start(Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    p.getOutputStream().close();
    return new Started(p, out, err);
  }

  private static String jar() {
    String jar = System.getProperty("outmail.cli.jar");
    assertThat(jar).as("system property outmail.cli.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(jar)).exists();
    return jar;
  }

  private Run java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("still running after 60 s: " + command);
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private record Run(int exitCode, String out, String err) {}
}
