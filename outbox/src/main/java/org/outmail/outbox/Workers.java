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
 * Delivery on one node, in three threads. The <b>dispatcher</b> claims due mails mailbox by mailbox
 * in batches (skipping a mailbox at its rate limit until a permit frees up) and hands each to the
 * mailbox's {@code sendAsync}, keeping up to {@code workers} mails in flight, so queued mail rides
 * the same pipelined connections as a burst of direct sends. The <b>recorder</b> stores the outcomes
 * in batches (one commit for many) and tells the failure listeners. The <b>heartbeat</b> renews the
 * leases of the mails this node holds and hands mails whose lease ended (their node stopped) back to
 * delivery, ahead of the backlog.
 */
final class Workers {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  private final Outbox.Settings settings;
  private final JdbcStore store;
  private final Delivery delivery;
  private final Clock clock;
  private final Outbox.Recorder recorder;
  private final AtomicInteger inFlight = new AtomicInteger();
  /**
   * The mails this node holds (claimed, being sent, outcome not yet stored), each with the attempt it
   * holds: only their leases are renewed, so a mail whose outcome could not be stored is taken over
   * once its lease ends. An attempt's end takes off that attempt alone: when a mail was claimed again
   * before the recorder got to the end of its previous attempt, the new attempt stays held.
   */
  private final Map<Long, Integer> holding = new ConcurrentHashMap<>();
  /**
   * Held by a claim until its mails are in {@link #holding}, and by the heartbeat while it renews
   * and looks for ended leases: so the heartbeat never finds a mail this node has claimed but not
   * yet listed, whose lease (set before the claim waited for the writer) may already have ended.
   * Fair: the dispatcher claims mailbox after mailbox, and an unfair lock let it take the lock again
   * ahead of a waiting heartbeat, whose renewals then came later than the lease.
   */
  private final ReentrantLock claiming = new ReentrantLock(true);
  private final Thread dispatcher;
  private final Thread recorderThread;
  private final Thread heartbeat;
  private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final Map<String, Long> throttledUntil = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private final Condition stopping = lock.newCondition();
  private boolean woken;
  private volatile boolean running = true;
  private volatile boolean recording = true;
  private int rotation;

  Workers(Outbox.Settings settings, JdbcStore store, Delivery delivery, Outbox.Recorder recorder) {
    this.settings = settings;
    this.store = store;
    this.delivery = delivery;
    this.clock = settings.clock();
    this.recorder = recorder;
    this.dispatcher = daemon(this::dispatch, "outmail-outbox-dispatcher");
    this.recorderThread = daemon(this::record, "outmail-outbox-recorder");
    this.heartbeat = daemon(this::beat, "outmail-outbox-heartbeat");
  }

  void start() {
    recorderThread.start();
    heartbeat.start();
    dispatcher.start();
  }

  /** Something changed (a mail was queued, a send finished): claim again now. */
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
    while (running) {
      try {
        boolean claimed = claimRound(clock.millis());
        if (!claimed || settings.workers() - inFlight.get() <= settings.batchSize() / 2) {
          awaitWake(settings.pollInterval().toMillis());
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warn("outbox: claiming mail failed, trying again in {}: {}", settings.pollInterval(), e.toString());
        awaitWake(settings.pollInterval().toMillis());
      }
    }
  }

  /** One pass over the mailboxes, starting with a different one each time; whether it claimed any mail. */
  private boolean claimRound(long now) throws SQLException {
    List<String> mailboxes = store.mailboxIds();
    boolean claimed = false;
    int start = mailboxes.isEmpty() ? 0 : Math.floorMod(rotation++, mailboxes.size());
    for (int i = 0; i < mailboxes.size() && running; i++) {
      String mailbox = mailboxes.get((start + i) % mailboxes.size());
      Long until = throttledUntil.get(mailbox);
      if (until != null && until > now) {
        continue;
      }
      int free = settings.workers() - inFlight.get();
      if (free <= 0) {
        break;
      }
      JdbcStore.Claim claim;
      claiming.lock();
      try {
        claim = store.claim(mailbox, Math.min(free, settings.batchSize()), now,
            () -> clock.millis() + settings.lease().toMillis(), settings.nodeId(), settings.rateLimits(mailbox));
        claim.mails().forEach(m -> holding.put(m.id(), m.attempt()));
      } finally {
        claiming.unlock();
      }
      if (claim.throttledUntil() > 0) {
        throttledUntil.put(mailbox, claim.throttledUntil());
      } else {
        throttledUntil.remove(mailbox);
      }
      for (JdbcStore.Claimed m : claim.mails()) {
        send(m);
      }
      claimed |= !claim.mails().isEmpty();
    }
    return claimed;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the callback handles the outcome and the failure
  private void send(JdbcStore.Claimed m) {
    inFlight.incrementAndGet();
    try {
      delivery.start(m).whenComplete((outcome, failure) -> {
        if (outcome != null) {
          outcomes.add(outcome);
        } else {
          // a bug, not a send's failure: the mail goes again after its lease, and the node goes on
          holding.remove(m.id(), m.attempt());
          LOG.error("outbox: delivering mail {} failed unexpectedly; it is sent again when its lease ends", m.id(),
              failure);
        }
        finished();
      });
    } catch (RuntimeException | Error e) {
      holding.remove(m.id(), m.attempt());
      LOG.error("outbox: delivering mail {} failed unexpectedly; it is sent again when its lease ends", m.id(), e);
      finished();
    }
  }

  private void finished() {
    int left = inFlight.decrementAndGet();
    if (left <= settings.workers() - Math.max(1, settings.batchSize() / 2) || left == 0) {
      lock.lock();
      try {
        woken = true;
        wake.signalAll();
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
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

  /** Renews this node's leases every third of the lease, and ends the attempts of nodes that stopped. */
  private void beat() {
    long lease = settings.lease().toMillis();
    long period = Math.max(10, lease / 3);
    while (running) {
      claiming.lock();
      try {
        long now = clock.millis();
        boolean renewed = false;
        try {
          store.renewLeases(settings.nodeId(), now + lease, List.copyOf(holding.keySet()));
          renewed = true;
        } catch (SQLException | RuntimeException e) {
          LOG.warn("outbox: renewing the leases of {} mail(s) failed: {}", holding.size(), e.toString());
        }
        try {
          if (renewed) {
            // after the renewal: this node's own mails are not among those whose lease ended before now
            recorder.reap(now);
          }
        } catch (SQLException | RuntimeException e) {
          LOG.warn("outbox: looking for mails whose lease ended failed: {}", e.toString());
        }
      } finally {
        claiming.unlock();
      }
      sleep(period);
    }
  }

  private void sleep(long millis) {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      while (running && nanos > 0) {
        nanos = stopping.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private void record() {
    List<Outcome> batch = new ArrayList<>();
    while (recording || !outcomes.isEmpty()) {
      try {
        Outcome first = outcomes.poll(100, TimeUnit.MILLISECONDS);
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
        LOG.error(
            "outbox: storing the outcome of {} attempt(s) failed; those mails are sent again when their lease ends: {}",
            batch.size(), e.toString());
      } finally {
        batch.forEach(o -> holding.remove(o.id(), o.attempt()));
        batch.clear();
      }
    }
  }

  /**
   * Stops claiming, lets the sends in flight finish (within the close timeout) and stores every
   * outcome. A send still running then keeps its mail SENDING: it is sent again when its lease ends
   * (or, on the embedded store, when the outbox is opened next).
   */
  void close() {
    running = false;
    wake();
    lock.lock();
    try {
      stopping.signalAll();
    } finally {
      lock.unlock();
    }
    join(dispatcher, settings.closeTimeout().toMillis());
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    lock.lock();
    try {
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        idle.awaitNanos(Math.max(1, Math.min(TimeUnit.MILLISECONDS.toNanos(100), deadline - System.nanoTime())));
      }
      idle.signalAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    if (inFlight.get() > 0) {
      LOG.warn("outbox: {} send(s) still run after {}; their mails are sent again after their lease", inFlight.get(),
          settings.closeTimeout());
    }
    join(heartbeat, settings.closeTimeout().toMillis());
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
