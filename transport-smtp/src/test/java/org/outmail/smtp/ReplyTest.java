package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A server reply is parsed once into its code, its enhanced status code and its text. */
class ReplyTest {
  @Test
  void aReplyWithAnEnhancedStatusCodeIsTakenApart() {
    Reply r = Reply.parse("450 4.2.1 <later@example.org>: Recipient address rejected: Try again later");

    assertThat(r.code()).isEqualTo(450);
    assertThat(r.enhanced()).isEqualTo("4.2.1");
    assertThat(r.text()).isEqualTo("450 4.2.1 <later@example.org>: Recipient address rejected: Try again later");
    assertThat(r.positive()).isFalse();
  }

  @Test
  void aReplyWithoutOneHasNone() {
    assertThat(Reply.parse("250 Ok").enhanced()).isNull();
    assertThat(Reply.parse("250 2.0").enhanced()).isNull();
    assertThat(Reply.parse("550 4.1.1 class differs from the code").enhanced()).isNull();
    assertThat(Reply.parse("250-2.1.0 first line of several").enhanced()).isEqualTo("2.1.0");
    assertThat(Reply.parse("").code()).isEqualTo(-1);
  }

  @Test
  void tooManyRecipientsIs452OrRfc821s552With553() {
    assertThat(SmtpFailures.tooManyRecipients("452 4.5.3 Too many recipients")).isTrue();
    assertThat(SmtpFailures.tooManyRecipients("552 5.5.3 Too many recipients")).isTrue();
    assertThat(SmtpFailures.tooManyRecipients("552 5.3.4 Message too big")).isFalse();
    assertThat(SmtpFailures.tooManyRecipients("550 5.5.3 no")).isFalse();
  }
}
