package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailExceptionTest {
  @Test
  void messagesNameAMailboxOneWay() {
    assertThat(MailException.mailboxLabel("support")).isEqualTo("mailbox 'support'");
    assertThat(MailException.mailboxPrefix("support")).isEqualTo("mailbox 'support': ");
    assertThat(MailException.mailboxPrefix(null)).isEmpty();
    assertThat(new MailboxDisabledException("support")).hasMessage("mailbox 'support' is disabled: nothing was sent");
    assertThat(MailboxConfigException.of("support", "port", "is wrong")).hasMessage("mailbox 'support': port is wrong");
    assertThat(MailboxConfigException.of(null, "port", "is wrong")).hasMessage("port is wrong");
  }
}
