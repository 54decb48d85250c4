package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The private Postfix of the tests starts again after a stop that caught its cleanup writing a mail
 * (what the fail-over tests do to it mid-burst): the half-written file is removed, the log takes
 * what Postfix's start warns about (its checks run as the user postfix, and a start whose warning
 * cannot be logged fails), and the instance takes mail again.
 */
@Timeout(120)
class PostfixRestartTest {
  @TempDir Path temp;

  /** A file in the queue, owned as Postfix's own are. */
  private static Path owned(Path file) throws Exception {
    Files.writeString(file, "half a mail");
    UserPrincipal postfix = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix");
    Files.setOwner(file, postfix);
    return file;
  }

  @Test
  void anInstanceStoppedWithAHalfWrittenQueueFileStartsAgainAndTakesMail() throws Exception {
    LocalPostfix postfix = LocalPostfix.start(temp.resolve("postfix"), Map.of());
    try {
      postfix.stop();
      Path incoming = postfix.dir().toRealPath().resolve("queue").resolve("incoming");
      // cleanup's temporary name (pid.usec, not a queue id), as a stop mid-write leaves it
      Path halfWritten = owned(incoming.resolve("960330.10406"));

      postfix.restart();

      assertThat(halfWritten).doesNotExist();
      // what Postfix's start finds amiss it logs as the user postfix: the log must take it
      Path log = postfix.dir().toRealPath().resolve("log").resolve("maillog");
      Process writable = new ProcessBuilder("runuser", "-u", "postfix", "--", "test", "-w", log.toString())
          .inheritIO().start();
      assertThat(writable.waitFor()).as("the user postfix may append to %s", log).isZero();
      assertThat(postfix.sendOneAndAwait("again", "After the restart")).singleElement()
          .satisfies(d -> assertThat(d.subject()).isEqualTo("After the restart"));
    } finally {
      postfix.delete();
    }
  }
}
