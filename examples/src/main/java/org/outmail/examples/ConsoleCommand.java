package org.outmail.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;
import org.outmail.SecretsKey;
import org.outmail.console.ConsoleOptions;
import org.outmail.console.OutmailConsole;
import org.outmail.jdbc.JdbcMailboxStore;
import org.outmail.outbox.Outbox;
import org.outmail.outbox.OutboxStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code outmail console}: the admin console over a properties file (shown and checked, not
 * changed) or a database (edited; {@code --import} copies a properties file's mailboxes in first): a
 * SQLite file, named by its path or a {@code jdbc:sqlite:} URL, or PostgreSQL.
 * The password and the secrets key come from the environment, never from options.
 */
@Command(name = "console", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = {
    "Runs the admin console (grid, form, Check) on 127.0.0.1 until Ctrl-C.",
    "Log in as --user with the password in $$OUTMAIL_CONSOLE_PASSWORD (at least 12 characters). "
        + "Over --jdbc, secrets are encrypted with the key in $$OUTMAIL_SECRETS_KEY "
        + "(make one with --new-key)."}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "1:the console cannot start (port in use, database unreachable)",
            "2:usage error",
            "3:configuration error: bad file, no password, no or wrong secrets key, an H2 database from an earlier snapshot"})
final class ConsoleCommand implements Callable<Integer> {
  static final String PASSWORD_VARIABLE = "OUTMAIL_CONSOLE_PASSWORD";
  static final String KEY_VARIABLE = "OUTMAIL_SECRETS_KEY";

  static final class Source {
    @Option(names = {"-c",
        "--config"}, paramLabel = "FILE", description = "A properties file: its mailboxes are shown and checked, never changed.")
    @Nullable Path config;

    @Option(names = "--jdbc", paramLabel = "URL|FILE", description = "A database: a SQLite file (a path, or jdbc:sqlite:FILE; created when missing) or a "
        + "PostgreSQL URL (jdbc:postgresql://...). Mailboxes there are edited; tables are created when missing.")
    @Nullable String jdbcUrl;

    @Option(names = "--new-key", description = "Prints a new secrets key for $$" + KEY_VARIABLE
        + " and exits.") boolean newKey;
  }

  @ArgGroup(exclusive = true, multiplicity = "1") Source source;

  @Option(names = "--import", paramLabel = "FILE", description = "With --jdbc: saves the mailboxes of this properties file in the database first (those not there yet).")
  @Nullable Path importFile;

  @Option(names = "--outbox", paramLabel = "DIR", description = "An embedded outbox store's directory (the one holding outbox.db): shown on the console's Outbox "
      + "screen, where mails are searched, retried and cancelled. Nothing is sent from the console: Retry now makes a "
      + "mail due for the application that delivers from this store, once it runs again.")
  @Nullable Path outboxStore;

  @Option(names = {"-p",
      "--port"}, paramLabel = "PORT", defaultValue = "8480", description = "The port (default ${DEFAULT-VALUE}); 0 takes a free one.") int port;

  @Option(names = "--user", paramLabel = "NAME", defaultValue = "admin", description = "The user name to log in with (default ${DEFAULT-VALUE}).") String user;

  @Option(names = "--without-login", description = "No login: only on 127.0.0.1, for one administrator's own machine.") boolean withoutLogin;

  @Spec CommandSpec spec;

  private final Function<String, String> environment;

  ConsoleCommand() {
    this(System::getenv);
  }

  ConsoleCommand(Function<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    if (source.newKey) {
      out.println(SecretsKey.generate());
      return OutmailCli.OK;
    }
    if (importFile != null && source.jdbcUrl == null) {
      throw new ParameterException(spec.commandLine(), "--import needs --jdbc: a properties file cannot be written");
    }
    ConsoleOptions.Builder options = ConsoleOptions.builder().port(port);
    if (withoutLogin) {
      options.withoutLogin();
    } else {
      String password = environment.apply(PASSWORD_VARIABLE);
      if (password == null || password.isEmpty()) {
        err.println(name + ": set " + PASSWORD_VARIABLE + " to the password of '" + user + "' (at least "
            + ConsoleOptions.MIN_PASSWORD_LENGTH + " characters); there is no default password");
        return OutmailCli.CONFIG;
      }
      try {
        options.user(user, Secret.of(password));
      } catch (IllegalArgumentException e) {
        err.println(name + ": " + e.getMessage());
        return OutmailCli.CONFIG;
      }
    }
    MailboxStore store = source.config != null ? MailboxStore.propertiesFile(source.config) : jdbcStore();
    try (MailboxRegistry registry = MailboxRegistry.builder().store(store).build()) {
      if (importFile != null) {
        int n = 0;
        for (Mailbox m : MailboxStore.propertiesFile(importFile).list()) {
          if (store.get(m.id()).isEmpty()) {
            registry.save(m);
            n++;
          }
        }
        out.println(name + ": imported " + n + " mailbox(es) from " + importFile);
      }
      // the embedded store is opened without delivery workers: the console shows and changes it, sends nothing
      try (Outbox outbox = outboxStore == null ? null
          : Outbox.builder().registry(registry).store(OutboxStore.embedded(outboxStore)).workers(0).build()) {
        if (outbox != null) {
          options.outbox(outbox);
        }
        try (OutmailConsole console = OutmailConsole.start(registry, options.build())) {
          out.println(name + ": " + console.uri() + (withoutLogin ? " (without login)" : " (user " + user + ")")
              + ", " + registry.mailboxes().size() + " mailbox(es)" + (store.readOnly() ? ", read-only" : "")
              + (outbox != null ? ", the outbox in " + outboxStore : "") + ". Ctrl-C stops it.");
          out.flush();
          new CountDownLatch(1).await(); // until Ctrl-C ends the JVM, or the thread is interrupted
        } catch (InterruptedException e) {
          // stopped by whoever runs this command in-process
        }
      }
    } finally {
      store.close();
    }
    return OutmailCli.OK;
  }

  private MailboxStore jdbcStore() {
    String key = environment.apply(KEY_VARIABLE);
    if (key == null || key.isEmpty()) {
      throw new MailboxConfigException(null, KEY_VARIABLE, "set " + KEY_VARIABLE + " to the key that encrypts the "
          + "database's secrets; make one with 'outmail console --new-key' and keep it outside the database");
    }
    SecretsKey secretsKey;
    try {
      secretsKey = SecretsKey.of(Secret.of(key));
    } catch (IllegalArgumentException e) {
      throw new MailboxConfigException(null, KEY_VARIABLE, KEY_VARIABLE + ": " + e.getMessage());
    }
    String url = Objects.requireNonNull(source.jdbcUrl, "without --config, picocli requires --jdbc");
    JdbcMailboxStore.Builder store = url.startsWith("jdbc:")
        ? JdbcMailboxStore.builder(url)
        : JdbcMailboxStore.builder(Path.of(url));
    return store.secretsKey(secretsKey).build();
  }
}
