package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The private Postfix of the tests, asked to live under a directory that its daemons (they run as the
 * user postfix) cannot enter, as a checkout in root's home (mode 0700) or in a {@code mktemp -d}
 * directory is: it still starts, takes a mail and delivers it where the tests read it, and deleting
 * it leaves nothing behind.
 */
@Timeout(120)
class PostfixInPrivateDirectoryTest {
  @Test
  void anInstanceUnderADirectoryThePostfixUserCannotEnterStartsDeliversAndIsDeletedWhole() throws Exception {
    Path closed = Files.createTempDirectory("outmail-closed-");
    try {
      Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
      Path dir = closed.resolve("checkout").resolve("postfix");
      LocalPostfix postfix = LocalPostfix.start(dir, Map.of());
      Path home;
      try {
        home = dir.toRealPath();
        assertThat(home.toString()).as("where the instance lives").doesNotStartWith(closed.toString());
        assertThat(postfix.sendOneAndAwait("private", "From a private checkout")).singleElement()
            .satisfies(d -> assertThat(d.subject()).isEqualTo("From a private checkout"));
      } finally {
        postfix.delete();
      }
      assertThat(dir).doesNotExist();
      assertThat(home).doesNotExist();
    } finally {
      // what a failed start left (links are deleted, not followed)
      try (Stream<Path> left = Files.walk(closed)) {
        for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
