package org.outmail.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxRegistry;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxAttempt;
import org.outmail.outbox.OutboxEntry;
import org.outmail.outbox.OutboxState;
import org.outmail.outbox.OutboxStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code outmail outbox}: looks into an embedded outbox store and retries or cancels its mails.
 * Opens the store without delivery workers: nothing is sent by these commands.
 */
@Command(name = "outbox", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Lists, shows, retries and cancels the mails of an embedded outbox store (--store DIR). "
    + "Sends nothing: the store is opened without delivery workers, while no other process has it open.", subcommands = {
        OutboxCommand.ListMails.class, OutboxCommand.Show.class, OutboxCommand.Retry.class,
        OutboxCommand.Cancel.class, HelpCommand.class})
final class OutboxCommand {
  private OutboxCommand() {}

  /** The options every outbox command takes: the store and the registry the outbox is built with. */
  static final class StoreOptions {
    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The embedded outbox store's directory (the one holding outbox.db).") Path store;

    @Mixin ConfigOption config;

    @Mixin OutputOptions output;

    /** Opens the outbox with no workers; the caller closes the registry after the outbox. */
    Outbox open(MailboxRegistry registry) {
      return Outbox.builder().registry(registry).store(OutboxStore.embedded(store)).workers(0).build();
    }
  }

  /** Runs {@code action} on the opened outbox and closes both. */
  private interface Action {
    int run(Outbox outbox, PrintWriter out, PrintWriter err);
  }

  private static int withOutbox(StoreOptions options, CommandSpec spec, Action action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (MailboxRegistry registry = options.config.load(); Outbox outbox = options.open(registry)) {
      return action.run(outbox, out, err);
    }
  }

  private static int unknown(CommandSpec spec, long id) {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": no mail with id " + id + " in the outbox");
    return OutmailCli.FAILED;
  }

  static String time(Optional<Instant> t) {
    return t.map(OutboxCommand::time).orElse("-");
  }

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String oneLine(Optional<String> s) {
    return s.map(v -> v.replaceAll("\\s*\\R\\s*", " ")).orElse("");
  }

  static List<String> table(List<OutboxEntry> entries) {
    Table t = new Table("ID", "STATE", "MAILBOX", "SUBJECT", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR");
    for (OutboxEntry e : entries) {
      t.row(Long.toString(e.id()), e.state().name(), e.mailboxId(), e.subject(), Integer.toString(e.attempts()),
          time(e.nextAttemptAt()), oneLine(e.lastError()));
    }
    return t.lines();
  }

  /** {@code outmail outbox list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Prints the mails as a table, by id: id, state, mailbox, subject, attempts, next attempt, last error.", exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:the table was printed", "1:the store could not be opened", "2:usage error",
      "3:configuration error"})
  static final class ListMails implements Callable<Integer> {
    @Mixin StoreOptions options;

    @Option(names = "--state", paramLabel = "STATE", description = "Only mails in this state: ${COMPLETION-CANDIDATES}. Default: every state.")
    @Nullable OutboxState state;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N mails (default ${DEFAULT-VALUE}).") int limit;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--limit must be at least 1, was " + limit);
      }
      return withOutbox(options, spec, (outbox, out, err) -> {
        List<OutboxEntry> entries = new ArrayList<>();
        for (OutboxState s : state == null ? OutboxState.values() : new OutboxState[] {state}) {
          entries.addAll(outbox.list(s, limit));
        }
        entries.sort(Comparator.comparingLong(OutboxEntry::id));
        table(entries.subList(0, Math.min(limit, entries.size()))).forEach(out::println);
        return OutmailCli.OK;
      });
    }
  }

  /** {@code outmail outbox show ID}. */
  @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Prints one mail and its attempts.", exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:the mail was printed", "1:no mail with the id, or the store could not be opened",
      "2:usage error", "3:configuration error"})
  static final class Show implements Callable<Integer> {
    @Mixin StoreOptions options;

    @Parameters(paramLabel = "ID", description = "The mail's id.") long id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return withOutbox(options, spec, (outbox, out, err) -> {
        Optional<OutboxEntry> found = outbox.status(id);
        if (found.isEmpty()) {
          return unknown(spec, id);
        }
        OutboxEntry e = found.get();
        Table t = new Table("FIELD", "VALUE");
        t.row("id", Long.toString(e.id()))
            .row("state", e.state().name())
            .row("mailbox", e.mailboxId())
            .row("subject", e.subject())
            .row("message-id", e.messageId())
            .row("idempotency-key", e.idempotencyKey().orElse("-"))
            .row("created", time(e.createdAt()))
            .row("next attempt", time(e.nextAttemptAt()))
            .row("expires", time(e.expiresAt()))
            .row("finished", time(e.finishedAt()))
            .row("attempts", Integer.toString(e.attempts()))
            .row("last error", oneLine(e.lastError()));
        if (!e.acceptedRecipients().isEmpty()) {
          t.row("accepted", String.join(", ", e.acceptedRecipients()));
        }
        e.rejectedRecipients().forEach((r, reply) -> t.row("rejected", r + ": " + oneLine(Optional.of(reply))));
        if (!e.pendingRecipients().isEmpty()) {
          t.row("pending", String.join(", ", e.pendingRecipients()));
        }
        t.lines().stream().skip(1).forEach(out::println);
        List<OutboxAttempt> attempts = outbox.attempts(id);
        out.println();
        if (attempts.isEmpty()) {
          out.println("No attempts yet.");
        } else {
          Table a = new Table("#", "NODE", "STARTED", "FINISHED", "OUTCOME", "DETAIL");
          for (OutboxAttempt at : attempts) {
            a.row(Integer.toString(at.number()), at.node(), time(at.startedAt()), time(at.finishedAt()),
                at.outcome().orElse("-"), oneLine(at.detail()));
          }
          a.lines().forEach(out::println);
        }
        return OutmailCli.OK;
      });
    }
  }

  /** Retry and cancel: act, then print the new state. */
  abstract static class Change implements Callable<Integer> {
    @Mixin StoreOptions options;

    @Parameters(paramLabel = "ID", description = "The mail's id.") long id;

    @Spec CommandSpec spec;

    abstract boolean act(Outbox outbox);

    abstract String refusal();

    @Override
    public Integer call() {
      return withOutbox(options, spec, (outbox, out, err) -> {
        Optional<OutboxEntry> before = outbox.status(id);
        if (before.isEmpty()) {
          return unknown(spec, id);
        }
        if (!act(outbox)) {
          err.println(spec.qualifiedName() + ": mail " + id + " is " + before.get().state() + ": " + refusal());
          return OutmailCli.FAILED;
        }
        OutboxEntry after = outbox.status(id).orElseThrow();
        out.println(id + " " + after.state() + (after.nextAttemptAt().isPresent()
            ? " (next attempt " + time(after.nextAttemptAt()) + ")" : ""));
        return OutmailCli.OK;
      });
    }
  }

  /** {@code outmail outbox retry ID}. */
  @Command(name = "retry", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Makes the mail due now: a deferred one is tried at once by the process that delivers; a failed, "
      + "expired, unknown or cancelled one is queued again. Prints the new state.", exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
          "0:the mail is due now", "1:no mail with the id, or it is sent or being sent",
          "2:usage error", "3:configuration error"})
  static final class Retry extends Change {
    @Override
    boolean act(Outbox outbox) {
      return outbox.retryNow(id);
    }

    @Override
    String refusal() {
      return "a mail that is sent or being sent cannot be retried";
    }
  }

  /** {@code outmail outbox cancel ID}. */
  @Command(name = "cancel", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Cancels a mail that waits (queued, deferred or unknown). Prints the new state.", exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:the mail is cancelled", "1:no mail with the id, or it is being sent or finished",
      "2:usage error", "3:configuration error"})
  static final class Cancel extends Change {
    @Override
    boolean act(Outbox outbox) {
      return outbox.cancel(id);
    }

    @Override
    String refusal() {
      return "only a queued, deferred or unknown mail can be cancelled";
    }
  }
}
