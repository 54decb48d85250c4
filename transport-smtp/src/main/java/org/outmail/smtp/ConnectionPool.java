package org.outmail.smtp;

import jakarta.mail.MessagingException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A mailbox's open, authenticated connections. At most {@code maxConnections} are open at once; an
 * idle connection is reused, the most recently used first, and is checked with {@code NOOP} only
 * when it has been idle for a while; idle connections are closed after the idle timeout, and a
 * connection is closed after {@code maxMessagesPerConnection} messages. Every close says {@code
 * QUIT}.
 *
 * <p>A sender gets an idle connection, else a new one while fewer than the maximum are open, else
 * (when its message can go pipelined) a share of a pipelining connection with fewer than {@code
 * window} senders on it; else it waits. A sender whose message cannot go pipelined has its
 * connection to itself.
 */
final class ConnectionPool {
  private final Connector connector;
  private final SmtpOptions options;
  private final int maxConnections;
  private final int window;
  private final long idleTimeoutNanos;
  private final long checkAfterIdleNanos;
  private final int maxMessages;
  private final ScheduledExecutorService scheduler;
  private final Deque<SmtpConnection> idle = new ArrayDeque<>();
  /** Connections handed out to at least one sender. */
  private final List<SmtpConnection> busy = new ArrayList<>();
  /** Connections open or being opened. */
  private int open;
  /** Senders holding a connection, or opening one. */
  private int inUse;
  private boolean closed;
  private ScheduledFuture<?> reaper;

  /**
   * @param checkAfterIdle an idle connection older than this is checked with {@code NOOP} before
   *     reuse; younger ones are used at once (a dead one is then replaced by the caller)
   */
  ConnectionPool(Connector connector, SmtpOptions options, Duration checkAfterIdle, ScheduledExecutorService scheduler) {
    this.connector = connector;
    this.options = options;
    this.maxConnections = options.maxConnections();
    this.window = options.pipelining() ? options.maxInFlight() : 1;
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
   * @param attempt sees a new connection before it connects
   * @throws MessagingException if a new connection cannot be opened
   * @throws InterruptedException if interrupted while every connection is in use
   * @throws IllegalStateException if the pool is closed
   */
  SmtpConnection acquire(boolean share, Consumer<SmtpConnection> attempt) throws MessagingException, InterruptedException {
    while (true) {
      SmtpConnection c;
      boolean fresh = false;
      synchronized (this) {
        while (true) {
          if (closed) {
            throw new IllegalStateException("the transport is closed");
          }
          c = idle.pollFirst();
          if (c != null) {
            break;
          }
          if (open < maxConnections) {
            open++;
            fresh = true;
            break;
          }
          if (share) {
            c = joinable();
            if (c != null) {
              c.users(c.users() + 1);
              inUse++;
              return c;
            }
          }
          wait();
        }
        inUse++;
      }
      if (fresh) {
        c = openNew(attempt);
      } else {
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
          throw new IllegalStateException("the transport is closed");
        }
        c.users(1);
        c.exclusive(!share);
        busy.add(c);
      }
      return c;
    }
  }

  /** A busy connection another sender may share, the least loaded; under the lock. */
  private SmtpConnection joinable() {
    SmtpConnection best = null;
    for (SmtpConnection c : busy) {
      if (!c.exclusive() && c.users() < window && c.shareable(window)
          && c.messagesSent() + c.users() < maxMessages && (best == null || c.users() < best.users())) {
        best = c;
      }
    }
    return best;
  }

  /** Opens a connection counted in {@link #open} already; gives the count back if it fails. */
  private SmtpConnection openNew(Consumer<SmtpConnection> attempt) throws MessagingException {
    boolean ok = false;
    try {
      SmtpConnection c = connector.open(attempt);
      c.pipelining(options);
      c.reused(false);
      ok = true;
      return c;
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
   * @throws MessagingException if the new one cannot be opened; the caller then holds nothing
   */
  SmtpConnection replace(SmtpConnection dead, boolean share, Consumer<SmtpConnection> attempt)
      throws MessagingException, InterruptedException {
    discard(dead);
    return acquire(share, attempt);
  }

  /** Takes a connection back after a message went through it. */
  void release(SmtpConnection c) {
    c.used(System.nanoTime());
    c.countMessage();
    handBack(c, false);
  }

  /** Takes back a connection that failed; it is closed once its last sender handed it back. */
  void discard(SmtpConnection c) {
    c.abort();
    handBack(c, true);
  }

  private void handBack(SmtpConnection c, boolean failed) {
    boolean close = false;
    boolean last;
    synchronized (this) {
      c.users(c.users() - 1);
      inUse--;
      if (failed) {
        c.exclusive(true); // nobody joins it any more
      }
      if (c.users() == 0) {
        busy.remove(c);
        if (!failed && !closed && !c.broken() && c.messagesSent() < maxMessages) {
          c.exclusive(false);
          idle.addFirst(c);
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
      toClose = new ArrayList<>(idle);
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
    // Angus's isConnected() sends NOOP and closes the connection if the reply is not 250
    return idleFor < checkAfterIdleNanos || c.isConnected();
  }

  private void startReaper() {
    if (reaper == null) {
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(idleTimeoutNanos / 2, TimeUnit.SECONDS.toNanos(10)));
      reaper = scheduler.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.NANOSECONDS);
    }
  }

  private void closeExpired() {
    List<SmtpConnection> expired = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      idle.removeIf(c -> {
        if (c.idleNanos(now) >= idleTimeoutNanos) {
          expired.add(c);
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
