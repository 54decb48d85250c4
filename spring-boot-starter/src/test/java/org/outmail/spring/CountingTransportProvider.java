package org.outmail.spring;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/** Protocol {@code counting}: counts Checks and answers them as told; accepts every send. */
final class CountingTransportProvider implements TransportProvider {
  final AtomicInteger checks = new AtomicInteger();
  volatile CheckResult answer = CheckResult.passed("counted", Duration.ofMillis(3));

  @Override
  public String protocol() {
    return "counting";
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    return new MailTransport() {
      @Override
      public TransportReceipt send(OutgoingMessage message) {
        return TransportReceipt.accepted(message.recipients(), "250 counted");
      }

      @Override
      public CheckResult check() {
        checks.incrementAndGet();
        return answer;
      }

      @Override
      public void close() {}
    };
  }
}
