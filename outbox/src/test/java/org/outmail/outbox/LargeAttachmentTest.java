package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A 100 MB file attachment goes through the outbox in a JVM of 64 MB heap: stored and sent as streams. */
class LargeAttachmentTest {
  @TempDir Path temp;

  @Test
  @Timeout(240)
  void aHundredMegabyteAttachmentGoesThroughTheOutboxWithSixtyFourMegabytesOfHeap() throws Exception {
    try (RecordingSmtpServer smtp = new RecordingSmtpServer()) {
      Process child = new ProcessBuilder(CrashTest.java(), "-Xmx64m", "-cp", CrashTest.classpath(),
          OutboxChild.class.getName(), "large", temp.toString(), Integer.toString(smtp.port()), "100")
          .redirectErrorStream(true).start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(200, TimeUnit.SECONDS)).isTrue();
      assertThat(output).as(output).contains("SENT max heap");
      assertThat(smtp.received()).hasSize(1);
      assertThat(smtp.received().get(0).size()).isGreaterThan(100L * 1024 * 1024 * 4 / 3);
    }
  }
}
