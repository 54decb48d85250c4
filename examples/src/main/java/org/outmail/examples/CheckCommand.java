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
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code outmail check}: the Check button, for each mailbox or the named ones. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = {
    "Runs Check on each OUT mailbox (or the named ones): connects, negotiates TLS and "
        + "authenticates (or gets a token), and prints one line per mailbox: OK, FAILED [stage] or "
        + "SKIPPED for IN mailboxes. A check still running after a second is announced on stderr."}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:every OUT mailbox checked passed (IN mailboxes are skipped)",
            "1:a check failed: its line says at which stage (connect, tls, starttls, auth, token)",
            "2:usage error: unknown or missing option",
            "3:configuration error: unreadable file, unknown key, bad value, unknown mailbox id"})
final class CheckCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Mixin PortOption port;

  @Parameters(paramLabel = "ID", arity = "0..*", description = "Mailboxes to check; every mailbox of the file when none is named.") List<String> ids = new ArrayList<>();

  @Mixin OutputOptions output;

  @ParentCommand OutmailCli cli;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (MailboxRegistry registry = port.load(config); Progress progress = cli.progress(spec.commandLine(), output)) {
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
        CheckResult result;
        Progress.Step step = progress.slow("checking " + m.id() + " (" + where(m) + ")...");
        try {
          result = registry.outgoing(m.id()).check();
        } finally {
          step.close();
        }
        checked++;
        out.println(id + "  " + line(result) + dkim(m));
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

  /**
   * What the check line adds about DKIM for an SMTP mailbox that does not sign (one that signs has
   * the transport's check say so); nothing for other protocols.
   */
  static String dkim(Mailbox m) {
    if (!m.protocol().equals("smtp") || m.settings().containsKey("smtp.dkim.domain")) {
      return "";
    }
    return "; DKIM not configured (outmail dkim keygen)";
  }

  /** {@code smtp, 127.0.0.1:2525}, or just the protocol when the mailbox names no host. */
  static String where(Mailbox m) {
    return m.protocol() + (m.servers().isEmpty() ? "" : ", " + m.servers().stream().map(Object::toString)
        .collect(java.util.stream.Collectors.joining(", ")));
  }

  /** {@code OK       message (12 ms)} or {@code FAILED   [connect] message (3 ms)}. */
  static String line(CheckResult result) {
    String status = result.ok() ? "OK     " : "FAILED ";
    String stage = result.stage().map(s -> "[" + s.name().toLowerCase(java.util.Locale.ROOT) + "] ").orElse("");
    return status + "  " + stage + result.message() + " (" + result.elapsed().toMillis() + " ms)";
  }
}
