package org.outmail;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.AsyncSends;
import org.outmail.internal.HookRunner;
import org.outmail.internal.MessageFactory;
import org.outmail.internal.PreparedEmail;
import org.outmail.internal.RecipientFilter;
import org.outmail.internal.Retrier;
import org.outmail.internal.SendEvents;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends email through one OUT mailbox. Get one from {@link MailboxRegistry#defaultOutgoing()},
 * {@link MailboxRegistry#outgoing(String)} or {@link MailboxRegistry#forRecord(String)}. Safe for
 * concurrent use.
 *
 * <p>A send runs one way: mailbox enabled? → recipient filters → subject prefix → outgoing message
 * → transport (transient failures retried) → result → post-send hooks.
 */
public final class OutgoingMailer {
  private static final Logger LOG = LoggerFactory.getLogger(OutgoingMailer.class);

  private final Mailbox mailbox;
  private final TransportProvider provider;
  private final TransportContext context;
  private final RecipientFilter filter;
  private final MessageFactory messages;
  private final Retrier retrier;
  private final HookRunner hooks;
  private final AsyncSends async;
  private final SendEvents events;
  private final Object lock = new Object();
  private volatile @Nullable MailTransport transport;
  private volatile boolean closed;
  /** Sends and checks running here; guarded by {@link #lock}. */
  private int inFlight;
  /** Set when the registry replaced or removed this mailbox; guarded by {@link #lock}. */
  private @Nullable Supplier<OutgoingMailer> successor;

  OutgoingMailer(Mailbox mailbox, TransportProvider provider, TransportContext context,
      @Nullable RecipientDirectory directory, List<PostSendHook> hooks, AsyncSends async,
      List<SendListener> listeners) {
    this.mailbox = mailbox;
    this.provider = provider;
    this.context = context;
    this.filter = new RecipientFilter(mailbox, directory);
    this.messages = new MessageFactory(mailbox, Clock.system(ZoneId.systemDefault()));
    this.retrier = new Retrier(mailbox.id(), mailbox.retryPolicy());
    this.hooks = new HookRunner(hooks);
    this.async = async;
    this.events = new SendEvents(mailbox, listeners);
  }

  /** {@return the mailbox this mailer sends through} */
  public Mailbox mailbox() {
    return mailbox;
  }

  /**
   * Sends the email and returns once the server has taken it.
   *
   * <p>When the server takes the message for some recipients and refuses others for now (SMTP
   * {@code 4xx} at {@code RCPT TO}), those are retried alone, with the same Message-ID and content,
   * as the mailbox's {@link RetryPolicy} allows; the ones still refused then are in {@link
   * SendResult#deferredRecipients()}, not thrown. Post-send hooks run once, with the final result.
   *
   * @param email the email
   * @return what was sent and to whom, which recipients were blocked, refused or are still deferred
   * @throws MailboxDisabledException if the mailbox is disabled: nothing is sent
   * @throws RecipientsBlockedException if every recipient is blocked: the transport is not called
   * @throws TransportException if the server did not take the message (after retrying a transient
   *     failure as the mailbox's retry policy allows)
   */
  public SendResult send(Email email) {
    return send(email, SendListener.NONE);
  }

  /**
   * Sends the email as {@link #send(Email)} does, telling {@code listener} of each attempt, of
   * each wait before a retry and of how the send ended: for a command line or a console that shows
   * how a slow send is going. The registry's listeners hear the send too.
   *
   * @param email the email
   * @param listener told of each attempt, each wait and the outcome; {@link SendListener#NONE} for nobody
   * @return what was sent and to whom, and which recipients were blocked
   * @throws MailboxDisabledException if the mailbox is disabled: nothing is sent
   * @throws RecipientsBlockedException if every recipient is blocked: the transport is not called
   * @throws TransportException if the server did not take the message
   */
  public SendResult send(Email email, SendListener listener) {
    Objects.requireNonNull(email, "email == null");
    Objects.requireNonNull(listener, "listener == null");
    OutgoingMailer successor = enter();
    if (successor != null) {
      return successor.send(email, listener);
    }
    try {
      return events.send(email, listener, this::sendSteps);
    } finally {
      leave();
    }
  }

  /** The steps of a send, told to the send's and the registry's {@link SendListener}s by {@link SendEvents}. */
  private SendResult sendSteps(Email email, Retrier.Attempts listener) {
    if (!mailbox.enabled()) {
      throw new MailboxDisabledException(mailbox.id());
    }
    RecipientFilter.Recipients recipients = filter.apply(email);
    OutgoingMessage message = messages.create(email, recipients);
    MailTransport t = transport();
    Retrier.Outcome<TransportReceipt> outcome = retrier.send(t, message, listener);
    TransportReceipt receipt = outcome.value();
    SendResult result = new SendResult(mailbox.id(), message.messageId(), message.subject(),
        receipt.acceptedRecipients(), recipients.blocked(), receipt.rejectedRecipients(),
        receipt.deferredRecipients(), outcome.attempts(), List.of(), receipt.server().orElse(null));
    LOG.debug("mailbox '{}': sent {} to {} recipient(s) in {} attempt(s)",
        mailbox.id(), message.messageId(), receipt.acceptedRecipients().size(), outcome.attempts());
    if (!receipt.deferredRecipients().isEmpty()) {
      LOG.info("mailbox '{}': {} still deferred by the server for {} recipient(s) after {} attempt(s)",
          mailbox.id(), message.messageId(), receipt.deferredRecipients().size(), outcome.attempts());
    }
    return hooks.run(mailbox, email, result);
  }

  /**
   * Runs the steps of {@link #send} that can fail on bad input (mailbox enabled, recipient filters,
   * subject tag, Message-ID, header checks) and sends nothing: what a durable queue calls before it
   * accepts a mail, so that bad input fails at once. Post-send hooks do not run.
   *
   * @param email the email
   * @return the Message-ID, subject and recipients the mail would be sent with
   * @throws MailboxDisabledException if the mailbox is disabled
   * @throws RecipientsBlockedException if every recipient is blocked
   */
  PreparedEmail prepare(Email email) {
    Objects.requireNonNull(email, "email == null");
    if (!mailbox.enabled()) {
      throw new MailboxDisabledException(mailbox.id());
    }
    RecipientFilter.Recipients recipients = filter.apply(email);
    OutgoingMessage message = messages.create(email, recipients);
    return new PreparedEmail(mailbox.id(), message.messageId(), message.subject(), message.to(), message.cc(),
        message.bcc(), recipients.blocked());
  }

  /**
   * Sends the email on the registry's bounded executor. The future fails with the exception {@link
   * #send} would throw, or with a {@link MailException} when the executor's queue is full or the
   * registry is closed.
   *
   * <p>Every future completes, also when the registry is closed: a send still queued then fails
   * with a {@link MailException} ({@code mailbox 'id': not sent, the registry was closed before the
   * send started}); a send in flight gets up to the registry's {@link
   * MailboxRegistry.Builder#closeTimeout close timeout} to finish, is then interrupted, and if it
   * still does not stop fails with a {@link TransportException} whose outcome is unknown.
   *
   * @param email the email
   * @return a future of what {@link #send} would return
   */
  public CompletableFuture<SendResult> sendAsync(Email email) {
    Objects.requireNonNull(email, "email == null");
    return async.submit(mailbox.id(), () -> send(email));
  }

  /**
   * The Check button: connects, secures the connection, authenticates (or gets a token), and says
   * how it went. Never throws for a failed stage; works on a disabled mailbox too.
   *
   * @return whether the check passed, which stage failed if one did, and what happened
   */
  public CheckResult check() {
    OutgoingMailer successor = enter();
    if (successor != null) {
      return successor.check();
    }
    try {
      return checkHere();
    } finally {
      leave();
    }
  }

  private CheckResult checkHere() {
    long start = System.nanoTime();
    try {
      return withWarnings(transport().check());
    } catch (MailException e) {
      String why = e.getMessage(); // null from a transport that made its exception without a message
      return CheckResult.failed(TransportException.Stage.CONFIG,
          why != null ? why : MailException.mailboxPrefix(mailbox.id()) + "check failed: " + e,
          Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      LOG.warn("mailbox '{}': check failed unexpectedly", mailbox.id(), e);
      return CheckResult.failed(TransportException.Stage.OTHER,
          MailException.mailboxPrefix(mailbox.id()) + "check failed: " + e,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** A passed check of a mailbox whose OAuth client's last token came with warnings says so. */
  private CheckResult withWarnings(CheckResult result) {
    if (!result.ok() || mailbox.oauthClient().isEmpty()) {
      return result;
    }
    List<String> warnings = context.accessTokens().warnings(mailbox.oauthClient().get());
    return warnings.isEmpty() ? result
        : CheckResult.passed(result.message() + "; warning: " + String.join("; ", warnings), result.elapsed());
  }

  private MailTransport transport() {
    MailTransport t = transport;
    if (t == null) {
      synchronized (lock) {
        if (closed) {
          throw TransportException
              .builder(mailbox.id(), MailException.mailboxPrefix(mailbox.id()) + "the registry is closed")
              .stage(TransportException.Stage.CLOSED).build();
        }
        t = transport;
        if (t == null) {
          t = provider.open(mailbox, TransportContext.of(context.accessTokens().forProtocol(mailbox.protocol()))
              .withServerSwitches(events::serverSwitched));
          transport = t;
        }
      }
    }
    return t;
  }

  void close() {
    synchronized (lock) {
      closed = true;
      closeTransport();
    }
  }

  /**
   * The registry replaced or removed this mailbox: later sends and checks go to {@code next} (the
   * registry's mailer for the id now, which throws if there is none); those in flight finish here,
   * and the last one out closes the transport.
   */
  void retire(Supplier<OutgoingMailer> next) {
    synchronized (lock) {
      successor = next;
      if (inFlight == 0) {
        closeTransport();
      }
    }
  }

  /** {@return whether this mailer was retired and has nothing left in flight} */
  boolean drained() {
    synchronized (lock) {
      return successor != null && inFlight == 0;
    }
  }

  /** Counts a send or check in, or says where it goes when this mailer was retired. */
  private @Nullable OutgoingMailer enter() {
    Supplier<OutgoingMailer> next;
    synchronized (lock) {
      next = successor;
      if (next == null) {
        inFlight++;
        return null;
      }
    }
    return next.get();
  }

  private void leave() {
    synchronized (lock) {
      inFlight--;
      if (inFlight == 0 && successor != null) {
        closeTransport();
      }
    }
  }

  private void closeTransport() {
    MailTransport t = transport;
    transport = null;
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        LOG.warn("mailbox '{}': closing the transport failed: {}", mailbox.id(), e.toString());
      }
    }
  }

}
