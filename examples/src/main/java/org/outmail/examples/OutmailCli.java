package org.outmail.examples;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.outmail.MailException;
import org.outmail.MailboxConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * The {@code outmail} command-line tool: lists, checks and tries the mailboxes of a configuration
 * file, as the administrator's grid and Check button do.
 *
 * <p>{@link #execute} runs a command line and returns its exit code, writing to the given
 * writers; only {@link #main} exits the JVM.
 */
@Command(
    name = "outmail",
    mixinStandardHelpOptions = true,
    versionProvider = OutmailCli.Version.class,
    description = "Lists, checks and tries the mailboxes of an outmail configuration file.",
    subcommands = {ListCommand.class, CheckCommand.class, SendCommand.class, HelpCommand.class},
    footerHeading = "%n",
    footer = "Passwords and client secrets are never options: the configuration file refers to them "
        + "as $${env:NAME} or $${file:path}.")
public final class OutmailCli {
  /** The command succeeded. */
  public static final int OK = 0;
  /** A check failed or the send failed. */
  public static final int FAILED = 1;
  /** The command line was wrong. */
  public static final int USAGE = 2;
  /** The configuration file was wrong, or names no such mailbox. */
  public static final int CONFIG = 3;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(execute(out, err, args));
  }

  private static final Map<String, String> EXIT_CODES = exitCodes();

  private static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(Integer.toString(OK), "success");
    codes.put(Integer.toString(FAILED),
        "a check failed, or the send failed (server refused, mailbox disabled, every recipient blocked)");
    codes.put(Integer.toString(USAGE),
        "usage error: unknown or missing option, bad address, unreadable --text-file or --attach");
    codes.put(Integer.toString(CONFIG),
        "configuration error: unreadable file, unknown key, bad value, unknown mailbox");
    return Collections.unmodifiableMap(codes);
  }

  /** Runs a command line, writing to {@code out} and {@code err}, and returns its exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new OutmailCli());
    for (CommandLine command : List.of(cli, cli.getSubcommands().get("list"), cli.getSubcommands().get("check"),
        cli.getSubcommands().get("send"))) {
      command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
    }
    cli.setOut(out)
        .setErr(err)
        .setParameterExceptionHandler(OutmailCli::usageError)
        .setExecutionExceptionHandler(OutmailCli::failure);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    String name = cli.getCommandSpec().qualifiedName();
    cli.getErr().println(name + ": " + e.getMessage().replaceFirst("^Error: ", "") + " (see " + name + " --help)");
    return USAGE;
  }

  private static int failure(Exception e, CommandLine cli, ParseResult parsed) {
    String name = cli.getCommandSpec().qualifiedName();
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof MailException) {
      cli.getErr().println(name + ": " + message);
      return e instanceof MailboxConfigException ? CONFIG : FAILED;
    }
    cli.getErr().println(name + ": unexpected error: " + e);
    return FAILED;
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
