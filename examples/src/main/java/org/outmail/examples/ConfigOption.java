package org.outmail.examples;

import java.nio.file.Path;
import org.outmail.MailboxRegistry;
import picocli.CommandLine.Option;

/** The {@code --config FILE} every command takes. */
final class ConfigOption {
  @Option(names = {"-c",
      "--config"}, required = true, paramLabel = "FILE", description = "The mailboxes' properties file (outmail.mailbox.ID.FIELD=value); secrets in it "
          + "are written $${env:NAME} or $${file:path}.") Path file;

  /** Loads the registry; a wrong file throws {@link org.outmail.MailboxConfigException} naming the key. */
  MailboxRegistry load() {
    return MailboxRegistry.load(file);
  }
}
