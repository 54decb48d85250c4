package org.outmail.test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.outmail.CheckResult;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportProvider;

/**
 * Every mail a registry would have sent, kept instead of sent: install it on the builder of the
 * host's real registry and no server is ever contacted.
 *
 * <pre>{@code
 * MailCapture capture = new MailCapture();
 * MailboxRegistry registry = capture.install(MailboxRegistry.builder().load(config)).build();
 * registry.defaultOutgoing().send(email);
 * assertThat(capture.mails()).singleElement()...
 * }</pre>
 *
 * <p>The registry runs its whole pipeline as usual (enabled, recipient filters, subject prefix,
 * Message-ID, retries, post-send hooks); only the transport is replaced. The real transport's
 * settings and validation still apply when its jar is on the classpath, so a configuration that
 * would be refused in production is refused in the test too.
 *
 * <p>A capture can fail sends on demand ({@link #failNext}, {@link #failAlways}) the way a real
 * transport fails: a {@link TransportException} of the kind asked for, at stage {@link
 * TransportException.Stage#CONTENT}. Safe for concurrent use. Each capture is its own: nothing is
 * shared between captures.
 */
public final class MailCapture {
  /** The protocols outmail's own transports serve; always installed. */
  static final List<String> STANDARD_PROTOCOLS = List.of("smtp", "owa");

  private final List<CapturedMail> mails = new CopyOnWriteArrayList<>();
  private final Deque<TransportException.Kind> nextFailures = new ArrayDeque<>();
  private TransportException.@Nullable Kind alwaysFail;
  private @Nullable CheckResult failedCheck;
  private int attempts;

  /** An empty capture that sends nothing and fails nothing. */
  public MailCapture() {}

  /**
   * Adds to the builder one capturing transport provider for each of the protocols {@code smtp}
   * and {@code owa} and for every protocol whose transport is found on the classpath. A provider
   * added on the builder wins over one found by {@link ServiceLoader}, and a later one over an
   * earlier one: install the capture after the host's own providers.
   *
   * @param builder the builder of the host's registry
   * @return the same builder
   */
  public MailboxRegistry.Builder install(MailboxRegistry.Builder builder) {
    Objects.requireNonNull(builder, "builder == null");
    Map<String, TransportProvider> real = realProviders();
    Set<String> protocols = new LinkedHashSet<>(STANDARD_PROTOCOLS);
    protocols.addAll(real.keySet());
    for (String protocol : protocols) {
      builder.transportProvider(new CapturingTransportProvider(protocol, this, real.get(protocol)));
    }
    return builder;
  }

  /**
   * A capturing provider for one protocol, for a transport of the host's own that {@link
   * #install} does not know: {@code builder.transportProvider(capture.provider("pigeon"))}.
   *
   * @param protocol the protocol, in any case
   * @return a provider whose transports capture into this capture
   */
  public TransportProvider provider(String protocol) {
    Objects.requireNonNull(protocol, "protocol == null");
    String p = protocol.toLowerCase(Locale.ROOT);
    return new CapturingTransportProvider(p, this, realProviders().get(p));
  }

  /** {@return every mail sent since the capture was made or cleared, in the order sent} */
  public List<CapturedMail> mails() {
    return List.copyOf(mails);
  }

  /**
   * {@return the mails with the address among their recipients (To, Cc or Bcc), in the order sent}
   *
   * @param address the address, compared without regard to case
   */
  public List<CapturedMail> mailsTo(String address) {
    Objects.requireNonNull(address, "address == null");
    return mails.stream().filter(m -> m.recipients().stream().anyMatch(address::equalsIgnoreCase)).toList();
  }

  /**
   * {@return the mails sent through the mailbox, in the order sent}
   *
   * @param mailboxId the mailbox's id
   */
  public List<CapturedMail> mailsFrom(String mailboxId) {
    Objects.requireNonNull(mailboxId, "mailboxId == null");
    return mails.stream().filter(m -> m.mailboxId().equals(mailboxId)).toList();
  }

  /**
   * {@return the mails that belong to the record, in the order sent}
   *
   * @param recordId the record's id
   */
  public List<CapturedMail> mailsForRecord(String recordId) {
    Objects.requireNonNull(recordId, "recordId == null");
    return mails.stream().filter(m -> m.recordId().filter(recordId::equals).isPresent()).toList();
  }

  /** {@return how many mails were sent since the capture was made or cleared} */
  public int count() {
    return mails.size();
  }

  /**
   * {@return how many times a transport was asked to send since the capture was made or cleared,
   * failed attempts and retries included}
   */
  public synchronized int attempts() {
    return attempts;
  }

  /**
   * The next send attempt fails this way; the ones after it go through again. A transient failure
   * is retried by the registry as its mailbox's retry policy says, at once (the failure asks for
   * no delay): fail as many attempts as the policy allows to see it reach the caller. Failures
   * asked for before come first.
   *
   * @param kind how the attempt fails
   * @return this capture
   */
  public MailCapture failNext(TransportException.Kind kind) {
    return failNext(1, kind);
  }

  /**
   * Makes the next {@code attempts} send attempts fail this way, after the failures asked for
   * before.
   *
   * @param attempts how many attempts fail, at least 1
   * @param kind how they fail
   * @return this capture
   * @throws IllegalArgumentException if {@code attempts} is less than 1
   */
  public synchronized MailCapture failNext(int attempts, TransportException.Kind kind) {
    Objects.requireNonNull(kind, "kind == null");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
    }
    for (int i = 0; i < attempts; i++) {
      nextFailures.add(kind);
    }
    return this;
  }

  /**
   * Makes every send attempt fail this way until {@link #stopFailing()} or {@link #clear()}, once
   * the failures asked for with {@link #failNext} are used up; replaces a kind set before.
   *
   * @param kind how the attempts fail
   * @return this capture
   */
  public synchronized MailCapture failAlways(TransportException.Kind kind) {
    this.alwaysFail = Objects.requireNonNull(kind, "kind == null");
    return this;
  }

  /**
   * Lets sends and checks go through again: forgets every failure asked for, keeps the mails.
   *
   * @return this capture
   */
  public synchronized MailCapture stopFailing() {
    nextFailures.clear();
    alwaysFail = null;
    failedCheck = null;
    return this;
  }

  /**
   * Makes every mailbox's Check fail at the stage with the message, until {@link #stopFailing()} or
   * {@link #clear()}; replaces a check failure asked for before.
   *
   * @param stage the stage that fails, as {@link CheckResult#stage()} names it
   * @param message what the failed check says
   * @return this capture
   */
  public synchronized MailCapture failChecks(TransportException.Stage stage, String message) {
    Objects.requireNonNull(stage, "stage == null");
    Objects.requireNonNull(message, "message == null");
    this.failedCheck = CheckResult.failed(stage, message, Duration.ZERO);
    return this;
  }

  /**
   * Forgets every mail and attempt, and every failure asked for.
   *
   * @return this capture
   */
  public synchronized MailCapture clear() {
    mails.clear();
    attempts = 0;
    return stopFailing();
  }

  @Override
  public String toString() {
    return "MailCapture{" + mails.size() + " mail(s): " + mails + "}";
  }

  // called by CapturingTransportProvider's transports

  /** Counts the attempt; returns the failure to throw for it, or null to capture the mail. */
  synchronized TransportException.@Nullable Kind attempt() {
    attempts++;
    TransportException.Kind next = nextFailures.poll();
    return next != null ? next : alwaysFail;
  }

  void add(CapturedMail mail) {
    mails.add(mail);
  }

  synchronized @Nullable CheckResult failedCheck() {
    return failedCheck;
  }

  /** The failure a capture throws on demand, shaped as a real transport's. */
  static TransportException failure(OutgoingMessage m, TransportException.Kind kind) {
    String id = m.mailbox().id();
    String reply = switch (kind) {
      case TRANSIENT -> "451 4.3.0 transient failure asked for by the test";
      case PERMANENT -> "554 5.0.0 permanent failure asked for by the test";
      case OUTCOME_UNKNOWN -> null;
    };
    TransportException.Builder b = TransportException.builder(id, "mailbox '" + id + "': "
        + (reply != null ? "the captured transport refused the message: " + reply
            : "the captured transport lost the connection after the message was handed over (asked for by the test);"
                + " it may or may not have been delivered"))
        .stage(TransportException.Stage.CONTENT);
    switch (kind) {
      case TRANSIENT -> b.transientFailure(true).replyCode(451).serverReply(reply).retryAfter(Duration.ZERO);
      case PERMANENT -> b.replyCode(554).serverReply(reply);
      case OUTCOME_UNKNOWN -> b.outcomeUnknown(true);
    }
    return b.build();
  }

  /** The transports found by {@link ServiceLoader}, by protocol, the first of each. */
  private static Map<String, TransportProvider> realProviders() {
    Map<String, TransportProvider> found = new TreeMap<>();
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      found.putIfAbsent(p.protocol().toLowerCase(Locale.ROOT), p);
    }
    return found;
  }
}
