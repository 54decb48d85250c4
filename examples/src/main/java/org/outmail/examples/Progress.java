package org.outmail.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Progress lines on stderr, each starting with the command's name: a line for work still going on
 * after a threshold (one second), and lines that matter at once (a retry). Prints nothing when
 * {@code --quiet}.
 */
final class Progress implements AutoCloseable {
  /** Work that takes longer than this gets a progress line. */
  static final Duration AFTER = Duration.ofSeconds(1);

  /** A slow step in progress: close it when the work is done. */
  interface Step extends AutoCloseable {
    @Override
    void close();
  }

  private final PrintWriter err;
  private final String command;
  private final boolean quiet;
  private final Duration after;
  private @Nullable ScheduledExecutorService timer;

  Progress(PrintWriter err, String command, boolean quiet, Duration after) {
    this.err = err;
    this.command = command;
    this.quiet = quiet;
    this.after = after;
  }

  /** Prints {@code line} now. */
  void now(String line) {
    if (!quiet) {
      print(line);
    }
  }

  /** Prints {@code line} if the work has not ended (the step closed) after the threshold. */
  synchronized Step slow(String line) {
    if (quiet) {
      return () -> {};
    }
    if (after.isZero() || after.isNegative()) {
      print(line);
      return () -> {};
    }
    if (timer == null) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "outmail-progress");
        t.setDaemon(true);
        return t;
      });
    }
    ScheduledFuture<?> pending = timer.schedule(() -> print(line), after.toMillis(), TimeUnit.MILLISECONDS);
    return () -> pending.cancel(false);
  }

  private void print(String line) {
    synchronized (err) {
      err.println(command + ": " + line);
      err.flush();
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** {@code 0.4 s}, {@code 12 ms}, {@code 2 min 5 s}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
  }

  /** {@code 812 bytes}, {@code 12.3 KB}, {@code 4.0 MB}. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }
}
