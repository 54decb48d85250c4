package org.outmail.test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.TransportException;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/**
 * A protocol's transport replaced by a {@link MailCapture}: the real provider's settings and
 * validation (when it is on the classpath), the capture's sending.
 */
final class CapturingTransportProvider implements TransportProvider {
  private final String protocol;
  private final MailCapture capture;
  /** The provider this one stands in for, if the class path has one. */
  private final @Nullable TransportProvider real;

  /** @param real the provider found for the protocol, or null */
  CapturingTransportProvider(String protocol, MailCapture capture, @Nullable TransportProvider real) {
    this.protocol = Objects.requireNonNull(protocol, "protocol == null");
    this.capture = Objects.requireNonNull(capture, "capture == null");
    this.real = real;
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public List<Setting> settings() {
    return real == null ? List.of() : real.settings();
  }

  @Override
  public void validate(Mailbox mailbox) {
    if (real != null) {
      real.validate(mailbox);
    }
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    return new Transport(mailbox);
  }

  @Override
  public String toString() {
    return "CapturingTransportProvider[" + protocol + "]";
  }

  /** Captures instead of sending; never connects anywhere. */
  private final class Transport implements MailTransport {
    private final Mailbox mailbox;
    private volatile boolean closed;

    Transport(Mailbox mailbox) {
      this.mailbox = mailbox;
    }

    @Override
    public TransportReceipt send(OutgoingMessage message) {
      if (closed) {
        throw TransportException.builder(mailbox.id(), "mailbox '" + mailbox.id() + "': the transport is closed")
            .stage(TransportException.Stage.CLOSED).build();
      }
      TransportException.Kind failure = capture.attempt();
      if (failure != null) {
        throw MailCapture.failure(message, failure);
      }
      CapturedMail mail;
      try {
        mail = CapturedMail.of(message);
      } catch (CapturedMail.CannotRead e) {
        throw TransportException.builder(mailbox.id(), "mailbox '" + mailbox.id() + "': cannot read attachment '"
            + e.attachment.filename() + "': " + e.getCause())
            .stage(TransportException.Stage.CONTENT).cause(e.getCause()).build();
      }
      capture.add(mail);
      return TransportReceipt.accepted(message.recipients(), "250 captured by outmail-test");
    }

    @Override
    public CheckResult check() {
      CheckResult failed = capture.failedCheck();
      if (failed != null) {
        return failed;
      }
      if (closed) {
        return CheckResult.failed(TransportException.Stage.CLOSED,
            "mailbox '" + mailbox.id() + "': the transport is closed", Duration.ZERO);
      }
      return CheckResult.passed("mailbox '" + mailbox.id() + "': " + protocol + " captured by outmail-test;"
          + " no server contacted", Duration.ZERO);
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
