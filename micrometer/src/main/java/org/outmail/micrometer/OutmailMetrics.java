package org.outmail.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.outmail.BlockReason;
import org.outmail.MailEvent;
import org.outmail.Mailbox;
import org.outmail.SendEvent;
import org.outmail.SendListener;

/**
 * Records every send of a registry, and what an outbox queues and delivers, into a Micrometer {@link
 * MeterRegistry}: a {@link SendListener} that counts the same {@link MailEvent}s every listener
 * hears. Give it to the registry as a listener (and to an outbox with {@code
 * Outbox.Builder.listener}):
 *
 * <pre>{@code
 * MailboxRegistry registry = MailboxRegistry.builder()
 *     .load(Path.of("mailboxes.properties"))
 *     .listener(new OutmailMetrics(meterRegistry))
 *     .build();
 * }</pre>
 *
 * <p>The Spring Boot starter does this when the application has a {@code MeterRegistry} bean.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@value #SENDS}</td><td>counter</td><td>mailbox, protocol, outcome, exception, server</td>
 *       <td>sends, by how they ended: {@code sent}, {@code blocked} (every recipient blocked,
 *       nothing sent), {@code failed}, {@code unknown} (the connection was lost after the message
 *       was handed over: it may have been sent); {@code exception} is the simple class name of what a send
 *       threw, {@code none} when it was sent; {@code server} the {@code host:port} that took the
 *       mail when the transport says ({@code smtp} does), else {@code none}</td></tr>
 *   <tr><td>{@value #SEND_DURATION}</td><td>timer</td><td>mailbox, protocol, outcome</td>
 *       <td>how long sends took, from the call until it returned or threw: filters, every attempt,
 *       the waits between them, post-send hooks</td></tr>
 *   <tr><td>{@value #RECIPIENTS_BLOCKED}</td><td>counter</td><td>mailbox, protocol, reason</td>
 *       <td>recipients outmail's rules blocked, by reason: {@code excluded}, {@code
 *       not_registered}</td></tr>
 *   <tr><td>{@value #SEND_RETRIES}</td><td>counter</td><td>mailbox, protocol, stage</td>
 *       <td>retries of transient transport failures, counted as each wait starts; {@code stage} is
 *       where the attempt failed ({@code connect}, {@code recipients} for deferred recipients,
 *       {@code token}, ...)</td></tr>
 *   <tr><td>{@value #SERVER_SWITCHES}</td><td>counter</td><td>mailbox, protocol, from, to</td>
 *       <td>switch-overs of a mailbox with several servers: the server {@code from} could not be
 *       used (refused, timed out, failed TLS, answered {@code 4xx} before any mail) and {@code to}
 *       was tried next</td></tr>
 *   <tr><td>{@value #OUTBOX_QUEUED}</td><td>counter</td><td>mailbox</td>
 *       <td>mails an outbox stored for later delivery</td></tr>
 *   <tr><td>{@value #OUTBOX_DELIVERIES}</td><td>counter</td><td>mailbox, state</td>
 *       <td>deliveries an outbox recorded, by how they ended: {@code sent}, {@code deferred}, and
 *       the dead ones {@code failed}, {@code expired}, {@code unknown}</td></tr>
 * </table>
 *
 * <p>The outbox's gauges are registered by {@link OutboxMetrics}, not by this class:
 * {@value #OUTBOX_MAILS} (a gauge of mails by {@code state}) and {@value #OUTBOX_OLDEST_WAITING}
 * (a time gauge of the age of the oldest mail waiting to be sent).
 *
 * <p>Meters are created on the first event that needs them. A failure to record is logged by the
 * registry and never changes a send. Thread-safe.
 */
public final class OutmailMetrics implements SendListener {
  /** Counter of sends: tags {@code mailbox}, {@code protocol}, {@code outcome}, {@code exception}. */
  public static final String SENDS = "outmail.sends";
  /** Timer of sends: tags {@code mailbox}, {@code protocol}, {@code outcome}. */
  public static final String SEND_DURATION = "outmail.send.duration";
  /** Counter of recipients blocked by the mailbox's rules: tags {@code mailbox}, {@code protocol}, {@code reason}. */
  public static final String RECIPIENTS_BLOCKED = "outmail.recipients.blocked";
  /** Counter of retries of transient transport failures: tags {@code mailbox}, {@code protocol}, {@code stage}. */
  public static final String SEND_RETRIES = "outmail.send.retries";
  /** Counter of switch-overs between a mailbox's servers: tags {@code mailbox}, {@code protocol}, {@code from}, {@code to}. */
  public static final String SERVER_SWITCHES = "outmail.server.switches";
  /** Counter of mails an outbox stored: tag {@code mailbox}. */
  public static final String OUTBOX_QUEUED = "outmail.outbox.queued";
  /** Counter of deliveries an outbox recorded: tags {@code mailbox}, {@code state}. */
  public static final String OUTBOX_DELIVERIES = "outmail.outbox.deliveries";
  /** Reserved for the outbox module: a gauge of queued mails, tag {@code state}. */
  public static final String OUTBOX_MAILS = "outmail.outbox.mails";
  /** Reserved for the outbox module: a time gauge of the age of the oldest mail waiting. */
  public static final String OUTBOX_OLDEST_WAITING = "outmail.outbox.oldest.waiting";

  private final MeterRegistry registry;

  /**
   * Records into a meter registry.
   *
   * @param registry where the meters go
   */
  public OutmailMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry == null");
  }

  @Override
  public void retrying(MailEvent.Retrying event) {
    Counter.builder(SEND_RETRIES)
        .description("Retries of transient transport failures")
        .tags(mailboxTags(event.mailbox()))
        .tag("stage", event.stage().name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  @Override
  public void sendFinished(SendEvent event) {
    Tags mailbox = mailboxTags(event.mailbox());
    String outcome = event.outcome().name().toLowerCase(Locale.ROOT);
    Counter.builder(SENDS)
        .description("Sends, by how they ended: sent, blocked, failed or unknown")
        .tags(mailbox)
        .tag("outcome", outcome)
        .tag("exception", event.failure().map(e -> e.getClass().getSimpleName()).orElse("none"))
        .tag("server", event.result().flatMap(r -> r.server()).orElse("none"))
        .register(registry)
        .increment();
    Timer.builder(SEND_DURATION)
        .description("How long sends took, retries and post-send hooks included")
        .tags(mailbox)
        .tag("outcome", outcome)
        .register(registry)
        .record(event.duration());
    Map<BlockReason, Long> byReason = event.blockedRecipients().values().stream()
        .collect(Collectors.groupingBy(r -> r, () -> new EnumMap<>(BlockReason.class), Collectors.counting()));
    for (Map.Entry<BlockReason, Long> blocked : byReason.entrySet()) {
      Counter.builder(RECIPIENTS_BLOCKED)
          .description("Recipients blocked by the mailbox's rules, by reason")
          .tags(mailbox)
          .tag("reason", blocked.getKey().name().toLowerCase(Locale.ROOT))
          .register(registry)
          .increment(blocked.getValue());
    }
  }

  @Override
  public void serverSwitched(MailEvent.ServerSwitched event) {
    Counter.builder(SERVER_SWITCHES)
        .description("Switch-overs from one of a mailbox's servers to the next")
        .tags(mailboxTags(event.mailbox()))
        .tag("from", event.from())
        .tag("to", event.to())
        .register(registry)
        .increment();
  }

  @Override
  public void queued(MailEvent.Queued event) {
    Counter.builder(OUTBOX_QUEUED)
        .description("Mails an outbox stored for later delivery")
        .tag("mailbox", event.mailboxId())
        .register(registry)
        .increment();
  }

  @Override
  public void deliveryRecorded(MailEvent.Delivery event) {
    Counter.builder(OUTBOX_DELIVERIES)
        .description("Deliveries an outbox recorded, by how they ended")
        .tag("mailbox", event.mailboxId())
        .tag("state", event.state().name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  private static Tags mailboxTags(Mailbox mailbox) {
    return Tags.of("mailbox", mailbox.id(), "protocol", mailbox.protocol());
  }

  @Override
  public String toString() {
    return "OutmailMetrics{" + registry.getClass().getSimpleName() + "}";
  }
}
