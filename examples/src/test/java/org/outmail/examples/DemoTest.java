package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the demo's main once, as the README's first command does, and reads what it printed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoTest {
  private static String output;

  @BeforeAll
  static void runDemo() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    output = buffer.toString(StandardCharsets.UTF_8);
    original.print(output);
  }

  @Test
  void printsTheGridWithEveryMailboxOfTheSampleConfiguration() {
    assertThat(output).containsPattern(
        "ID\\s+NAME\\s+TYPE\\s+STATUS\\s+FROM\\s+PROTOCOL\\s+HOST:PORT\\s+ENCRYPTION\\s+DEFAULT");
    assertThat(output).containsPattern("support\\s+Service Desk\\s+OUT\\s+ENABLED\\s+"
        + "Your Service Desk <support@example.com>\\s+smtp\\s+127\\.0\\.0\\.1:\\d+\\s+NONE\\s+yes");
    assertThat(output).containsPattern("sales\\s+Sales Team\\s+OUT\\s+ENABLED\\s+"
        + "Example Sales <sales@example.com>\\s+smtp\\s+127\\.0\\.0\\.1:\\d+\\s+NONE\\s*\n");
    assertThat(output).containsPattern("inbox\\s+Service Desk Inbox\\s+IN\\s+ENABLED\\s+"
        + "support@example.com\\s+imap\\s+imap\\.example\\.com:993\\s+SSL_TLS");
    assertThat(output)
        .contains("support: prefix TICKET#, excludes .*@noreply\\.example\\.com, post-send hooks [audit]");
  }

  @Test
  void checksEachOutMailboxSuccessfully() {
    assertThat(output).containsPattern("(?m)^   support  OK +connected to 127\\.0\\.0\\.1:\\d+");
    assertThat(output).containsPattern("(?m)^   sales    OK +connected to 127\\.0\\.0\\.1:\\d+");
    assertThat(output).doesNotContain("FAILED").doesNotContainPattern("inbox +OK");
  }

  @Test
  void serverReceivesTheNotificationWithDisplayNameAndTaggedSubject() {
    assertThat(output).contains("1 message(s) received");
    assertThat(output).contains("From:       Your Service Desk <support@example.com>");
    assertThat(output).contains("To:         alice@example.org");
    assertThat(output).contains("Subject:    [TICKET#4711] Printer on floor 2 is jammed");
    assertThat(output).contains("accepted by the server: alice@example.org\n");
  }

  @Test
  void excludedRecipientIsBlockedAndSaysWhy() {
    assertThat(output).contains("blocked, not sent: printer-bot@noreply.example.com EXCLUDED "
        + "(the address matches the mailbox's exclude expression)");
    assertThat(output).doesNotContainPattern("To:.*printer-bot");
  }

  @Test
  void postSendHookFoundByServiceLoaderRan() {
    assertThat(output).containsPattern("\\[audit] mailbox 'support' sent <[^>]+> "
        + "\"\\[TICKET#4711] Printer on floor 2 is jammed\" to \\[alice@example.org] for record 4711; "
        + "blocked \\{printer-bot@noreply.example.com=EXCLUDED}");
    assertThat(output).contains("post-send hooks of 'support': [audit]").contains("failures: none");
  }

  @Test
  void recordIdParsesBackFromAReplySubject() {
    assertThat(output).contains("reply subject: RE: AW: [TICKET#4711] Printer on floor 2 is jammed");
    assertThat(output).contains("record id parsed back: 4711");
  }

  /** The README shows the demo's output as it is, but for ports, times and Message-IDs. */
  @Test
  void readmeShowsTheOutputLineForLine() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    Matcher shown = Pattern.compile("Its output:\n\n```\n(.*?)```", Pattern.DOTALL).matcher(readme);

    assertThat(shown.find()).as("the demo's output in examples/README.md").isTrue();
    assertThat(normalised(shown.group(1))).isEqualTo(normalised(output));
  }

  private static List<String> normalised(String text) {
    return text.lines()
        .map(l -> l.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT").replaceAll("\\(\\d+ ms\\)", "(N ms)")
            .replaceAll("<[^<>@ ]+@[^<>@ ]+>", "<ID>").replaceAll("<\\.\\.\\.>", "<ID>").replaceAll(" +", " ")
            .stripTrailing())
        .toList();
  }

  @Test
  void runsToTheEnd() {
    assertThat(output).endsWith("Done.\n");
  }
}
