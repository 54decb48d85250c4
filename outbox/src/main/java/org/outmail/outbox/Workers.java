package org.outmail.outbox;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery threads of one node: a dispatcher claims due mails mailbox by mailbox, in batches
 * (skipping a mailbox at its rate limit until a permit frees up), into a local queue of about one
 * batch beyond what the workers hold; workers take from it and send; a recorder stores their
 * outcomes in batches (one commit, one fsync) and tells the failure listeners. The dispatcher also
 * renews the leases of the mails this node holds; on close, claimed mails not yet tried are given
 * back.
 */
final class Workers {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  private final Outbox.Settings settings;
  private final JdbcStore store;
  private final Delivery delivery;
  private final Clock clock;
  private final Outcomes recorder;
  private final BlockingQueue<JdbcStore.Claimed> local = new LinkedBlockingQueue<>();
  private final AtomicInteger held = new AtomicInteger();
  /**
   * The mails this node holds and still handles (claimed, queued locally, being sent, outcome not yet
   * stored): only their leases are renewed, so a mail whose outcome could not be stored, or whose
   * attempt ended without one, is claimed again once its lease ends instead of being held forever.
   */
  private final java.util.Set<Long> holding = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<Thread> workerThreads = new ArrayList<>();
  private final Thread dispatcher;
  private final Thread recorderThread;
  private final BlockingQueue<JdbcStore.Outcome> outcomes = new LinkedBlockingQueue<>();
  private final Map<String, Long> throttledUntil = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean woken;
  private volatile boolean running = true;
  private volatile boolean recording = true;
  private int rotation;

  /** Stores outcomes and tells the listeners. */
  interface Outcomes {
    void record(List<JdbcStore.Outcome> outcomes) throws SQLException;
  }

  Workers(Outbox.Settings settings, JdbcStore store, Delivery delivery, Outcomes recorder) {
    this.settings = settings;
    this.store = store;
    this.delivery = delivery;
    this.clock = settings.clock();
    this.recorder = recorder;
    for (int i = 1; i <= settings.workers(); i++) {
      workerThreads.add(daemon(this::work, "outmail-outbox-worker-" + i));
    }
    this.dispatcher = daemon(this::dispatch, "outmail-outbox-dispatcher");
    this.recorderThread = daemon(this::record, "outmail-outbox-recorder");
  }

  void start() {
    recorderThread.start();
    workerThreads.forEach(Thread::start);
    dispatcher.start();
  }

  /** The most mails this node holds (claimed, queued locally or being sent). */
  private int capacity() {
    return settings.workers() + settings.batchSize();
  }

  private void work() {
    while (running) {
      JdbcStore.Claimed m;
      try {
        m = local.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (m == null) {
        continue;
      }
      boolean recorded = false;
      try {
        outcomes.add(delivery.attempt(m));
        recorded = true;
      } catch (RuntimeException | Error e) {
        // the worker goes on: a worker thread that died would leave the mails this node holds claimed
        LOG.error("outbox: delivering mail {} failed unexpectedly; it is sent again when its lease ends", m.id(), e);
      } finally {
        if (!recorded) {
          holding.remove(m.id());
        }
        held.decrementAndGet();
        if (local.size() < settings.batchSize() / 2 + 1) {
          wake();
        }
      }
    }
  }

  /** Something changed (a mail was queued, a worker finished): claim again now. */
  void wake() {
    lock.lock();
    try {
      woken = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void dispatch() {
    long nextRenewal = 0;
    long lease = settings.lease().toMillis();
    while (running) {
      try {
        long now = clock.millis();
        if (now >= nextRenewal) {
          store.renewLeases(settings.nodeId(), now + lease, java.util.List.copyOf(holding));
          nextRenewal = now + lease / 3;
        }
        boolean claimed = claimRound(now);
        if (!claimed || capacity() - held.get() <= settings.batchSize() / 2) {
          awaitWake(settings.pollInterval().toMillis());
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warn("outbox: claiming mail failed, trying again in {}: {}", settings.pollInterval(), e.toString());
        awaitWake(settings.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One pass over the mailboxes, starting with a different one each time; whether it claimed any mail. */
  private boolean claimRound(long now) throws SQLException, InterruptedException {
    List<String> mailboxes = store.mailboxIds();
    boolean claimed = false;
    int start = mailboxes.isEmpty() ? 0 : Math.floorMod(rotation++, mailboxes.size());
    for (int i = 0; i < mailboxes.size() && running; i++) {
      String mailbox = mailboxes.get((start + i) % mailboxes.size());
      Long until = throttledUntil.get(mailbox);
      if (until != null && until > now) {
        continue;
      }
      int free = capacity() - held.get();
      if (free <= 0) {
        break;
      }
      JdbcStore.Claim claim = store.claim(mailbox, Math.min(free, settings.batchSize()), now, now + settings.lease().toMillis(),
          settings.nodeId(), settings.rateLimits(mailbox));
      if (claim.throttledUntil() > 0) {
        throttledUntil.put(mailbox, claim.throttledUntil());
      } else {
        throttledUntil.remove(mailbox);
      }
      held.addAndGet(claim.mails().size());
      claim.mails().forEach(m -> holding.add(m.id()));
      local.addAll(claim.mails());
      claimed |= !claim.mails().isEmpty();
    }
    return claimed;
  }

  private void awaitWake(long millis) {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      while (!woken && running && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      woken = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private void record() {
    List<JdbcStore.Outcome> batch = new ArrayList<>();
    while (recording || !outcomes.isEmpty()) {
      try {
        JdbcStore.Outcome first = outcomes.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        outcomes.drainTo(batch, 999);
        recorder.record(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | RuntimeException e) {
        LOG.error("outbox: storing the outcome of {} attempt(s) failed; those mails are sent again when their lease ends: {}",
            batch.size(), e.toString());
      } finally {
        batch.forEach(o -> holding.remove(o.id()));
        batch.clear();
      }
    }
  }

  /**
   * Stops claiming, lets running sends finish (within the timeout), gives back the claimed mails no
   * worker started, and stores every outcome.
   */
  void close() {
    running = false;
    wake();
    join(dispatcher, settings.closeTimeout().toMillis());
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    for (Thread t : workerThreads) {
      join(t, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    for (Thread t : workerThreads) {
      if (t.isAlive()) {
        LOG.warn("outbox: a send still runs after {}; interrupting it (its mail is sent again after its lease)",
            settings.closeTimeout());
        t.interrupt();
      }
    }
    List<JdbcStore.Claimed> untried = new ArrayList<>();
    local.drainTo(untried);
    long now = clock.millis();
    for (JdbcStore.Claimed m : untried) {
      outcomes.add(delivery.giveBack(m, now));
    }
    recording = false;
    join(recorderThread, settings.closeTimeout().toMillis());
  }

  private static void join(Thread t, long millis) {
    try {
      t.join(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
