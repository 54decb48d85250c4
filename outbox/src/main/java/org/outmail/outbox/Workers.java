package org.outmail.outbox;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery threads of one node: a dispatcher claims due mails mailbox by mailbox (skipping a
 * mailbox at its rate limit until a permit frees up) for as many workers as are free; workers send;
 * a recorder stores their outcomes in batches (one commit, one fsync) and tells the failure
 * listeners. The dispatcher also renews the leases of the mails this node holds.
 */
final class Workers {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  private final Outbox.Settings settings;
  private final JdbcStore store;
  private final Delivery delivery;
  private final Clock clock;
  private final Outcomes recorder;
  private final Semaphore slots;
  private final ThreadPoolExecutor pool;
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
    this.slots = new Semaphore(settings.workers());
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> daemon(r, "outmail-outbox-worker-" + n.incrementAndGet()));
    this.dispatcher = daemon(this::dispatch, "outmail-outbox-dispatcher");
    this.recorderThread = daemon(this::record, "outmail-outbox-recorder");
  }

  void start() {
    recorderThread.start();
    dispatcher.start();
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
          store.renewLeases(settings.nodeId(), now + lease);
          nextRenewal = now + lease / 3;
        }
        boolean claimed = claimRound(now);
        if (!claimed || slots.availablePermits() == 0) {
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
      int free = slots.availablePermits();
      if (free == 0) {
        break;
      }
      JdbcStore.Claim claim = store.claim(mailbox, Math.min(free, settings.batchSize()), now, now + settings.lease().toMillis(),
          settings.nodeId(), settings.rateLimits(mailbox));
      if (claim.throttledUntil() > 0) {
        throttledUntil.put(mailbox, claim.throttledUntil());
      } else {
        throttledUntil.remove(mailbox);
      }
      for (JdbcStore.Claimed m : claim.mails()) {
        slots.acquire();
        pool.execute(() -> {
          try {
            outcomes.add(delivery.attempt(m));
          } finally {
            slots.release();
            wake();
          }
        });
        claimed = true;
      }
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
        batch.clear();
      }
    }
  }

  /** Stops claiming, lets running sends finish (within the timeout), stores their outcomes. */
  void close() {
    running = false;
    wake();
    join(dispatcher, settings.closeTimeout().toMillis());
    pool.shutdown();
    try {
      if (!pool.awaitTermination(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("outbox: sends still running after {}; interrupting them (their mails are sent again after the lease)",
            settings.closeTimeout());
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
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
