package org.outmail.smtp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A mailbox's open, authenticated connections, to whichever of its servers {@link ServerOpener}
 * opened each on (every connection knows its server; {@link #openByServer()} counts them). At most {@code maxConnections} are open at once; an
 * idle connection is reused, the most recently used first, and is checked with {@code NOOP} only
 * when it has been idle for a while; idle connections are closed after the idle timeout, and a
 * connection is closed after {@code maxMessagesPerConnection} messages. Every close says {@code
 * QUIT}.
 *
 * <p>A sender gets an idle connection, else a new one while fewer than the maximum are open, else
 * (when its message can go pipelined) a share of a pipelining connection with fewer than twice
 * {@code window} senders on it (the window's mails in flight, as many prepared and queued behind
 * them, so that the room each reply frees is filled at once, without waiting for a sender to come
 * back); else it waits. A sender whose message cannot go pipelined has its
 * connection to itself.
 */
final class ConnectionPool {
  private final ServerOpener opener;
  private final SmtpOptions options;
  private final int maxConnections;
  private final int window;
  /** The most senders on one connection: the window in flight and as many queued. */
  private final int sharers;
  private final long idleTimeoutNanos;
  private final long checkAfterIdleNanos;
  private final int maxMessages;
  private final ScheduledExecutorService scheduler;
  private final Deque<Slot> idle = new ArrayDeque<>();
  /** Connections handed out to at least one sender. */
  private final List<Slot> busy = new ArrayList<>();
  /** Connections open or being opened. */
  private int open;
  /** Senders holding a connection, or opening one. */
  private int inUse;
  private boolean closed;
  private @Nullable ScheduledFuture<?> reaper;

  /**
   * @param checkAfterIdle an idle connection older than this is checked with {@code NOOP} before
   *     reuse; younger ones are used at once (a dead one is then replaced by the caller)
   */
  ConnectionPool(ServerOpener opener, SmtpOptions options, Duration checkAfterIdle,
      ScheduledExecutorService scheduler) {
    this.opener = opener;
    this.options = options;
    this.maxConnections = options.maxConnections();
    this.window = options.pipelining() ? options.maxInFlight() : 1;
    this.sharers = 2 * window;
    this.idleTimeoutNanos = options.idleTimeout().toNanos();
    this.checkAfterIdleNanos = checkAfterIdle.toNanos();
    this.maxMessages = options.maxMessagesPerConnection();
    this.scheduler = scheduler;
  }

  /**
   * A connection for one message: an idle one, else a new one, else a share of a busy one that
   * pipelines. The caller hands it back with {@link #release} or {@link #discard}.
   *
   * @param share whether the message can go pipelined, on a connection other senders use too
   * @throws OpenFailure if a new connection cannot be opened
   * @throws ServersFailed if none of several servers took a new connection
   * @throws InterruptedException if interrupted while every connection is in use
   * @throws PoolClosed if the pool is closed
   */
  SendLane acquire(boolean share) throws OpenFailure, ServersFailed, InterruptedException, PoolClosed {
    while (true) {
      Slot slot;
      SmtpConnection c = null;
      boolean fresh = false;
      synchronized (this) {
        while (true) {
          if (closed) {
            throw new PoolClosed();
          }
          slot = idle.pollFirst();
          if (slot != null) {
            c = slot.lane.connection();
            break;
          }
          if (open < maxConnections) {
            open++;
            fresh = true;
            break;
          }
          if (share) {
            Slot joined = joinable();
            if (joined != null) {
              joined.users++;
              inUse++;
              return joined.lane;
            }
          }
          wait();
        }
        inUse++;
      }
      if (fresh) {
        slot = new Slot(openNew());
        c = slot.lane.connection();
      } else {
        Objects.requireNonNull(c, "an idle connection");
        boolean ok = false;
        try {
          ok = usable(c);
          if (ok) {
            c.reused(true);
          }
        } finally {
          if (!ok) {
            c.closeQuietly();
            synchronized (this) {
              open--;
              inUse--;
              notifyAll();
            }
          }
        }
        if (!ok) {
          continue;
        }
      }
      synchronized (this) {
        if (closed) {
          open--;
          inUse--;
          notifyAll();
          c.closeQuietly();
          throw new PoolClosed();
        }
        slot.users = 1;
        slot.exclusive = !share;
        busy.add(slot);
      }
      return slot.lane;
    }
  }

  /** A busy connection another sender may share, the least loaded; under the lock. */
  private @Nullable Slot joinable() {
    Slot best = null;
    for (Slot s : busy) {
      if (!s.exclusive && s.users < sharers && s.lane.shareable(window)
          && s.messagesSent + s.users < maxMessages && (best == null || s.users < best.users)) {
        best = s;
      }
    }
    return best;
  }

  /** The pool's record of one of its connections: who holds it, how, and what it has carried; guarded by the pool. */
  private static final class Slot {
    final SendLane lane;
    /** How many senders hold the connection. */
    int users;
    /** Whether its one sender needs it to itself (a message that does not go pipelined), or it failed. */
    boolean exclusive;
    int messagesSent;

    Slot(SendLane lane) {
      this.lane = lane;
    }
  }

  /** The busy slot of a connection handed out; under the lock. */
  private Slot busySlot(SendLane lane) {
    for (Slot s : busy) {
      if (s.lane == lane) {
        return s;
      }
    }
    throw new IllegalStateException("a connection handed back that the pool did not hand out");
  }

  /** Opens a connection counted in {@link #open} already; gives the count back if it fails. */
  private SendLane openNew() throws OpenFailure, ServersFailed {
    boolean ok = false;
    try {
      SmtpConnection c = opener.open();
      c.reused(false);
      SendLane lane = SendLane.of(c, options);
      ok = true;
      return lane;
    } finally {
      if (!ok) {
        synchronized (this) {
          open--;
          inUse--;
          notifyAll();
        }
      }
    }
  }

  /**
   * Closes a connection that turned out dead and opens a new one in its place, for the same caller.
   *
   * @throws OpenFailure if the new one cannot be opened; the caller then holds nothing
   */
  SendLane replace(SendLane dead, boolean share) throws OpenFailure, ServersFailed, InterruptedException, PoolClosed {
    discard(dead);
    return acquire(share);
  }

  /** {@return how many connections are open (idle or in use) to each server that has any} */
  synchronized java.util.Map<org.outmail.ServerAddress, Integer> openByServer() {
    java.util.Map<org.outmail.ServerAddress, Integer> m = new java.util.LinkedHashMap<>();
    idle.forEach(s -> m.merge(s.lane.connection().server(), 1, Integer::sum));
    busy.forEach(s -> m.merge(s.lane.connection().server(), 1, Integer::sum));
    return m;
  }

  /** Takes a connection back after a message went through it. */
  void release(SendLane lane) {
    lane.connection().used(System.nanoTime());
    handBack(lane, false);
  }

  /** Takes back a connection that failed; it is closed once its last sender handed it back. */
  void discard(SendLane lane) {
    lane.connection().abort();
    handBack(lane, true);
  }

  private void handBack(SendLane lane, boolean failed) {
    SmtpConnection c = lane.connection();
    boolean close = false;
    boolean last;
    synchronized (this) {
      Slot slot = busySlot(lane);
      slot.users--;
      inUse--;
      if (failed) {
        slot.exclusive = true; // nobody joins it any more
      } else {
        slot.messagesSent++;
      }
      if (slot.users == 0) {
        busy.remove(slot);
        if (!failed && !closed && !lane.broken() && slot.messagesSent < maxMessages) {
          slot.exclusive = false;
          idle.addFirst(slot);
          startReaper();
        } else {
          open--;
          close = true;
        }
      }
      last = closed && inUse == 0;
      notifyAll();
    }
    if (close) {
      c.closeQuietly();
    }
    if (last) {
      scheduler.shutdown();
    }
  }

  /** Closes every idle connection with QUIT; connections in use are closed when handed back. */
  void close() {
    List<SmtpConnection> toClose;
    boolean last;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>();
      idle.forEach(s -> toClose.add(s.lane.connection()));
      open -= idle.size();
      idle.clear();
      if (reaper != null) {
        reaper.cancel(false);
      }
      last = inUse == 0;
      notifyAll();
    }
    toClose.forEach(SmtpConnection::closeQuietly);
    if (last) {
      scheduler.shutdown();
    }
  }

  /** Whether an idle connection may be used: not expired, and answering NOOP when idle a while. */
  private boolean usable(SmtpConnection c) {
    long idleFor = c.idleNanos(System.nanoTime());
    if (idleFor >= idleTimeoutNanos) {
      c.closeQuietly();
      return false;
    }
    return idleFor < checkAfterIdleNanos || c.answersNoop();
  }

  private void startReaper() {
    if (reaper == null) {
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50),
          Math.min(idleTimeoutNanos / 2, TimeUnit.SECONDS.toNanos(10)));
      reaper = scheduler.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.NANOSECONDS);
    }
  }

  private void closeExpired() {
    List<SmtpConnection> expired = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      idle.removeIf(s -> {
        if (s.lane.connection().idleNanos(now) >= idleTimeoutNanos) {
          expired.add(s.lane.connection());
          return true;
        }
        return false;
      });
      open -= expired.size();
      notifyAll();
    }
    expired.forEach(SmtpConnection::closeQuietly);
  }
}
