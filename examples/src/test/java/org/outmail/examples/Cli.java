package org.outmail.examples;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

/** Runs {@link OutmailCli} in this JVM and keeps its exit code, standard output and standard error. */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    return run(Progress.AFTER, args);
  }

  /** Runs with work longer than {@code progressAfter} announced on stderr (zero: all of it). */
  static Cli run(Duration progressAfter, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OutmailCli.execute(new PrintWriter(out), new PrintWriter(err), progressAfter, args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** The lines of standard output, without the last line break. */
  java.util.List<String> outLines() {
    return out.isEmpty() ? java.util.List.of() : java.util.List.of(out.stripTrailing().split("\\R"));
  }

  /** The lines of standard error, without the last line break. */
  String[] errLines() {
    return err.isEmpty() ? new String[0] : err.stripTrailing().split("\\R");
  }
}
