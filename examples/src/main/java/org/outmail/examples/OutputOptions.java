package org.outmail.examples;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code --verbose} or {@code --quiet}, which every command takes. */
final class OutputOptions {
  /** The two exclude each other. */
  static final class Level {
    @Option(names = {"-v",
        "--verbose"}, required = true, description = "Debug logging on stderr (what outmail does, attempt by attempt).") boolean verbose;

    @Option(names = {"-q",
        "--quiet"}, required = true, description = "Print only the result: no progress, no log lines. Errors still go to stderr.") boolean quiet;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable Level level;

  boolean verbose() {
    return level != null && level.verbose;
  }

  boolean quiet() {
    return level != null && level.quiet;
  }
}
