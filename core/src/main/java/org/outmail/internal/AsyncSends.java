package org.outmail.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.OutgoingMailer;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's bounded executor for {@link OutgoingMailer#sendAsync}, which keeps track of every
 * send it accepted so that {@link #close} completes each one's future: a send that has not started
 * fails with "the registry was closed", one in flight gets up to the close timeout to finish, is
 * then interrupted, and fails with an unknown outcome if it still does not finish.
 */
public final class AsyncSends {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncSends.class);
  /** After interrupting them, how long in-flight sends get to fail on their own. */
  private static final long INTERRUPT_GRACE_MILLIS = 1_000;

  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;

  private final ThreadPoolExecutor pool;
  private final Duration closeTimeout;
  private final Set<Task> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  AsyncSends(int threads, int queueCapacity, Duration closeTimeout) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "outmail-send-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
    this.pool.allowCoreThreadTimeOut(true);
    this.closeTimeout = closeTimeout;
  }

  /**
   * Queues a send. The future fails at once when the registry is closed or the queue is full.
   */
  public CompletableFuture<SendResult> submit(String mailboxId, Supplier<SendResult> send) {
    Task task = new Task(mailboxId, send);
    if (closed) {
      return CompletableFuture.failedFuture(notSent(mailboxId, "the registry is closed", null));
    }
    pending.add(task);
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      pending.remove(task);
      String why = closed || pool.isShutdown() ? "the registry is closed" : "too many sends are queued";
      return CompletableFuture.failedFuture(notSent(mailboxId, why, e));
    }
    if (closed) {
      // close() may have run between the check above and execute(): it must not miss this task
      task.failIfQueued("the registry was closed before the send started");
    }
    return task.future;
  }

  /**
   * Fails the sends that have not started, waits up to the close timeout for those in flight,
   * interrupts those still running, and fails any that still do not finish. When it returns, every
   * future this executor handed out is complete.
   */
  void close() {
    closed = true;
    pool.shutdown();
    int dropped = 0;
    for (Task t : snapshot()) {
      if (t.failIfQueued("the registry was closed before the send started")) {
        dropped++;
      }
    }
    if (dropped > 0) {
      LOG.warn("registry closed: {} queued asynchronous send(s) were not started and fail", dropped);
    }
    boolean interrupted = false;
    try {
      if (!pool.awaitTermination(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.warn("{} asynchronous send(s) did not finish within the close timeout of {}; interrupting them",
            pending.size(), closeTimeout);
        pool.shutdownNow();
        pool.awaitTermination(INTERRUPT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      interrupted = true;
    }
    for (Task t : snapshot()) {
      t.failInFlight();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private List<Task> snapshot() {
    return new ArrayList<>(pending);
  }

  private static MailException notSent(String mailboxId, String why, @Nullable Throwable cause) {
    return new MailException(mailboxId, MailException.mailboxPrefix(mailboxId) + "not sent, " + why, cause);
  }

  /** One queued send and its future; whoever moves it out of QUEUED decides how it ends. */
  private final class Task implements Runnable {
    final String mailboxId;
    final Supplier<SendResult> send;
    final CompletableFuture<SendResult> future = new CompletableFuture<>();
    final AtomicInteger state = new AtomicInteger(QUEUED);

    Task(String mailboxId, Supplier<SendResult> send) {
      this.mailboxId = mailboxId;
      this.send = send;
    }

    @Override
    public void run() {
      if (closed) {
        failIfQueued("the registry was closed before the send started");
      }
      if (!state.compareAndSet(QUEUED, RUNNING)) {
        return;
      }
      try {
        future.complete(send.get());
      } catch (Throwable e) {
        future.completeExceptionally(e);
        if (e instanceof VirtualMachineError error) {
          throw error;
        }
      } finally {
        state.set(DONE);
        pending.remove(this);
      }
    }

    boolean failIfQueued(String why) {
      if (!state.compareAndSet(QUEUED, DONE)) {
        return false;
      }
      pending.remove(this);
      future.completeExceptionally(notSent(mailboxId, why, null));
      return true;
    }

    /** A send that ignored the interrupt: its future fails; whether the server took it is unknown. */
    void failInFlight() {
      if (failIfQueued("the registry was closed before the send started")) {
        return;
      }
      if (state.get() == RUNNING && future.completeExceptionally(
          TransportException.builder(mailboxId, MailException.mailboxPrefix(mailboxId)
              + "the registry was closed while sending, and the send did not stop within the close timeout of "
              + closeTimeout + "; whether the server took the message is unknown")
              .stage(TransportException.Stage.CLOSED).outcomeUnknown(true).build())) {
        LOG.warn("{}an asynchronous send did not stop when interrupted; its future fails with an unknown outcome",
            MailException.mailboxPrefix(mailboxId));
      }
    }
  }
}
