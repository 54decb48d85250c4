package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.testing.RecordingTransportProvider;

/** The README's usage example, compiled and run against the recording transport. */
class ReadmeExampleTest {
  @Test
  void readmeExampleSendsATaggedNotification(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("mailboxes.properties");
    Files.writeString(config, """
        outmail.mailbox.support.email-display=support@example.com
        outmail.mailbox.support.display-name=Your Service Desk
        outmail.mailbox.support.protocol=recording
        outmail.mailbox.support.prefix=TICKET#
        outmail.mailbox.support.default-outgoing=true
        """);

    try (MailboxRegistry registry = MailboxRegistry.builder().load(config)
        .transportProvider(new RecordingTransportProvider()).build()) {
      SendResult result = registry.defaultOutgoing().send(Email.builder()
          .to("alice@example.org")
          .subject("Printer on floor 2 is jammed")
          .text("We are on it.")
          .recordId("4711")
          .build());
      assertThat(result.subject()).isEqualTo("[TICKET#4711] Printer on floor 2 is jammed");
      assertThat(result.blockedRecipients()).isEmpty();
    }
  }
}
