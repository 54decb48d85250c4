package org.outmail.examples;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.outmail.MailException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxConfigException;
import org.outmail.internal.Suggestions;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The {@code outmail} command-line tool: lists, checks and tries the mailboxes of a configuration
 * file, as the administrator's grid and Check button do, and runs a local SMTP sink to try them on.
 *
 * <p>{@link #execute} runs a command line and returns its exit code, writing to the given
 * writers; only {@link #main} exits the JVM.
 */
@Command(name = "outmail", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Lists, checks and tries the mailboxes of an outmail configuration file.", subcommands = {
    ListCommand.class, CheckCommand.class, SendCommand.class, SinkCommand.class, OAuthCommand.class,
    ConsoleCommand.class,
    OutboxCommand.class,
    DkimCommand.class,
    HelpCommand.class}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:success",
        "1:a check failed, or the send failed or missed a recipient (refused by the server, blocked, "
            + "mailbox disabled), or an outbox command found no such mail or could not act on it",
        "2:usage error: unknown or missing option, bad address, unreadable --text-file or --attach",
        "3:configuration error: unreadable file, unknown key, bad value, unknown mailbox"}, footerHeading = "%n", footer = {
            "Passwords and client secrets are never options: the configuration file refers to them "
                + "as $${env:NAME} or $${file:path}.",
            "No SMTP server at hand? Run 'outmail sink' and try 'outmail check' and 'outmail send' with "
                + "--config examples/mailboxes-sink.properties."})
public final class OutmailCli {
  /** The command succeeded. */
  public static final int OK = 0;
  /** A check failed or the send failed. */
  public static final int FAILED = 1;
  /** The command line was wrong. */
  public static final int USAGE = 2;
  /** The configuration file was wrong, or names no such mailbox. */
  public static final int CONFIG = 3;

  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private final Duration progressAfter;

  private OutmailCli(Duration progressAfter) {
    this.progressAfter = progressAfter;
  }

  public static void main(String[] args) {
    // the terminal's encoding, as the JVM found it
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true);
    System.exit(execute(out, err, args));
  }

  /** Runs a command line, writing to {@code out} and {@code err}, and returns its exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(out, err, Progress.AFTER, args);
  }

  /**
   * As {@link #execute(PrintWriter, PrintWriter, String...)}, with work that runs longer than
   * {@code progressAfter} announced on {@code err} (zero: announced at once).
   */
  static int execute(PrintWriter out, PrintWriter err, Duration progressAfter, String... args) {
    return execute(out, err, progressAfter, System::getenv, args);
  }

  /**
   * As {@link #execute(PrintWriter, PrintWriter, Duration, String...)}, with {@code outmail console}
   * reading its password and secrets key from {@code environment}.
   */
  static int execute(PrintWriter out, PrintWriter err, Duration progressAfter, Function<String, String> environment,
      String... args) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == ConsoleCommand.class ? cls.cast(new ConsoleCommand(environment))
            : CommandLine.defaultFactory().create(cls);
      }
    };
    CommandLine cli = new CommandLine(new OutmailCli(progressAfter), factory);
    cli.setOut(out)
        .setErr(err)
        .setExecutionStrategy(parsed -> {
          configureLogging(parsed);
          return new CommandLine.RunLast().execute(parsed);
        })
        .setParameterExceptionHandler(OutmailCli::usageError)
        .setExecutionExceptionHandler(OutmailCli::failure);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The progress lines of a command, on its stderr. */
  Progress progress(CommandLine command, OutputOptions output) {
    return new Progress(command.getErr(), command.getCommandSpec().qualifiedName(), output.quiet(), progressAfter);
  }

  /**
   * {@code --verbose} and {@code --quiet} set slf4j-simple's level, which it reads once, when the
   * first logger is made: after parsing and before the command runs, nothing has logged yet.
   */
  private static void configureLogging(ParseResult parsed) {
    ParseResult last = parsed;
    while (last.hasSubcommand()) {
      last = last.subcommand();
    }
    if (last.hasMatchedOption("--verbose")) {
      System.setProperty(LOG_LEVEL, "debug");
    } else if (last.hasMatchedOption("--quiet")) {
      System.setProperty(LOG_LEVEL, "off");
    }
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    String name = cli.getCommandSpec().qualifiedName();
    String message = Objects.requireNonNullElse(e.getMessage(), "").replaceFirst("^Error: ", "");
    if (e instanceof MissingParameterException) {
      // a mistyped required option (--subjekt) is taken as a value of the option before it (--to)
      // or left over, and picocli then only says that --subject is missing
      message = mistypedOption(cli, args).orElse(message);
    }
    if (e instanceof UnmatchedArgumentException u) {
      message = unmatched(u, cli, message);
    }
    cli.getErr().println(name + ": " + message + " (see " + name + " --help)");
    return USAGE;
  }

  /**
   * The first word of the command line that looks like a long option of the command, but is none,
   * and is close to one: {@code unknown option '--subjekt'; did you mean '--subject'?}.
   */
  private static Optional<String> mistypedOption(CommandLine cli, String[] args) {
    List<String> names = new ArrayList<>();
    cli.getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
    for (String arg : args) {
      String typed = arg.split("=", 2)[0];
      // long options only: a value such as "-5" is not taken for a mistyped -p
      if (!typed.startsWith("--") || typed.length() < 4 || names.contains(typed)) {
        continue;
      }
      List<String> close = closest(typed, names);
      if (!close.isEmpty()) {
        return Optional.of("unknown option '" + typed + "'; did you mean '" + String.join("' or '", close) + "'?");
      }
    }
    return Optional.empty();
  }

  /** A mistyped command or option, with the closest ones: {@code unknown command 'sned'; did you mean 'send'?}. */
  private static String unmatched(UnmatchedArgumentException e, CommandLine cli, String message) {
    List<String> suggestions = new ArrayList<>(e.getSuggestions());
    boolean command = !e.isUnknownOption() && !cli.getSubcommands().isEmpty()
        && cli.getCommandSpec().positionalParameters().isEmpty() && !e.getUnmatched().isEmpty();
    if (command) {
      String typed = e.getUnmatched().get(0);
      message = "unknown command '" + typed + "'";
      suggestions = closest(typed, cli.getSubcommands().keySet());
    } else if (e.isUnknownOption()) {
      String typed = e.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst().orElse("").split("=", 2)[0];
      List<String> names = new ArrayList<>();
      cli.getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
      List<String> close = closest(typed, names);
      suggestions = close.isEmpty() ? suggestions : close;
    }
    if (suggestions.isEmpty()) {
      return message;
    }
    return message + "; did you mean '" + String.join("' or '", suggestions) + "'?";
  }

  /**
   * The names closest to {@code typed}, at most two edits away (a swap of two letters is one);
   * picocli's own suggestions miss swapped letters ({@code sned}).
   */
  static List<String> closest(String typed, Iterable<String> names) {
    List<String> close = new ArrayList<>();
    int best = Integer.MAX_VALUE;
    for (String name : names) {
      int d = Suggestions.distance(typed, name);
      if (d > 2 || d >= name.length()) {
        continue;
      }
      if (d < best) {
        close.clear();
        best = d;
      }
      if (d == best) {
        close.add(name);
      }
    }
    close.sort(Comparator.naturalOrder());
    return close;
  }

  private static int failure(Exception e, CommandLine cli, ParseResult parsed) {
    String name = cli.getCommandSpec().qualifiedName();
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof MailException) {
      if (e instanceof MailboxConfigException c && fromConfigFile(parsed)) {
        message = withKey(c, message);
      }
      cli.getErr().println(name + ": " + message);
      return e instanceof MailboxConfigException ? CONFIG : FAILED;
    }
    cli.getErr().println(name + ": unexpected error: " + e);
    return FAILED;
  }

  /** Whether the command read its mailboxes from a properties file ({@code --config}). */
  private static boolean fromConfigFile(ParseResult parsed) {
    ParseResult last = parsed;
    while (last.hasSubcommand()) {
      last = last.subcommand();
    }
    return last.hasMatchedOption("--config");
  }

  /**
   * The message of an error about a transport's setting of a mailbox, led by the key of the file it
   * came from when the message does not name it: {@code outmail.mailbox.support.smtp.max-conections: is not a
   * setting of protocol smtp; ...} rather than {@code mailbox 'support': smtp.max-conections is not
   * ...}, so that the line to fix can be found in the file.
   */
  static String withKey(MailboxConfigException e, String message) {
    String id = e.mailboxId();
    String field = e.field();
    if (id == null || field == null || message.contains("outmail.mailbox.")) {
      return message;
    }
    boolean setting = MailboxRegistry.transportSettings().keySet().stream().anyMatch(p -> field.startsWith(p + "."));
    boolean shaped = message.startsWith(MailException.mailboxPrefix(id) + field + " ");
    return setting && shaped ? "outmail.mailbox." + id + "." + field + ": " + e.problem() : message;
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = OutmailCli.class.getPackage().getImplementationVersion();
      return new String[] {"outmail " + (v == null ? "(development build)" : v)};
    }
  }
}
