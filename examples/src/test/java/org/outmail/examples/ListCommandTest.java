package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Setting;
import org.outmail.oauth.OAuthClient;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListCommandTest {
  @TempDir Path dir;

  @Test
  void listPrintsEveryMailboxAsAnAlignedTable() {
    Path config = TestConfig.write(dir, 2525);

    Cli cli = Cli.run("list", "--config", config.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.err()).isEmpty();
    String[] lines = cli.out().split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).matches(
        "ID\\s+NAME\\s+TYPE\\s+STATUS\\s+FROM\\s+PROTOCOL\\s+HOST:PORT\\s+ENCRYPTION\\s+DEFAULT");
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("support\\s+Service Desk\\s+OUT\\s+ENABLED\\s+"
        + "Your Service Desk <support@example.com>\\s+smtp\\s+127\\.0\\.0\\.1:2525\\s+NONE\\s+yes"));
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("sales\\s+Sales Team\\s+OUT\\s+ENABLED\\s+"
        + "Example Sales <sales@example.com>\\s+smtp\\s+127\\.0\\.0\\.1:2525\\s+NONE"));
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("inbox\\s+Service Desk Inbox\\s+IN\\s+ENABLED\\s+"
        + "support@example.com\\s+imap\\s+imap\\.example\\.com:993\\s+SSL_TLS"));
    for (String column : new String[] {"NAME", "TYPE", "FROM", "HOST:PORT", "DEFAULT"}) {
      int at = lines[0].indexOf(column);
      for (String line : lines) {
        if (line.length() <= at) {
          continue; // an empty last column
        }
        assertThat(line.charAt(at - 1)).as("column %s starts at %d in: %s", column, at, line).isEqualTo(' ');
        assertThat(line.charAt(at - 2)).as("column %s in: %s", column, line).isEqualTo(' ');
      }
    }
  }

  @Test
  void listShowsDisabledMailboxes() {
    Path config = TestConfig.write(dir, 2525, "outmail.mailbox.sales.status=DISABLED");

    Cli cli = Cli.run("list", "--config", config.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).containsPattern("sales\\s+Sales Team\\s+OUT\\s+DISABLED");
  }

  @Test
  void listOfMissingFileIsAConfigurationError() {
    Path missing = dir.resolve("nope.properties");

    Cli cli = Cli.run("list", "--config", missing.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines()).hasSize(1);
    assertThat(cli.err()).startsWith("outmail list: cannot read mailbox configuration " + missing);
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void listWithoutConfigIsAUsageError() {
    Cli cli = Cli.run("list");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly(
        "outmail list: Missing required argument (specify one of these): (-c=FILE | --settings) (see outmail list --help)");
  }

  @Test
  void settingsListsTheKeysOfMailboxesTransportsAndOAuthClientsFromTheirDescriptions() {
    Cli cli = Cli.run("list", "--settings");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.OK);
    assertThat(cli.outLines().get(0)).matches("KEY +TYPE +DEFAULT +HELP");
    assertThat(cli.outLines()).anyMatch(
        l -> l.matches("outmail\\.mailbox\\.ID\\.encryption +choice NONE\\|SSL_TLS\\|STARTTLS +STARTTLS +NONE, .*"));
    assertThat(cli.outLines())
        .anyMatch(l -> l.matches("outmail\\.mailbox\\.ID\\.smtp\\.max-connections +integer +3 +The most .*"));
    assertThat(cli.outLines()).anyMatch(l -> l.matches(
        "outmail\\.mailbox\\.ID\\.smtp\\.max-recipients-per-transaction +integer +100 +The most recipients .*"));
    assertThat(cli.outLines())
        .anyMatch(l -> l.matches("outmail\\.mailbox\\.ID\\.owa\\.save-to-sent-items +boolean +true +.*"));
    assertThat(cli.outLines())
        .anyMatch(l -> l.matches("outmail\\.oauth-client\\.NAME\\.client-id +text +required +.*"));
  }

  @Test
  void settingsListTheTokenStoreFile() {
    Cli cli = Cli.run("list", "--settings");

    assertThat(cli.outLines()).anyMatch(l -> l.matches("outmail\\.token-store\\.file +path +Where refresh tokens .*"));
  }

  /**
   * The root README names each choice of an OAuth client with its values and default as {@code list
   * --settings} shows them: {@code `provider` (`MICROSOFT`, `GOOGLE` or `GENERIC`; default `GENERIC`)}.
   */
  @Test
  void readmeNamesTheOAuthClientsChoicesAndDefaultsAsListSettingsShowsThem() throws Exception {
    String readme = java.nio.file.Files.readString(Path.of("..", "README.md")).replaceAll("\\s+", " ");
    List<String> lines = Cli.run("list", "--settings").outLines();

    for (Setting s : OAuthClient.textForm().fields()) {
      if (s.type() != Setting.Type.CHOICE) {
        continue;
      }
      List<String> values = s.allowedValues();
      String listed = "`" + String.join("`, `", values.subList(0, values.size() - 1)) + "` or `"
          + values.get(values.size() - 1) + "`";
      String expected = "`" + s.name() + "` (" + listed + "; default `" + s.defaultValue().orElseThrow() + "`)";
      assertThat(readme).contains(expected);
      assertThat(lines).anyMatch(l -> l.matches("outmail\\.oauth-client\\.NAME\\." + s.name() + " +choice "
          + String.join("\\|", values) + " +" + s.defaultValue().orElseThrow() + " .*"));
    }
  }
}
