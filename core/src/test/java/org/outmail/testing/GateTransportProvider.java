package org.outmail.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/**
 * A transport under protocol {@code gate} that records, for each send, the host of the mailbox its
 * transport was opened with, and holds sends to a host that has a gate until the gate opens: what
 * the tests of run-time changes need to have a send in flight while the mailbox is edited.
 * It owns one setting, {@code gate.depth} (an integer of at least 1).
 */
public final class GateTransportProvider implements TransportProvider {
  public static final String PROTOCOL = "gate";

  /** Every send that reached a transport, as "host subject", in order. */
  public final List<String> sent = new CopyOnWriteArrayList<>();
  /** Every transport opened, in order. */
  public final List<Gate> opened = new CopyOnWriteArrayList<>();
  private final Map<String, Hold> holds = new ConcurrentHashMap<>();

  /** A hold on sends to the host: {@link Hold#entered} counts down when one arrives. */
  public Hold hold(String host) {
    Hold h = new Hold();
    holds.put(host, h);
    return h;
  }

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public List<Setting> settings() {
    return List
        .of(Setting.builder("depth", Setting.Type.INTEGER).minimum(1).defaultValue("1").help("How deep.").build());
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    Gate g = new Gate(mailbox.host().orElse("none"));
    opened.add(g);
    return g;
  }

  /** Holds sends until {@link #release} is counted down. */
  public static final class Hold {
    public final CountDownLatch entered = new CountDownLatch(1);
    public final CountDownLatch release = new CountDownLatch(1);
  }

  /** One transport, opened for one version of a mailbox. */
  public final class Gate implements MailTransport {
    public final String host;
    public final CountDownLatch closed = new CountDownLatch(1);

    Gate(String host) {
      this.host = host;
    }

    @Override
    public TransportReceipt send(OutgoingMessage message) {
      if (closed.getCount() == 0) {
        throw new IllegalStateException("send on a closed transport of " + host);
      }
      Hold h = holds.get(host);
      if (h != null) {
        h.entered.countDown();
        try {
          h.release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted");
        }
      }
      sent.add(host + " " + message.subject());
      return TransportReceipt.accepted(message.recipients(), "250 " + host);
    }

    @Override
    public CheckResult check() {
      return CheckResult.passed("gate " + host + " open", Duration.ZERO);
    }

    @Override
    public void close() {
      closed.countDown();
    }

    public boolean isClosed() {
      return closed.getCount() == 0;
    }
  }
}
