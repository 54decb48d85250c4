package org.outmail.outbox;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.outmail.Email;
import org.outmail.MailEvent;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.SendListener;
import org.outmail.internal.Access;
import org.outmail.internal.PreparedEmail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable queue in front of the mailboxes: {@code outbox.enqueue(registry.defaultOutgoing(),
 * email)} checks the mail as {@code send} would (mailbox enabled, recipient filters, subject tag,
 * Message-ID, headers), stores it, and returns its id once it is durable. Delivery workers then send
 * it through the same mailbox, retrying transient failures with growing backoff until the maximum
 * age, within each mailbox's rate limits; every attempt sends the same Message-ID.
 *
 * <pre>{@code
 * try (Outbox outbox = Outbox.builder()
 *     .registry(registry)
 *     .store(OutboxStore.embedded(Path.of("data/outbox")))
 *     .rateLimit("support", "30/1m")
 *     .build()) {
 *   long id = outbox.enqueue(registry.defaultOutgoing(), email);
 * }
 * }</pre>
 *
 * <p>Nothing is static: each outbox owns its store, threads and settings, and closing it stops them.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final Settings settings;
  private final JdbcStore store;
  private final Delivery delivery;
  /** Null when the outbox only enqueues (no workers on this node). */
  private final @Nullable Workers workers;
  private volatile boolean closed;

  private Outbox(Settings settings, JdbcStore store) {
    this.settings = settings;
    this.store = store;
    this.delivery = new Delivery(settings.registry(), store, settings.clock(),
        new Backoff(settings.initialBackoff(), settings.maxBackoff()), settings.outcomeUnknown());
    this.workers = settings.workers() == 0 ? null : new Workers(settings, store, delivery, new Recorder() {
      @Override
      public void record(List<Outcome> outcomes) throws SQLException {
        Outbox.this.record(outcomes);
      }

      @Override
      public void reap(long now) throws SQLException {
        Outbox.this.reap(now, "the node sending it stopped before recording an outcome (its lease ended)");
      }
    });
  }

  /** Stores outcomes and ends the attempts whose node stopped: what the workers ask of the outbox. */
  interface Recorder {
    void record(List<Outcome> outcomes) throws SQLException;

    void reap(long now) throws SQLException;
  }

  /**
   * Starts building an outbox.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Like {@link #enqueue(OutgoingMailer, Email, String)} without an idempotency key.
   *
   * @param mailer the mailbox to send through, from the outbox's registry
   * @param email the mail
   * @return the mail's id
   */
  public long enqueue(OutgoingMailer mailer, Email email) {
    return enqueue(mailer, email, null);
  }

  /**
   * Checks the mail as {@link OutgoingMailer#send} would, stores it and returns its id once it is
   * durable (fsynced by the embedded store, committed by PostgreSQL). Workers deliver it later.
   *
   * @param mailer the mailbox to send through, from the outbox's registry
   * @param email the mail
   * @param idempotencyKey e.g. {@code "ticket-4711-comment-9"}: if a mail was already queued with
   *     it, its id is returned and nothing new is queued; null for none
   * @return the mail's id
   * @throws org.outmail.MailboxDisabledException if the mailbox is disabled: nothing is queued
   * @throws org.outmail.RecipientsBlockedException if every recipient is blocked: nothing is queued
   * @throws org.outmail.MailboxConfigException if the mailer's mailbox is not in the outbox's registry
   * @throws OutboxException if the store could not take the mail (then it is not queued)
   */
  public long enqueue(OutgoingMailer mailer, Email email, @Nullable String idempotencyKey) {
    return enqueue(mailer, email, idempotencyKey, null);
  }

  /**
   * Like {@link #enqueue(OutgoingMailer, Email, String)}, with a priority: due urgent mail of a
   * mailbox goes before any normal mail, normal before bulk.
   *
   * @param mailer the mailbox to send through, from the outbox's registry
   * @param email the mail
   * @param idempotencyKey as for {@link #enqueue(OutgoingMailer, Email, String)}; null for none
   * @param priority the mail's priority; null for the mailbox's default ({@link
   *     Builder#defaultPriority}, else {@link Priority#NORMAL})
   * @return the mail's id
   */
  public long enqueue(OutgoingMailer mailer, Email email, @Nullable String idempotencyKey,
      @Nullable Priority priority) {
    JdbcStore.NewMail mail = prepare(mailer, email, idempotencyKey, priority);
    try {
      long id = store.enqueue(List.of(mail))[0];
      wake();
      queued(mail, id);
      return id;
    } catch (SQLException e) {
      throw new OutboxException(mail.mailboxId(), "mailbox '" + mail.mailboxId() + "': the mail was not queued: "
          + e.getMessage(), e);
    }
  }

  /**
   * Queues many mails with one durable commit: for a host that sends a batch at once (a digest to
   * every watcher of a record, a mass notification), much faster than one {@code enqueue} each.
   * Every mail is checked first: if one fails, none is queued.
   *
   * @param mailer the mailbox to send through, from the outbox's registry
   * @param emails the mails
   * @param priority their priority; null for the mailbox's default
   * @return the mails' ids, in order
   * @throws OutboxException if the store could not take them (then none is queued)
   */
  public List<Long> enqueueAll(OutgoingMailer mailer, List<Email> emails, @Nullable Priority priority) {
    Objects.requireNonNull(emails, "emails == null");
    List<JdbcStore.NewMail> mails = new ArrayList<>(emails.size());
    for (Email email : emails) {
      mails.add(prepare(mailer, email, null, priority));
    }
    if (mails.isEmpty()) {
      return List.of();
    }
    String mailboxId = mails.get(0).mailboxId();
    try {
      long[] ids = store.enqueue(mails);
      wake();
      List<Long> out = new ArrayList<>(ids.length);
      for (int i = 0; i < ids.length; i++) {
        out.add(ids[i]);
        queued(mails.get(i), ids[i]);
      }
      return out;
    } catch (SQLException e) {
      throw new OutboxException(mailboxId, "mailbox '" + mailboxId + "': the " + mails.size()
          + " mail(s) were not queued: " + e.getMessage(), e);
    }
  }

  /**
   * Queues the mail in the host's own transaction (the transactional outbox): it is queued if and
   * only if the host commits {@code connection}; the host commits or rolls back, not the outbox.
   * Workers find it at their next poll after the commit. Needs the {@link OutboxStore#jdbc} store,
   * and {@code connection} to the same database, with auto-commit off.
   *
   * @param connection the host's connection, in a transaction
   * @param mailer the mailbox to send through, from the outbox's registry
   * @param email the mail
   * @param idempotencyKey as for {@link #enqueue(OutgoingMailer, Email, String)}; null for none
   * @return the mail's id (valid once the host commits)
   * @throws IllegalStateException with the embedded store
   * @throws IllegalArgumentException if the connection is in auto-commit mode
   */
  public long enqueue(Connection connection, OutgoingMailer mailer, Email email, @Nullable String idempotencyKey) {
    Objects.requireNonNull(connection, "connection == null");
    if (store.embedded()) {
      throw new IllegalStateException("enqueue in the host's transaction needs OutboxStore.jdbc(dataSource); "
          + "the embedded store keeps its own database");
    }
    try {
      if (connection.getAutoCommit()) {
        throw new IllegalArgumentException("the connection is in auto-commit mode: begin a transaction "
            + "(setAutoCommit(false)) so that the mail is queued when, and only if, it commits");
      }
    } catch (SQLException e) {
      throw new OutboxException("the host's connection cannot be used: " + e.getMessage(), e);
    }
    JdbcStore.NewMail mail = prepare(mailer, email, idempotencyKey, null);
    try {
      return store.insert(connection, mail);
    } catch (SQLException e) {
      throw new OutboxException(mail.mailboxId(), "mailbox '" + mail.mailboxId() + "': the mail was not queued: "
          + e.getMessage(), e);
    }
  }

  /** Tells the listeners a mail was stored; not when its idempotency key found one stored before. */
  private void queued(JdbcStore.NewMail mail, long id) {
    if (settings.sendListeners().isEmpty() || (mail.idempotencyKey() != null
        && !entry(id).map(e -> e.messageId().equals(mail.messageId())).orElse(false))) {
      return; // each enqueue makes its own Message-ID: another one is the mail queued before
    }
    MailEvent.Queued event = new MailEvent.Queued(mail.mailboxId(), mail.messageId(), id);
    for (SendListener l : settings.sendListeners()) {
      tell(id, () -> l.queued(event));
    }
  }

  private JdbcStore.NewMail prepare(OutgoingMailer mailer, Email email, @Nullable String idempotencyKey,
      @Nullable Priority priority) {
    Objects.requireNonNull(mailer, "mailer == null");
    Objects.requireNonNull(email, "email == null");
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 500)) {
      throw new IllegalArgumentException("idempotency key must be 1 to 500 characters, not blank");
    }
    checkOpen();
    String mailboxId = mailer.mailbox().id();
    settings.registry().get().outgoing(mailboxId); // the workers must find the mailbox
    PreparedEmail prepared = Access.get().prepare(mailer, email);
    long now = settings.clock().millis();
    Priority p = priority != null ? priority : settings.priorities().getOrDefault(mailboxId, Priority.NORMAL);
    return new JdbcStore.NewMail(mailboxId, idempotencyKey, prepared.messageId(), prepared.subject(), p,
        EmailCodec.encode(email), email.attachments(), now, now + settings.maxAge().toMillis(),
        SearchTerms.of(prepared, email));
  }

  /**
   * The mail with the id, as last stored.
   *
   * @param id the id enqueue returned
   * @return the mail, or empty if there is none (never queued, or purged)
   */
  public Optional<OutboxEntry> status(long id) {
    return query(() -> store.entry(id));
  }

  /**
   * Mails in a state, oldest first.
   *
   * @param state the state
   * @param limit the most to return, at least 1
   * @return up to {@code limit} mails
   */
  public List<OutboxEntry> list(OutboxState state, int limit) {
    return list(state, 0, limit);
  }

  /**
   * Mails in a state with an id above {@code afterId}, by id: to page through.
   *
   * @param state the state
   * @param afterId the last id of the previous page, 0 for the first
   * @param limit the most to return, at least 1
   * @return up to {@code limit} mails
   */
  public List<OutboxEntry> list(OutboxState state, long afterId, int limit) {
    Objects.requireNonNull(state, "state == null");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return query(() -> store.list(state, afterId, limit));
  }

  /**
   * Mails a search text finds, in any state, by id from {@code afterId}: to page through. A mail is
   * found by its id ({@code 4711} or {@code #4711}), by one of its recipients, its record id
   * ({@link Email#recordId()}) or its Message-ID (with or without angle brackets), each matched
   * whole, or by the start of its subject (at least 3 characters; as sent, or without its tag:
   * {@code "Printer"} finds {@code "[TICKET#4711] Printer jammed"}); all without regard to case. Each
   * is an index lookup, so a search stays fast over millions of mails.
   *
   * @param text what to look for
   * @param afterId the last id of the previous page, 0 for the first
   * @param limit the most to return, at least 1
   * @return up to {@code limit} mails, by id
   * @throws IllegalArgumentException if the text is blank or the limit below 1
   */
  public List<OutboxEntry> search(String text, long afterId, int limit) {
    Objects.requireNonNull(text, "text == null");
    if (text.isBlank()) {
      throw new IllegalArgumentException("the search text must not be blank");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    SearchTerms.Query q = SearchTerms.parse(text);
    return query(() -> store.search(q, afterId, limit));
  }

  /**
   * Counts the mails in a state.
   *
   * @param state the state
   * @return how many mails are in it
   */
  public long count(OutboxState state) {
    Objects.requireNonNull(state, "state == null");
    return query(() -> store.count(state));
  }

  /**
   * The attempts at a mail.
   *
   * @param id the mail's id
   * @return its attempts, first first; empty for an unknown id
   */
  public List<OutboxAttempt> attempts(long id) {
    return query(() -> store.attempts(id));
  }

  /**
   * Makes the mail due now: a deferred one is tried at once; a failed, expired, unknown or cancelled
   * one is queued again with a new maximum age.
   *
   * @param id the mail's id
   * @return false if there is no such mail, or it is sent or being sent
   */
  public boolean retryNow(long id) {
    long now = settings.clock().millis();
    boolean done = query(() -> store.retryNow(id, now, now + settings.maxAge().toMillis()));
    if (done) {
      wake();
    }
    return done;
  }

  /**
   * Cancels a mail that waits (queued, deferred, or unknown).
   *
   * @param id the mail's id
   * @return false if there is no such mail, or it is being sent or already finished
   */
  public boolean cancel(long id) {
    return query(() -> store.cancel(id, settings.clock().millis()));
  }

  /**
   * Deletes mails that finished (sent, failed, expired, unknown, cancelled) before {@code age} ago,
   * with their attempts and content.
   *
   * @param age how long finished mails are kept
   * @return how many mails were deleted
   */
  public int purge(Duration age) {
    Objects.requireNonNull(age, "age == null");
    return query(() -> store.purge(settings.clock().millis() - age.toMillis()));
  }

  /**
   * Claims and sends every mail due now on the calling thread, one at a time, mailbox by mailbox
   * within their rate limits, and stores the outcomes. Each mail is claimed when its turn comes, so
   * its lease covers its own send only. For hosts that run delivery from their own scheduler ({@link
   * Builder#workers(int) workers(0)}), and for tests.
   *
   * @return how many attempts it made
   */
  public int deliverDue() {
    checkOpen();
    int attempts = 0;
    long now = settings.clock().millis();
    try {
      reap(now, "the node sending it stopped before recording an outcome (its lease ended)");
      for (String mailbox : store.mailboxIds()) {
        while (true) {
          // one mail a claim: a mail waiting its turn on this thread holds no lease that could end
          // (nothing renews leases here) and let another node send it too
          JdbcStore.Claim claim = store.claim(mailbox, 1, now,
              () -> settings.clock().millis() + settings.lease().toMillis(), settings.nodeId(),
              settings.rateLimits(mailbox));
          if (claim.mails().isEmpty()) {
            break;
          }
          for (JdbcStore.Claimed m : claim.mails()) {
            record(List.of(delivery.attempt(m)));
            attempts++;
          }
        }
      }
    } catch (SQLException e) {
      throw new OutboxException("delivering due mail failed: " + e.getMessage(), e);
    }
    return attempts;
  }

  private void record(List<Outcome> outcomes) throws SQLException {
    boolean[] stored = store.record(outcomes);
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      if (!stored[i]) {
        LOG.warn("outbox mail {}: the outcome of attempt {} ({}) was not stored: its lease had ended and another "
            + "attempt holds it", o.id(), o.attempt(), o.state());
        continue;
      }
      if (o.attempted()) {
        delivered(new MailEvent.Delivery(o.mailboxId(), o.messageId(), o.id(), o.attempt(), state(o.state()),
            Optional.ofNullable(o.error()), Optional.ofNullable(o.dueAt()).map(Instant::ofEpochMilli),
            o.state() == OutboxState.DEFERRED ? o.recipients().pending() : List.of()));
      }
      if (o.state() == OutboxState.FAILED || o.state() == OutboxState.EXPIRED || o.state() == OutboxState.UNKNOWN) {
        LOG.warn("outbox mail {}: {}: {}", o.id(), o.state(), o.error());
        notifyListeners(o.id());
      }
    }
  }

  /** Ends the attempts whose lease ended before {@code before} as unknown, and applies the outcome-unknown policy. */
  private void reap(long before, String why) throws SQLException {
    while (true) {
      JdbcStore.Reaped reaped = store.reapExpired(before, settings.clock().millis(),
          settings.outcomeUnknown() == OutcomeUnknownPolicy.RESEND, why);
      if (!reaped.resent().isEmpty()) {
        LOG.info("outbox: {} mail(s) whose sending stopped without an outcome go again first: {}",
            reaped.resent().size(), why);
        if (!settings.sendListeners().isEmpty()) {
          // the lost attempt ended without an outcome; the mail is due again at once
          Instant now = Instant.ofEpochMilli(settings.clock().millis());
          for (long id : reaped.resent()) {
            entry(id).ifPresent(e -> delivered(new MailEvent.Delivery(e.mailboxId(), e.messageId(), id, e.attempts(),
                MailEvent.Delivery.State.DEFERRED, Optional.of(why), Optional.of(now), List.of())));
          }
        }
        wake();
      }
      for (long id : reaped.unknown()) {
        LOG.warn("outbox mail {}: UNKNOWN: {}", id, why);
        if (!settings.sendListeners().isEmpty()) {
          entry(id).ifPresent(e -> delivered(new MailEvent.Delivery(e.mailboxId(), e.messageId(), id, e.attempts(),
              MailEvent.Delivery.State.UNKNOWN, Optional.of(why), Optional.empty(), List.of())));
        }
        notifyListeners(id);
      }
      if (reaped.size() < 1000) {
        return;
      }
    }
  }

  private static MailEvent.Delivery.State state(OutboxState state) {
    return switch (state) {
      case SENT -> MailEvent.Delivery.State.SENT;
      case FAILED -> MailEvent.Delivery.State.FAILED;
      case EXPIRED -> MailEvent.Delivery.State.EXPIRED;
      case UNKNOWN -> MailEvent.Delivery.State.UNKNOWN;
      default -> MailEvent.Delivery.State.DEFERRED;
    };
  }

  /** Tells the listeners how a delivery ended. */
  private void delivered(MailEvent.Delivery event) {
    for (SendListener l : settings.sendListeners()) {
      tell(event.queueId(), () -> l.deliveryRecorded(event));
    }
  }

  private void tell(long id, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("outbox mail {}: a send listener threw: {}", id, e.toString());
    }
  }

  private Optional<OutboxEntry> entry(long id) {
    try {
      return store.entry(id);
    } catch (SQLException e) {
      LOG.warn("outbox mail {}: reading it for the listeners failed: {}", id, e.toString());
      return Optional.empty();
    }
  }

  @SuppressWarnings("deprecation") // the failure listeners, told as before until they go
  private void notifyListeners(long id) {
    if (settings.listeners().isEmpty()) {
      return;
    }
    Optional<OutboxEntry> entry = entry(id);
    if (entry.isEmpty()) {
      return;
    }
    for (OutboxListener l : settings.listeners()) {
      try {
        l.onFailure(entry.get());
      } catch (Exception e) {
        LOG.warn("outbox mail {}: a failure listener threw: {}", id, e.toString());
      }
    }
  }

  private void wake() {
    if (workers != null) {
      workers.wake();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new OutboxException("the outbox is closed");
    }
  }

  private interface Query<T> {
    T run() throws SQLException;
  }

  private <T> T query(Query<T> q) {
    checkOpen();
    try {
      return q.run();
    } catch (SQLException e) {
      throw new OutboxException("the outbox store failed: " + e.getMessage(), e);
    }
  }

  /** {@return this node's id, as recorded on its claims and attempts} */
  public String nodeId() {
    return settings.nodeId();
  }

  /**
   * Stops the workers (running sends finish, within the close timeout, and their outcomes are
   * stored) and closes the store. The registry is not closed.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (workers != null) {
      workers.close();
    }
    store.close();
  }

  @Override
  public String toString() {
    return "Outbox{" + store.description() + ", node=" + settings.nodeId() + ", workers=" + settings.workers() + "}";
  }

  /** Everything the builder set. */
  @SuppressWarnings("deprecation") // listeners: the failure listeners, until they go
  record Settings(Supplier<MailboxRegistry> registry, Clock clock, int workers, int batchSize, Duration lease,
      Duration pollInterval, Duration initialBackoff, Duration maxBackoff, Duration maxAge,
      OutcomeUnknownPolicy outcomeUnknown, List<OutboxListener> listeners, Map<String, List<RateLimit>> limits,
      Map<String, Priority> priorities, String nodeId, Duration closeTimeout, List<SendListener> sendListeners) {
    List<RateLimit> rateLimits(String mailboxId) {
      return limits.getOrDefault(mailboxId, List.of());
    }
  }

  /**
   * Builds an {@link Outbox}. Every setter checks its input at once ({@link IllegalArgumentException}
   * saying what is wrong); {@link #build()} needs a registry and a store.
   */
  public static final class Builder {
    private @Nullable Supplier<MailboxRegistry> registry;
    private @Nullable OutboxStore store;
    private Clock clock = Clock.systemUTC();
    private int workers = 32;
    private @Nullable Integer batchSize;
    private Duration lease = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration initialBackoff = Duration.ofMinutes(1);
    private Duration maxBackoff = Duration.ofHours(1);
    private Duration maxAge = Duration.ofDays(5);
    private OutcomeUnknownPolicy outcomeUnknown = OutcomeUnknownPolicy.RESEND;
    @SuppressWarnings("deprecation") // until failureListener goes
    private final List<OutboxListener> listeners = new CopyOnWriteArrayList<>();
    private final List<SendListener> sendListeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<RateLimit>> limits = new HashMap<>();
    private final Map<String, Priority> priorities = new HashMap<>();
    private @Nullable String nodeId;
    private Duration closeTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * The registry whose mailboxes deliver the mail. Required (this or {@link #registry(Supplier)}).
     *
     * @param registry the registry; the outbox does not close it
     * @return this builder
     */
    public Builder registry(MailboxRegistry registry) {
      Objects.requireNonNull(registry, "registry == null");
      return registry(() -> registry);
    }

    /**
     * The registry asked at each attempt, for hosts that replace their registry when mailboxes are
     * edited: a mail is sent with the settings current at its attempt; a mailbox that is gone fails
     * the mail with a clear reason, a disabled one makes it wait.
     *
     * @param registry gives the current registry
     * @return this builder
     * @throws IllegalStateException if a registry was already set
     */
    public Builder registry(Supplier<MailboxRegistry> registry) {
      if (this.registry != null) {
        throw new IllegalStateException("registry was already set");
      }
      this.registry = Objects.requireNonNull(registry, "registry == null");
      return this;
    }

    /**
     * Where the mail is kept. Required.
     *
     * @param store {@link OutboxStore#embedded(java.nio.file.Path)} or {@link OutboxStore#jdbc}
     * @return this builder
     * @throws IllegalStateException if a store was already set
     */
    public Builder store(OutboxStore store) {
      if (this.store != null) {
        throw new IllegalStateException("store was already set");
      }
      this.store = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /**
     * The clock for due times, backoff, leases, ages and rate limits; the system's UTC clock unless set.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * How many mails this node sends at once, default 32; 0 sends none (the host calls {@link
     * #deliverDue()} itself). Mails go through each mailbox's {@link OutgoingMailer#sendAsync}, on
     * the registry's executor ({@code MailboxRegistry.Builder.asyncThreads}) and connections, many
     * in flight on each pipelining SMTP connection, as a burst of direct sends would.
     *
     * @param workers 0 to 256
     * @return this builder
     */
    public Builder workers(int workers) {
      if (workers < 0 || workers > 256) {
        throw new IllegalArgumentException("workers must be 0 to 256, was " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Mails claimed by one query, at most; default half the number of workers, at least 16.
     *
     * @param batchSize 1 to 10,000
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batchSize must be 1 to 10000, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * How long a claimed mail stays with this node without news, default 30 s: the node's heartbeat
     * renews it every third of the lease while the node runs; when the node dies, another node takes
     * the mail over when the lease ends (the attempt is recorded as unknown and the {@link
     * #outcomeUnknown} policy applies; resent mail goes ahead of the backlog). The embedded store
     * does that at once when it is opened again.
     *
     * @param lease positive
     * @return this builder
     */
    public Builder lease(Duration lease) {
      this.lease = positive(lease, "lease");
      return this;
    }

    /**
     * How often idle workers look for due mail queued elsewhere (another node, a host transaction);
     * default 1 s.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive(interval, "pollInterval");
      return this;
    }

    /**
     * The wait after the first transient failure (default 1 minute), doubled after each further one
     * up to {@code max} (default 1 hour), each with random jitter; a server's Retry-After is
     * honoured when longer.
     *
     * @param initial the first wait's ceiling
     * @param max the ceiling of every wait, not shorter than {@code initial}
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max) {
      positive(initial, "initial backoff");
      positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff must not be shorter than the initial backoff");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * How long a mail that keeps failing transiently is retried before it expires; default 5 days
     * (Postfix's).
     *
     * @param maxAge positive
     * @return this builder
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = positive(maxAge, "maxAge");
      return this;
    }

    /**
     * What to do when it is unknown whether the server took a mail; default {@link
     * OutcomeUnknownPolicy#RESEND}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder outcomeUnknown(OutcomeUnknownPolicy policy) {
      this.outcomeUnknown = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /**
     * Adds a listener that hears the outbox's events: each mail {@linkplain SendListener#queued
     * queued}, and how each delivery ended ({@linkplain SendListener#deliveryRecorded sent, deferred,
     * or given up}: failed, expired, outcome unknown). The attempts of a delivery and how its send
     * ended are heard by the registry's listeners, as for any send. What a listener throws is logged
     * and changes nothing.
     *
     * @param listener the listener, such as the {@code outmail-micrometer} module's metrics
     * @return this builder
     */
    public Builder listener(SendListener listener) {
      sendListeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /**
     * Adds a listener told about mails that failed, expired or whose outcome is unknown.
     *
     * @param listener the listener
     * @return this builder
     * @deprecated use {@link #listener(SendListener)} and its {@link
     *     SendListener#deliveryRecorded(MailEvent.Delivery)}, where {@link MailEvent.Delivery#dead()}
     *     is such a mail ({@link Outbox#status(long)} of its {@code queueId()} reads the whole entry)
     */
    @Deprecated
    public Builder failureListener(OutboxListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /**
     * Limits the attempts of a mailbox, across every node of the store.
     *
     * @param mailboxId the mailbox
     * @param limit {@code "30/1m"}, {@code "10000/1d"}: see {@link RateLimit#parse(String)}
     * @return this builder
     * @throws IllegalArgumentException for a malformed limit, or a second limit of the same period
     */
    public Builder rateLimit(String mailboxId, String limit) {
      return rateLimit(mailboxId, RateLimit.parse(limit));
    }

    /**
     * Limits the attempts of a mailbox, across every node of the store.
     *
     * @param mailboxId the mailbox
     * @param limit the limit; a mailbox may have several, of different periods
     * @return this builder
     * @throws IllegalArgumentException for a second limit of the same period
     */
    public Builder rateLimit(String mailboxId, RateLimit limit) {
      Objects.requireNonNull(mailboxId, "mailboxId == null");
      Objects.requireNonNull(limit, "limit == null");
      List<RateLimit> list = limits.computeIfAbsent(mailboxId, k -> new ArrayList<>());
      if (list.stream().anyMatch(l -> l.period().equals(limit.period()))) {
        throw new IllegalArgumentException(
            "mailbox '" + mailboxId + "' already has a rate limit per " + limit.period());
      }
      list.add(limit);
      return this;
    }

    /**
     * The priority of the mailbox's mail when {@code enqueue} names none; {@link Priority#NORMAL}
     * unless set.
     *
     * @param mailboxId the mailbox
     * @param priority its mail's default priority
     * @return this builder
     */
    public Builder defaultPriority(String mailboxId, Priority priority) {
      Objects.requireNonNull(mailboxId, "mailboxId == null");
      priorities.put(mailboxId, Objects.requireNonNull(priority, "priority == null"));
      return this;
    }

    /**
     * This node's id on its claims and attempts; default host name, process id and a random part.
     *
     * @param nodeId 1 to 200 characters
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId == null");
      if (nodeId.isBlank() || nodeId.length() > 200) {
        throw new IllegalArgumentException("nodeId must be 1 to 200 characters, not blank");
      }
      this.nodeId = nodeId;
      return this;
    }

    /**
     * How long {@link Outbox#close()} lets running sends finish; default 30 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    /**
     * Opens the store (creating or migrating its tables) and starts the workers.
     *
     * @return the outbox, delivering
     * @throws IllegalStateException without a registry or a store
     * @throws OutboxException if the store cannot be opened (in use by another process, unreachable)
     */
    public Outbox build() {
      if (registry == null) {
        throw new IllegalStateException("registry is required");
      }
      if (store == null) {
        throw new IllegalStateException(
            "store is required: OutboxStore.embedded(directory) or OutboxStore.jdbc(dataSource)");
      }
      String node = nodeId != null ? nodeId : defaultNodeId();
      int batch = batchSize != null ? batchSize : Math.max(workers / 2, 16);
      Map<String, List<RateLimit>> copy = new HashMap<>();
      limits.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      Settings settings = new Settings(registry, clock, workers, batch, lease, pollInterval, initialBackoff, maxBackoff,
          maxAge, outcomeUnknown, List.copyOf(listeners), Map.copyOf(copy), Map.copyOf(priorities), node, closeTimeout,
          List.copyOf(sendListeners));
      JdbcStore opened = store.open();
      Outbox outbox;
      try {
        outbox = new Outbox(settings, opened);
        if (opened.embedded()) {
          // one process owns the file: whatever is SENDING was being sent by a process that is gone
          outbox.reap(Long.MAX_VALUE, "the process sending it stopped before recording an outcome (found when the "
              + "outbox was opened again)");
        }
      } catch (SQLException | RuntimeException e) {
        opened.close();
        throw e instanceof RuntimeException r ? r
            : new OutboxException("the outbox store failed: " + e.getMessage(), e);
      }
      if (outbox.workers != null) {
        outbox.workers.start();
      }
      return outbox;
    }

    private static String defaultNodeId() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "node";
      }
      String pid = ManagementFactory.getRuntimeMXBean().getName().replaceAll("@.*", "");
      return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
