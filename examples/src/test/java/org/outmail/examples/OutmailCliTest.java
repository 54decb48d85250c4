package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What every command shares: help, exit codes, one-line errors for a bad configuration file. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutmailCliTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"list", "check", "send"})
  void everyCommandHasHelp(String command) {
    Cli cli = Cli.run(command, "--help");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).startsWith("Usage: outmail " + command + " ").contains("--config=FILE");
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void topLevelHelpListsCommandsAndExitCodes() {
    Cli cli = Cli.run("--help");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("list", "check", "send", "Exit codes:",
        "0   success", "1   a check failed", "2   usage error", "3   configuration error", "${env:NAME}");
  }

  @Test
  void noCommandIsAUsageError() {
    Cli cli = Cli.run();

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly("outmail: Missing required subcommand (see outmail --help)");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Cli cli = Cli.run("list", "--config", "x.properties", "--password", "secret");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).singleElement().asString().startsWith("outmail list: Unknown option");
  }

  @ParameterizedTest
  @ValueSource(strings = {"list", "check"})
  void unknownKeyIsAConfigurationErrorNamingTheKey(String command) {
    List<String> lines = TestConfig.mailboxes(2525);
    lines.add("outmail.mailbox.support.colour=blue");
    Path config = TestConfig.write(dir, lines);

    Cli cli = Cli.run(command, "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines()).singleElement().asString()
        .startsWith("outmail " + command + ": outmail.mailbox.support.colour: unknown key");
  }

  @Test
  void badValueIsAConfigurationErrorNamingTheKey() {
    List<String> lines = TestConfig.mailboxes(2525);
    lines.replaceAll(l -> l.startsWith("outmail.mailbox.sales.port=") ? "outmail.mailbox.sales.port=smtp" : l);
    Path config = TestConfig.write(dir, lines);

    Cli cli = Cli.run("list", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines()).containsExactly(
        "outmail list: outmail.mailbox.sales.port: 'smtp' is not a whole number");
  }

  @Test
  void passwordComesFromTheFileReferenceAndNeverShows() throws Exception {
    Path secret = Files.writeString(dir.resolve("smtp-password"), "s3cr3t-value\n");
    Path config = TestConfig.write(dir, 2525,
        "outmail.mailbox.inbox.username=support@example.com",
        "outmail.mailbox.inbox.password=${file:" + secret + "}");

    Cli cli = Cli.run("list", "--config", config.toString());

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).doesNotContain("s3cr3t");
  }

  @Test
  void unsetEnvironmentReferenceIsAConfigurationError() {
    Path config = TestConfig.write(dir, 2525,
        "outmail.mailbox.inbox.username=support@example.com",
        "outmail.mailbox.inbox.password=${env:OUTMAIL_TEST_SURELY_UNSET_VARIABLE}");

    Cli cli = Cli.run("list", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines()).containsExactly("outmail list: outmail.mailbox.inbox.password: "
        + "environment variable OUTMAIL_TEST_SURELY_UNSET_VARIABLE is not set");
  }

  @Test
  void fileWithoutOutmailKeysIsAConfigurationErrorNamingTheNearMiss() {
    List<String> lines = TestConfig.mailboxes(2525);
    lines.replaceAll(l -> l.replace("outmail.mailbox.", "outmial.mailbox."));
    Path config = TestConfig.write(dir, lines);

    Cli cli = Cli.run("list", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines())
        .containsExactly("outmail list: no mailboxes in " + config + ": no key starts with outmail.; "
            + "outmial.mailbox.support.name (line 1): did you mean outmail.mailbox.support.name?");
  }

  @ParameterizedTest
  @CsvSource({"sned, send", "chek, check", "lsit, list", "snik, sink", "sen, send"})
  void mistypedCommandSuggestsTheClosestOne(String typed, String meant) {
    Cli cli = Cli.run(typed);

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly(
        "outmail: unknown command '" + typed + "'; did you mean '" + meant + "'? (see outmail --help)");
  }

  @Test
  void commandFarFromEveryOneSuggestsNone() {
    Cli cli = Cli.run("deploy");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly("outmail: unknown command 'deploy' (see outmail --help)");
  }

  @Test
  void mistypedOptionSuggestsTheClosestOne() {
    Cli cli = Cli.run("send", "--config", "x.properties", "--to", "a@example.org", "--subject", "S",
        "--text", "T", "--recrod", "4711");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).singleElement().asString()
        .startsWith("outmail send: Unknown option").contains("did you mean '--record'?");
  }

  @Test
  void mistypedRequiredOptionSuggestsTheClosestOneRatherThanSayingItIsMissing() {
    Cli cli = Cli.run("send", "--config", "x.properties", "--to", "a@example.org", "--subjekt", "S", "--text", "T");

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.errLines()).containsExactly(
        "outmail send: unknown option '--subjekt'; did you mean '--subject'? (see outmail send --help)");
  }

  @Test
  void misspeltTransportSettingIsNamedByItsFullKeyInTheFile() {
    Path config = TestConfig.write(dir, 2525, "outmail.mailbox.support.smtp.max-conections=4");

    Cli cli = Cli.run("check", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines()).singleElement().asString()
        .startsWith("outmail check: outmail.mailbox.support.smtp.max-conections: ")
        .contains("max-connections")
        .doesNotContain("mailbox 'support': smtp.max-conections");
  }

  @Test
  void listHelpShowsItsOwnExitCodes() {
    Cli cli = Cli.run("list", "--help");

    assertThat(cli.out()).contains("Exit codes:", "0   the table (or the keys) was printed",
        "2   usage error", "3   configuration error").doesNotContain("1   ");
  }

  @Test
  void checkHelpShowsItsOwnExitCodes() {
    Cli cli = Cli.run("check", "--help");

    assertThat(cli.out()).contains("Exit codes:", "0   every OUT mailbox checked passed",
        "1   a check failed: its line says at which stage", "2   usage error", "3   configuration error")
        .doesNotContain("the send failed");
  }

  @Test
  void sendHelpShowsItsOwnExitCodesAndOptions() {
    Cli cli = Cli.run("send", "--help");

    assertThat(cli.out()).contains("--cc=ADDR", "--bcc=ADDR", "--reply-to=ADDR", "--html=H", "--html-file=F",
        "--record=ID", "--verbose", "--quiet", "1     not sent", "refused by the",
        "130   interrupted (Ctrl-C) while sending: the mail may or may not have gone");
  }

  @Test
  void topLevelHelpPointsANewcomerAtTheSink() {
    Cli cli = Cli.run("--help");

    assertThat(cli.out()).contains("sink", "outmail sink", "examples/mailboxes-sink.properties");
  }
}
