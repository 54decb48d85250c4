package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.outmail.Email;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.test.MailCapture;
import org.outmail.test.OutmailAssertions;
import org.outmail.test.OutmailExtension;

/**
 * The sample configuration as a host's test would use it, with outmail-test: the real registry
 * (smtp mailboxes at 127.0.0.1:2525, where nothing listens, the audit hook found by ServiceLoader),
 * every mail captured instead of sent.
 */
class CapturedSampleMailboxesTest {
  @RegisterExtension final OutmailExtension outmail = new OutmailExtension();

  private static Properties sample() throws IOException {
    Properties config = new Properties();
    try (InputStream in = Demo.class.getResourceAsStream(Demo.CONFIG_RESOURCE)) {
      config.load(in);
    }
    return config;
  }

  private MailboxRegistry registry() throws IOException {
    return outmail.registry(MailboxRegistry.builder().load(sample()));
  }

  @Test
  void aRecordsNotificationIsCapturedTaggedAndFiltered(MailCapture capture) throws IOException {
    SendResult result = registry().forRecord(null).send(Email.builder()
        .to("alice@example.org", "printer-bot@noreply.example.com")
        .subject("Printer on floor 2 is jammed").text("We are on it.").recordId("4711").header("X-Priority", "1")
        .build());

    OutmailAssertions.assertThat(capture).singleMail()
        .wasSentBy("support").isFrom("support@example.com")
        .wasSentOnlyTo("alice@example.org")
        .hasSubject("[TICKET#4711] Printer on floor 2 is jammed").hasRecordId("4711")
        .hasMessageId(result.messageId()).hasHeader("X-Priority", "1");
  }

  @Test
  void aRecordThatNamesTheSalesMailboxGoesOutThroughIt(MailCapture capture) throws IOException {
    registry().forRecord("sales").send(Email.builder().to("bob@example.org").subject("Your order").text("Shipped.")
        .recordId("88").build());

    OutmailAssertions.assertThat(capture).mailTo("bob@example.org").wasSentBy("sales")
        .hasSubject("[ORDER#88] Your order");
  }

  @Test
  void theSmtpTransportsValidationStillRefusesABrokenMailbox() throws IOException {
    Properties broken = sample();
    broken.remove("outmail.mailbox.support.host");

    assertThatThrownBy(() -> outmail.registry(MailboxRegistry.builder().load(broken)))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'support': host is required for protocol smtp");
  }

  @Test
  void aHostSeesTheFailureItAskedFor(MailCapture capture) throws IOException {
    capture.failAlways(TransportException.Kind.PERMANENT);

    assertThatThrownBy(() -> registry().defaultOutgoing().send(Email.builder().to("alice@example.org")
        .subject("s").text("b").build()))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.replyCode()).isEqualTo(554));
    OutmailAssertions.assertThat(capture).hasSentNothing();
  }
}
