package org.outmail.spi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.outmail.Mailbox;
import org.outmail.MailboxType;

class OutgoingMessageFromTest {
  @Test
  void aMessageOfAMailboxWithoutEmailDisplayIsRefusedNotBuiltWithoutAFromAddress() {
    Mailbox inbox = Mailbox.builder("inbox").type(MailboxType.IN).build();

    assertThatThrownBy(() -> OutgoingMessage.builder(inbox).to(List.of("alice@example.org")).subject("Hello")
        .messageId("<1@example.com>").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("mailbox 'inbox' has no email-display to send from");
  }
}
