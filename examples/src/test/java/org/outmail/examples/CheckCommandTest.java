package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CheckCommandTest {
  @TempDir Path dir;

  @RegisterExtension final SmtpServer server = new SmtpServer();

  @Test
  void checkPassesForEveryOutMailboxAndSkipsInMailboxes() {
    Path config = TestConfig.write(dir, server.port());

    Cli cli = Cli.run("check", "--config", config.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.out().split("\n")).satisfiesExactlyInAnyOrder(
        l -> assertThat(l).startsWith("support  OK       "),
        l -> assertThat(l).startsWith("sales    OK       "),
        l -> assertThat(l).isEqualTo("inbox    SKIPPED  IN mailbox: outmail checks outgoing mailboxes only"));
    assertThat(cli.out()).contains(Integer.toString(server.port()));
  }

  /**
   * The examples README shows {@code outmail check} on the sink's configuration file as the command
   * prints it, but for the port and the times.
   */
  @Test
  void readmeShowsCheckOfTheSinkFileLineForLine() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    Matcher shown = Pattern.compile("\\$ outmail check -c examples/mailboxes-sink.properties[^\n]*\n(.*?)```",
        Pattern.DOTALL).matcher(readme);

    Cli cli = Cli.run("check", "-c", "mailboxes-sink.properties", "--port", Integer.toString(server.port()));

    assertThat(shown.find()).as("outmail check's output in examples/README.md").isTrue();
    assertThat(cli.exitCode()).isZero();
    assertThat(normalised(shown.group(1))).isEqualTo(normalised(cli.out()));
  }

  private static List<String> normalised(String text) {
    return text.strip().lines()
        .map(l -> l.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT").replaceAll("\\(\\d+ ms\\)", "(N ms)")
            .stripTrailing())
        .toList();
  }

  @Test
  void checkOfNamedMailboxChecksOnlyThatOne() {
    Path config = TestConfig.write(dir, server.port());

    Cli cli = Cli.run("check", "--config", config.toString(), "sales");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out().split("\n")).singleElement().asString().startsWith("sales  OK");
  }

  @Test
  void checkFailsWithExitCodeOneWhenNothingListens() {
    int closed = TestConfig.closedPort();
    Path config = TestConfig.write(dir, server.port(),
        "outmail.mailbox.broken.name=Broken",
        "outmail.mailbox.broken.email-display=broken@example.com",
        "outmail.mailbox.broken.host=127.0.0.1",
        "outmail.mailbox.broken.port=" + closed,
        "outmail.mailbox.broken.encryption=NONE",
        "outmail.mailbox.broken.connect-timeout=2s");

    Cli cli = Cli.run("check", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(cli.out()).containsPattern("(?m)^broken   FAILED   \\[\\w+] .*127\\.0\\.0\\.1:" + closed);
    assertThat(cli.out()).containsPattern("(?m)^support  OK ");
    assertThat(cli.errLines()).containsExactly("outmail check: check failed for broken (1 of 3)");
  }

  @Test
  void checkOfUnknownMailboxIsAConfigurationErrorListingTheKnownOnes() {
    Path config = TestConfig.write(dir, server.port());

    Cli cli = Cli.run("check", "--config", config.toString(), "support", "nope");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines()).singleElement().asString()
        .startsWith("outmail check: no mailbox with id 'nope'; known ids: [")
        .contains("support", "sales", "inbox");
  }

  @Test
  void slowCheckIsAnnouncedOnStderrBeforeItsResult() {
    Path config = TestConfig.write(dir, server.port());

    Cli cli = Cli.run(Duration.ZERO, "check", "--config", config.toString(), "support");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.errLines()).containsExactly(
        "outmail check: checking support (smtp, 127.0.0.1:" + server.port() + ")...");
    assertThat(cli.out()).startsWith("support  OK ");
  }

  @Test
  void quietCheckPrintsOnlyTheResults() {
    Path config = TestConfig.write(dir, server.port());

    Cli cli = Cli.run(Duration.ZERO, "check", "-q", "--config", config.toString(), "support");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).isEmpty();
    assertThat(cli.outLines()).singleElement().asString().startsWith("support  OK ");
  }
}
