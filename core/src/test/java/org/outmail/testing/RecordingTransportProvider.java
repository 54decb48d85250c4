package org.outmail.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/**
 * A transport for core's tests, under the test-only protocol {@code recording}: it records what it
 * is given and can be scripted to fail. It stands for "a transport", not for SMTP. A test makes its
 * own and adds it with {@code MailboxRegistry.Builder.transportProvider}; state is kept per
 * provider and mailbox id.
 */
public final class RecordingTransportProvider implements TransportProvider {
  public static final String PROTOCOL = "recording";
  private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();

  /** The recorder of a mailbox, created on first use. */
  public Recorder recorder(String mailboxId) {
    return recorders.computeIfAbsent(mailboxId, id -> new Recorder());
  }

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public void validate(Mailbox mailbox) {
    if (mailbox.host().map(h -> h.equals("invalid.example")).orElse(false)) {
      throw new MailboxConfigException(mailbox.id(), "host", "recording transport refuses host invalid.example");
    }
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    Recorder r = recorder(mailbox.id());
    r.opened++;
    r.context = context;
    return r;
  }

  /** Records sends; answers each send with the next scripted behaviour, or accepts. */
  public static final class Recorder implements MailTransport {
    public final List<OutgoingMessage> attempts = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Function<OutgoingMessage, TransportReceipt>> script = new ArrayDeque<>();
    public volatile int opened;
    public volatile boolean closed;
    public volatile TransportContext context;
    public volatile CheckResult checkResult = CheckResult.passed("recording transport ready", Duration.ZERO);

    /** The next send behaves like this (throw, or return a receipt). */
    public synchronized Recorder then(Function<OutgoingMessage, TransportReceipt> behaviour) {
      script.add(behaviour);
      return this;
    }

    @Override
    public TransportReceipt send(OutgoingMessage message) {
      attempts.add(message);
      Function<OutgoingMessage, TransportReceipt> next;
      synchronized (this) {
        next = script.poll();
      }
      if (next != null) {
        return next.apply(message);
      }
      return TransportReceipt.accepted(message.recipients(), "250 recorded");
    }

    @Override
    public CheckResult check() {
      return checkResult;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
