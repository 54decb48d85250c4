package org.outmail.smtp;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The write timeout of one connection: a write to the socket that makes no progress for the
 * mailbox's write timeout gets the TCP socket closed under it, which ends the write with an
 * {@code IOException}. Every write to the server (commands, pipelined batches, content) is bracketed
 * with {@link #begin()} / {@link #end()}: two volatile stores, no timer per write or per message.
 * One periodic check per connection (every quarter of the timeout) looks at the write in progress,
 * so a stall is detected after between 1 and 1.25 times the timeout.
 *
 * <p>Unlike Angus Mail's {@code mail.smtp.writetimeout}, which schedules and cancels a task on an
 * executor for every write to the socket, it costs nothing per write. Large content is written in chunks of {@link
 * #CHUNK} bytes, so a slow but moving connection is never mistaken for a stalled one.
 */
final class WriteWatchdog {
  /** The most written in one call while watched: progress is seen at least this often. */
  static final int CHUNK = 64 * 1024;

  private final long timeoutNanos;
  private volatile long since;
  private volatile boolean fired;
  private volatile @Nullable Socket tcp;
  private @Nullable ScheduledFuture<?> task;

  WriteWatchdog(Duration timeout) {
    this.timeoutNanos = Math.max(1, timeout.toNanos());
  }

  /**
   * Starts watching the connection's TCP socket. If the scheduler no longer runs (its transport is
   * closing, so no message will be sent on this connection) the connection is not watched.
   */
  synchronized void watch(Socket tcpSocket, ScheduledExecutorService scheduler) {
    this.tcp = tcpSocket;
    if (task == null && tcpSocket != null) {
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), timeoutNanos / 4);
      try {
        task = scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        task = null;
      }
    }
  }

  /** A write to the server begins. */
  void begin() {
    long now = System.nanoTime();
    since = now == 0 ? 1 : now;
  }

  /** The write begun last returned (or failed). */
  void end() {
    since = 0;
  }

  /** Whether a stalled write had its socket closed. */
  boolean fired() {
    return fired;
  }

  /** Stops watching; called when the connection closes. */
  synchronized void stop() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void check() {
    long started = since;
    Socket s = tcp;
    if (started != 0 && s != null && System.nanoTime() - started >= timeoutNanos) {
      fired = true;
      try {
        s.close();
      } catch (IOException ignored) {
        // closed either way
      }
    }
  }
}
