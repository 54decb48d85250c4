package org.outmail.examples;

import java.util.concurrent.Callable;
import org.outmail.MailboxRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code outmail list}: the grid of mailboxes. Makes no connection. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class,
    description = "Prints the mailboxes of the file as a table: id, name, type, status, from, protocol, "
        + "host:port, encryption, default. Connects to nothing.")
final class ListCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    try (MailboxRegistry registry = config.load()) {
      MailboxGrid.lines(registry.mailboxes()).forEach(spec.commandLine().getOut()::println);
    }
    return OutmailCli.OK;
  }
}
