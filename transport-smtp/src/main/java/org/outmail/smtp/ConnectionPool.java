package org.outmail.smtp;

import jakarta.mail.MessagingException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A mailbox's open, authenticated connections. At most {@code maxConnections} are in use at once
 * (a send waits for one); an idle connection is reused, the most recently used first, and is
 * checked with {@code NOOP} only when it has been idle for a while; idle connections are closed
 * after the idle timeout, and a connection is closed after {@code maxMessagesPerConnection}
 * messages. Every close says {@code QUIT}.
 */
final class ConnectionPool {
  private final Connector connector;
  private final Semaphore permits;
  private final long idleTimeoutNanos;
  private final long checkAfterIdleNanos;
  private final int maxMessages;
  private final ScheduledExecutorService scheduler;
  private final Deque<SmtpConnection> idle = new ArrayDeque<>();
  private int inUse;
  private boolean closed;
  private ScheduledFuture<?> reaper;

  /**
   * @param checkAfterIdle an idle connection older than this is checked with {@code NOOP} before
   *     reuse; younger ones are used at once (a dead one is then replaced by the caller)
   */
  ConnectionPool(Connector connector, int maxConnections, Duration idleTimeout, Duration checkAfterIdle,
      int maxMessages, ScheduledExecutorService scheduler) {
    this.connector = connector;
    this.permits = new Semaphore(maxConnections, true);
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.checkAfterIdleNanos = checkAfterIdle.toNanos();
    this.maxMessages = maxMessages;
    this.scheduler = scheduler;
  }

  /**
   * A connection for one message: an idle one, else a new one. The caller hands it back with
   * {@link #release} or {@link #discard}.
   *
   * @param attempt sees a new connection before it connects
   * @throws MessagingException if a new connection cannot be opened
   * @throws InterruptedException if interrupted while all connections are in use
   */
  SmtpConnection acquire(Consumer<SmtpConnection> attempt) throws MessagingException, InterruptedException {
    permits.acquire();
    boolean ok = false;
    try {
      SmtpConnection c = takeIdle();
      if (c == null) {
        c = connector.open(attempt);
        c.reused(false);
      }
      synchronized (this) {
        if (closed) {
          c.closeQuietly();
          throw new IllegalStateException("the transport is closed");
        }
        inUse++;
      }
      ok = true;
      return c;
    } finally {
      if (!ok) {
        permits.release();
      }
    }
  }

  /**
   * Closes a connection that turned out dead and opens a new one in its place, for the same caller.
   *
   * @throws MessagingException if the new one cannot be opened; the caller then holds nothing
   */
  SmtpConnection replace(SmtpConnection dead, Consumer<SmtpConnection> attempt) throws MessagingException {
    dead.closeQuietly();
    try {
      SmtpConnection c = connector.open(attempt);
      c.reused(false);
      return c;
    } catch (MessagingException | RuntimeException e) {
      handBack();
      throw e;
    }
  }

  /** Takes a connection back after a message went through it. */
  void release(SmtpConnection c) {
    long now = System.nanoTime();
    c.used(now);
    c.countMessage();
    boolean keep;
    synchronized (this) {
      keep = !closed && c.messagesSent() < maxMessages;
      if (keep) {
        idle.addFirst(c);
        startReaper();
      }
    }
    if (!keep) {
      c.closeQuietly();
    }
    handBack();
  }

  /** Takes back a connection that failed; it is closed. */
  void discard(SmtpConnection c) {
    c.closeQuietly();
    handBack();
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
      idle.clear();
      if (reaper != null) {
        reaper.cancel(false);
      }
      last = inUse == 0;
    }
    toClose.forEach(SmtpConnection::closeQuietly);
    if (last) {
      scheduler.shutdown();
    }
  }

  private void handBack() {
    boolean last;
    synchronized (this) {
      inUse--;
      last = closed && inUse == 0;
    }
    permits.release();
    if (last) {
      scheduler.shutdown();
    }
  }

  private SmtpConnection takeIdle() {
    while (true) {
      SmtpConnection c;
      synchronized (this) {
        c = idle.pollFirst();
      }
      if (c == null) {
        return null;
      }
      long idleFor = c.idleNanos(System.nanoTime());
      if (idleFor >= idleTimeoutNanos) {
        c.closeQuietly();
        continue;
      }
      // Angus's isConnected() sends NOOP and closes the connection if the reply is not 250
      if (idleFor >= checkAfterIdleNanos && !c.isConnected()) {
        continue;
      }
      c.reused(true);
      return c;
    }
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
    }
    expired.forEach(SmtpConnection::closeQuietly);
  }
}
