package org.outmail.bench;

import java.time.Duration;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/** Protocol {@code noop}: accepts every message without sending it, so JMH measures outmail's own pipeline. */
public final class NoopTransportProvider implements TransportProvider {
  public static final String PROTOCOL = "noop";

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    return new MailTransport() {
      @Override
      public TransportReceipt send(OutgoingMessage message) {
        return TransportReceipt.accepted(message.recipients(), "250 2.0.0 Ok");
      }

      @Override
      public CheckResult check() {
        return CheckResult.passed("noop transport", Duration.ZERO);
      }

      @Override
      public void close() {}
    };
  }
}
