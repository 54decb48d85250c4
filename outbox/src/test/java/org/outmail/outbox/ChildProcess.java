package org.outmail.outbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A host process the crash tests start ({@link OutboxChild} in its own JVM), killed with SIGKILL
 * when the test says so. Its output (standard output and error) is read as it comes: the lines
 * {@code started}, {@code enqueued} and {@code done} mark its progress; the last lines are kept to
 * show what it was doing when a test fails.
 */
final class ChildProcess implements AutoCloseable {
  private static final int TAIL = 200;

  private final String name;
  private final Process process;
  private final Thread reader;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Set<String> markers = new HashSet<>();
  private boolean ended;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.reader = new Thread(this::read, "child-output-" + name);
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /**
   * Starts {@code java -cp <the test classpath> OutboxChild <args>}, with the outbox's warnings
   * shown (a lease that ended on a live node, an outcome not stored), and the JIT and collector
   * that start a JVM fastest (a crash test starts dozens on a small machine).
   */
  static ChildProcess start(String name, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(
        List.of(CrashTest.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.log.org.outmail.outbox=warn", "-cp", CrashTest.classpath(),
            OutboxChild.class.getName()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildProcess(name, p);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (this) {
          tail.addLast(line);
          if (tail.size() > TAIL) {
            tail.removeFirst();
          }
          markers.add(line.strip());
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /** Waits until the child printed the line {@code marker}; false if it ended or the time ran out first. */
  synchronized boolean await(String marker, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!markers.contains(marker) && !ended) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return markers.contains(marker);
  }

  /** Whether the child printed the line {@code marker} (read so far). */
  synchronized boolean saw(String marker) {
    return markers.contains(marker);
  }

  /** Whether it is still running. */
  boolean alive() {
    return process.isAlive();
  }

  /** Sends SIGKILL and waits until the process is gone and its output read to the end. */
  void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux and macOS
    process.waitFor();
    reader.join(10_000);
  }

  /** Writes a line to the child's standard input. */
  void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Waits for the process to end by itself; its exit value, or -1 if it still runs after {@code millis}. */
  int awaitExit(long millis) throws InterruptedException {
    if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
      return -1;
    }
    reader.join(10_000);
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  /** The child's last lines of output, and its threads if it still runs: for a failure's message. */
  String describe() {
    StringBuilder out = new StringBuilder("--- ").append(name).append(" (pid ").append(pid())
        .append(") last output:\n");
    synchronized (this) {
      tail.forEach(l -> out.append(l).append('\n'));
    }
    if (process.isAlive()) {
      out.append("--- its threads:\n").append(threadDump(process.pid()));
    }
    return out.toString();
  }

  /** The threads of a process, as {@code jstack} prints them, to see where a stuck run waits. */
  private static String threadDump(long pid) {
    try {
      Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
          Long.toString(pid)).redirectErrorStream(true).start();
      String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jstack.waitFor(30, TimeUnit.SECONDS);
      return dump;
    } catch (IOException | InterruptedException e) {
      return "no thread dump: " + e;
    }
  }

  /** Kills the child if it still runs (a test that failed half way leaves no process behind). */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
