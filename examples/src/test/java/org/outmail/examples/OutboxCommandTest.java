package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxState;
import org.outmail.outbox.OutboxStore;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboxCommandTest {
  @TempDir Path dir;

  Path config;
  Path store;
  long queued;
  long deferred;
  long other;

  /** Three mails through mailboxes on a closed port: one tried once (deferred), two never tried. */
  @BeforeEach
  void enqueue() {
    config = TestConfig.write(dir, TestConfig.closedPort());
    store = dir.resolve("outbox");
    try (MailboxRegistry registry = MailboxRegistry.load(config);
        Outbox outbox = Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(0).build()) {
      deferred = outbox.enqueue(registry.outgoing("sales"), mail("Quote 17"));
      assertThat(outbox.deliverDue()).isEqualTo(1);
      queued = outbox.enqueue(registry.outgoing("sales"), mail("Printer jammed"));
      other = outbox.enqueue(registry.outgoing("sales"), mail("Weekly digest"));
      assertThat(outbox.status(deferred).orElseThrow().state()).isEqualTo(OutboxState.DEFERRED);
    }
  }

  private static Email mail(String subject) {
    return Email.builder().to("alice@example.org").subject(subject).text("Hello.").build();
  }

  private Cli outbox(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("outbox"));
    all.addAll(List.of(args));
    all.addAll(List.of("--store", store.toString(), "--config", config.toString()));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void listPrintsEveryMailAsATable() {
    Cli cli = outbox("list");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<String> lines = cli.outLines();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("ID\\s+STATE\\s+MAILBOX\\s+SUBJECT\\s+ATTEMPTS\\s+NEXT ATTEMPT\\s+LAST ERROR");
    assertThat(lines.get(1))
        .matches(deferred + "\\s+DEFERRED\\s+sales\\s+Quote 17\\s+1\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+\\S.*");
    assertThat(lines.get(2)).matches(queued + "\\s+QUEUED\\s+sales\\s+Printer jammed\\s+0\\s+\\S+Z");
    assertThat(lines.get(3)).startsWith(other + " ");
  }

  @Test
  void listFiltersByStateAndLimits() {
    Cli cli = outbox("list", "--state", "QUEUED", "--limit", "1");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.outLines()).hasSize(2);
    assertThat(cli.outLines().get(1)).matches(queued + "\\s+QUEUED\\s+sales\\s+Printer jammed.*");

    Cli none = outbox("list", "--state", "SENT");
    assertThat(none.exitCode()).isZero();
    assertThat(none.outLines()).hasSize(1);
  }

  @Test
  void listWithBadStateOrLimitIsAUsageError() {
    assertThat(outbox("list", "--state", "LOST").exitCode()).isEqualTo(OutmailCli.USAGE);
    Cli cli = outbox("list", "--limit", "0");
    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.err()).contains("--limit must be at least 1");
  }

  @Test
  void showPrintsTheMailAndItsAttempts() {
    Cli cli = outbox("show", Long.toString(deferred));

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .containsPattern("(?m)^state\\s+DEFERRED$")
        .containsPattern("(?m)^mailbox\\s+sales$")
        .containsPattern("(?m)^subject\\s+Quote 17$")
        .containsPattern("(?m)^attempts\\s+1$")
        .containsPattern("(?m)^#\\s+NODE\\s+STARTED\\s+FINISHED\\s+OUTCOME\\s+DETAIL$")
        .containsPattern("(?m)^1\\s+\\S+\\s+\\S+Z\\s+\\S+Z\\s+DEFERRED\\s+\\S");

    Cli fresh = outbox("show", Long.toString(queued));
    assertThat(fresh.exitCode()).isZero();
    assertThat(fresh.out()).contains("No attempts yet.");
  }

  @Test
  void cancelThenRetry() {
    Cli cancel = outbox("cancel", Long.toString(queued));
    assertThat(cancel.exitCode()).as(cancel.err()).isZero();
    assertThat(cancel.outLines()).containsExactly(queued + " CANCELLED");

    Cli again = outbox("cancel", Long.toString(queued));
    assertThat(again.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(again.errLines()).containsExactly("outmail outbox cancel: mail " + queued
        + " is CANCELLED: only a queued, deferred or unknown mail can be cancelled");

    Cli retry = outbox("retry", Long.toString(queued));
    assertThat(retry.exitCode()).as(retry.err()).isZero();
    assertThat(retry.outLines()).singleElement().asString().startsWith(queued + " QUEUED (next attempt ");

    Cli retryDeferred = outbox("retry", Long.toString(deferred));
    assertThat(retryDeferred.exitCode()).isZero();
    assertThat(retryDeferred.out()).startsWith(deferred + " ");
  }

  @Test
  void unknownIdFails() {
    for (String command : List.of("show", "retry", "cancel")) {
      Cli cli = outbox(command, "999");
      assertThat(cli.exitCode()).as(command).isEqualTo(OutmailCli.FAILED);
      assertThat(cli.errLines()).containsExactly("outmail outbox " + command + ": no mail with id 999 in the outbox");
      assertThat(cli.out()).isEmpty();
    }
  }

  @Test
  void withoutStoreIsAUsageError() {
    Cli cli = Cli.run("outbox", "list", "--config", config.toString());
    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.err()).contains("--store");
  }
}
