package org.outmail.examples;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --port PORT} of {@code check} and {@code send}: every OUT mailbox that names a host
 * connects to that port instead of its own, so that a file pointing at {@code outmail sink} follows
 * a sink started with {@code --port}.
 */
final class PortOption {
  @Option(names = {"-p",
      "--port"}, paramLabel = "PORT", description = "Connect every OUT mailbox to this port of its host instead of the file's, e.g. to an "
          + "'outmail sink --port PORT' when 2525 is taken.")
  @Nullable Integer port;

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  /** Loads the file; with {@code --port}, the OUT mailboxes' port replaced. */
  MailboxRegistry load(ConfigOption config) {
    if (port == null) {
      return config.load();
    }
    if (port < 1 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port " + port + ": not a port (1 to 65535)");
    }
    try (MailboxRegistry loaded = config.load()) {
      List<Mailbox> moved = loaded.mailboxes().stream()
          .map(m -> m.type() == MailboxType.OUT && m.host().isPresent() ? m.toBuilder().port(port).build() : m)
          .toList();
      return MailboxRegistry.builder().mailboxes(moved).tokenStore(loaded.tokenStore()).build();
    }
  }
}
