package org.outmail.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code outmail check}: the Check button, for each mailbox or the named ones. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class,
    description = {"Runs Check on each OUT mailbox (or the named ones): connects, negotiates TLS and "
        + "authenticates (or gets a token), and prints one line per mailbox: OK, FAILED [stage] or "
        + "SKIPPED for IN mailboxes.",
        "Exits 1 if any check failed."})
final class CheckCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "ID", arity = "0..*",
      description = "Mailboxes to check; every mailbox of the file when none is named.")
  List<String> ids = new ArrayList<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (MailboxRegistry registry = config.load()) {
      List<Mailbox> targets = new ArrayList<>();
      if (ids.isEmpty()) {
        targets.addAll(registry.mailboxes());
      } else {
        ids.forEach(id -> targets.add(registry.mailbox(id))); // an unknown id fails before any check
      }
      int width = targets.stream().mapToInt(m -> m.id().length()).max().orElse(0);
      List<String> failed = new ArrayList<>();
      int checked = 0;
      for (Mailbox m : targets) {
        String id = m.id() + " ".repeat(width - m.id().length());
        if (m.type() != MailboxType.OUT) {
          out.println(id + "  SKIPPED  IN mailbox: outmail checks outgoing mailboxes only");
          continue;
        }
        CheckResult result = registry.outgoing(m.id()).check();
        checked++;
        out.println(id + "  " + line(result));
        out.flush();
        if (!result.ok()) {
          failed.add(m.id());
        }
      }
      if (!failed.isEmpty()) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": check failed for "
            + String.join(", ", failed) + " (" + failed.size() + " of " + checked + ")");
        return OutmailCli.FAILED;
      }
    }
    return OutmailCli.OK;
  }

  /** {@code OK       message (12 ms)} or {@code FAILED   [connect] message (3 ms)}. */
  static String line(CheckResult result) {
    String status = result.ok() ? "OK     " : "FAILED ";
    String stage = result.stage().map(s -> "[" + s + "] ").orElse("");
    return status + "  " + stage + result.message() + " (" + result.elapsed().toMillis() + " ms)";
  }
}
