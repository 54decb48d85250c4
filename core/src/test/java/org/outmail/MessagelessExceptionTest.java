package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/** An exception a transport made without a message still gives a check its answer. */
@Timeout(30)
class MessagelessExceptionTest {
  @Test
  void aCheckWhoseTransportThrowsAMessagelessMailExceptionReportsAFailedCheck() {
    TransportProvider provider = new TransportProvider() {
      @Override
      public String protocol() {
        return "messageless";
      }

      @Override
      public MailTransport open(Mailbox mailbox, TransportContext context) {
        return new MailTransport() {
          @Override
          public TransportReceipt send(OutgoingMessage message) {
            throw new UnsupportedOperationException("not sent in this test");
          }

          @Override
          public CheckResult check() {
            throw new MailException(mailbox.id(), null);
          }

          @Override
          public void close() {}
        };
      }
    };
    try (MailboxRegistry r = MailboxRegistry.builder().transportProvider(provider)
        .mailbox(Mailbox.builder("box").emailDisplay("box@example.com").protocol("messageless").build()).build()) {
      CheckResult c = r.outgoing("box").check();

      assertThat(c.ok()).isFalse();
      assertThat(c.stage()).contains(TransportException.Stage.CONFIG);
      assertThat(c.message()).isEqualTo("mailbox 'box': check failed: org.outmail.MailException");
    }
  }
}
