package org.outmail.examples;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Setting;
import org.outmail.oauth.OAuthClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outmail list}: the grid of mailboxes, or every key a file may hold. Makes no connection. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Prints the mailboxes of the file as a table: id, name, type, status, from, protocol, "
    + "host:port, encryption, default. With --settings, prints every key a configuration file may "
    + "hold, of the mailboxes, OAuth clients and each transport on the classpath, and the token store's file "
    + "(choice values are read in any case). Connects to nothing.", exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:the table (or the keys) was printed",
        "2:usage error: unknown option, neither or both of --config and --settings",
        "3:configuration error: unreadable file, unknown key, bad value, unresolvable secret reference"})
final class ListCommand implements Callable<Integer> {
  /** Either a file's mailboxes or the keys. */
  static final class What {
    @Option(names = {"-c",
        "--config"}, required = true, paramLabel = "FILE", description = "The mailboxes' properties file (outmail.mailbox.ID.FIELD=value).") java.nio.file.@Nullable Path file;

    @Option(names = "--settings", required = true, description = "Print the keys of a configuration file instead: name, type, default, help.") boolean settings;
  }

  @ArgGroup(exclusive = true, multiplicity = "1") What what;

  @Mixin OutputOptions output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (what.settings) {
      settings().forEach(out::println);
      return OutmailCli.OK;
    }
    try (MailboxRegistry registry = MailboxRegistry.load(
        Objects.requireNonNull(what.file, "the group requires a file or --settings"))) {
      MailboxGrid.lines(registry.mailboxes()).forEach(out::println);
    }
    return OutmailCli.OK;
  }

  /** The file's one key outside a mailbox or an OAuth client. */
  private static final Setting TOKEN_STORE = Setting.builder("token-store.file", Setting.Type.PATH)
      .help("Where refresh tokens (validated or rotated) are kept: a properties file readable by its owner only, "
          + "replaced atomically; in memory when not set.")
      .build();

  /** Every key, from the one description of each setting. */
  static List<String> settings() {
    Table t = new Table("KEY", "TYPE", "DEFAULT", "HELP");
    add(t, "outmail.mailbox.ID.", Mailbox.textForm().fields());
    MailboxRegistry.transportSettings()
        .forEach((protocol, settings) -> add(t, "outmail.mailbox.ID." + protocol + ".", settings));
    add(t, "outmail.oauth-client.NAME.", OAuthClient.textForm().fields());
    add(t, "outmail.", List.of(TOKEN_STORE));
    return t.lines();
  }

  private static void add(Table t, String prefix, List<Setting> settings) {
    for (Setting s : settings) {
      String type = s.type().name().toLowerCase(Locale.ROOT)
          + (s.allowedValues().isEmpty() ? "" : " " + String.join("|", s.allowedValues()));
      t.row(prefix + s.name(), type, s.required() ? "required" : s.defaultValue().orElse(""), s.help());
    }
  }
}
