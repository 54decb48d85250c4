package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Classes small enough to read in one sitting: no main source file of core passes 500 lines. A
 * class that grows past it is split by the jobs it does (as the text form left {@code Mailbox} and
 * the store's following left {@code MailboxRegistry}), not exempted.
 */
class SourceFileSizeTest {
  static final int MAX_LINES = 500;

  @Test
  void noMainSourceFileOfCorePassesFiveHundredLines() throws IOException {
    Path main = Path.of("src", "main", "java");
    List<String> tooLong;
    try (Stream<Path> files = Files.walk(main)) {
      tooLong = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> lines(p) > MAX_LINES)
          .map(p -> main.relativize(p) + " (" + lines(p) + " lines)")
          .sorted()
          .toList();
    }
    assertThat(main.resolve("org/outmail/Mailbox.java")).exists();
    assertThat(tooLong).as("core main source files over %d lines", MAX_LINES).isEmpty();
  }

  private static long lines(Path p) {
    try (Stream<String> l = Files.lines(p)) {
      return l.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
