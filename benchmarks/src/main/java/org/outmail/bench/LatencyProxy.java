package org.outmail.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on 127.0.0.1 that makes a local server look far away: every byte is forwarded with a
 * fixed one-way delay in each direction (10 ms each way = a round trip of 20 ms), in order, and
 * with no delay beyond that. For each accepted connection it opens one to the target; each
 * direction has a reader thread that timestamps every chunk it reads and a writer thread that
 * writes it to the other side once its time has come (chunks due together go out in one write).
 * Both sockets have {@code TCP_NODELAY}, so the proxy adds no Nagle wait of its own. Bandwidth is
 * not limited: what the reader reads is held in memory until it is due.
 *
 * <pre>
 * java -cp benchmarks.jar org.outmail.bench.LatencyProxy --target-port 2525 [--target-host 127.0.0.1] \
 *     [--port 0] [--one-way-ms 10] [--port-file proxy.port] [--log connections.log] [--trace] [--quickack]
 * </pre>
 *
 * It listens on 127.0.0.1 only (port 0: a free port, written to {@code --port-file}) and connects
 * to 127.0.0.1 unless told otherwise; {@code --log} gets one line per accepted connection, so that
 * a benchmark can count the connections each client opened; {@code --trace} prints every chunk
 * as it is read (time, direction, size, how many {@code MAIL FROM} commands and how many final
 * replies to a mail's content ({@code queued as}, Postfix's) it holds, its first bytes). Runs until
 * killed.
 *
 * <p>What it does not model by default: the ACKs. They are between the proxy and each end, on
 * 127.0.0.1, sent by the proxy's kernel with its usual delayed ACKs, which ride on the next data
 * the proxy forwards to that end. A server whose socket keeps Nagle's algorithm on (Postfix's
 * {@code smtpd} sets no {@code TCP_NODELAY}) holds a small reply while its previous one is not
 * acknowledged, so its replies are released when the next bytes of the client reach it, as across a
 * real network where the client's ACK rides on its next write. {@code --quickack} sets {@code
 * TCP_QUICKACK} on each socket before every read (Linux only), so that every chunk is acknowledged
 * at once: the server's Nagle then never holds a reply, as if it had {@code TCP_NODELAY}; the
 * ACKs still do not carry the one-way delay, so this is the server without Nagle's wait, not a
 * network of some other kind.
 */
public final class LatencyProxy implements Closeable {
  private static final int CHUNK = 64 * 1024;
  private static final long SPIN_NANOS = 200_000;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final long delayNanos;
  private final @Nullable Path log;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;
  private final long started = System.nanoTime();
  private volatile boolean trace;
  private volatile boolean quickack;

  /** A chunk to pass on at {@code due}; without bytes (length -1), the end of the stream. */
  private record Chunk(long due, byte @Nullable [] bytes, int length) {}

  /**
   * Starts the proxy.
   *
   * @param port the port to listen on, on 127.0.0.1; 0 for a free one
   * @param target where each accepted connection is forwarded to
   * @param oneWay the delay added in each direction
   * @param log a file that gets one line per accepted connection, or null
   * @throws IOException if the port cannot be bound
   */
  public LatencyProxy(int port, InetSocketAddress target, Duration oneWay, @Nullable Path log) throws IOException {
    this.server = new ServerSocket();
    this.server.setReuseAddress(true);
    this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    this.target = target;
    this.delayNanos = oneWay.toNanos();
    this.log = log;
    this.acceptor = new Thread(this::acceptLoop, "latency-proxy-accept");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** {@return the port the proxy listens on, on 127.0.0.1} */
  public int port() {
    return server.getLocalPort();
  }

  /** Prints every chunk read (time, direction, size, its start) on stderr, for looking at a client's exchange. */
  public void trace() {
    this.trace = true;
  }

  /**
   * Acknowledges every chunk at once ({@code TCP_QUICKACK} before each read, Linux only) instead of
   * leaving the ACK to the kernel's delayed ACK: a server with Nagle's algorithm on is then never
   * held waiting for the ACK of its previous reply.
   */
  public void quickack() {
    this.quickack = true;
  }

  /** {@return how many connections it has accepted so far} */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!server.isClosed()) {
          System.err.println("latency-proxy: accept failed: " + e);
        }
        return;
      }
      int n = connections.incrementAndGet();
      Socket upstream = new Socket();
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        upstream.connect(target, 10_000);
        String name = "latency-proxy-" + n;
        AtomicInteger ended = new AtomicInteger();
        pump(client, upstream, ended, name + "-up");
        pump(upstream, client, ended, name + "-down");
        if (log != null) {
          Files.writeString(log,
              String.format(Locale.ROOT, "%d %s -> %s%n", n, client.getRemoteSocketAddress(), target),
              StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
      } catch (IOException e) {
        System.err.println("latency-proxy: connection " + n + " to " + target + " failed: " + e);
        quietly(client);
        quietly(upstream);
      }
    }
  }

  private static int count(String text, String what) {
    int k = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      k++;
    }
    return k;
  }

  /** One direction: a reader thread stamps each chunk, a writer thread writes it when it is due. */
  private void pump(Socket from, Socket to, AtomicInteger ended, String name) {
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try {
        InputStream in = from.getInputStream();
        byte[] buf = new byte[CHUNK];
        while (true) {
          if (quickack) {
            // Linux leaves quick-ACK mode on its own: set again before every read
            from.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
          }
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          // stamped as soon as read; a copy of exactly what was read, so that little garbage is made
          long due = System.nanoTime() + delayNanos;
          if (trace) {
            String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            System.err.printf(Locale.ROOT, "%10.3f ms %s %5d bytes mail=%d queued=%d: %s%n",
                (due - delayNanos - started) / 1e6,
                name, n, count(text, "MAIL FROM:"), count(text, " queued as "),
                text.substring(0, Math.min(n, 60)).replace("\r\n", "|"));
          }
          queue.add(new Chunk(due, Arrays.copyOf(buf, n), n));
        }
      } catch (IOException e) {
        // the connection was reset or closed: pass the end on, after the delay
      }
      queue.add(new Chunk(System.nanoTime() + delayNanos, null, -1));
    }, name + "-read");
    Thread writer = new Thread(() -> {
      try {
        OutputStream out = to.getOutputStream();
        byte[] batch = new byte[CHUNK];
        while (true) {
          Chunk c = queue.take();
          waitUntil(c.due());
          if (c.bytes() == null) {
            break;
          }
          // whatever else is due already goes out in the same write; order is kept
          int len = 0;
          Chunk next = c;
          boolean end = false;
          while (next != null) {
            if (next.bytes() == null) {
              end = true;
              break;
            }
            if (len + next.length() > batch.length) {
              batch = Arrays.copyOf(batch, Math.max(batch.length * 2, len + next.length()));
            }
            System.arraycopy(next.bytes(), 0, batch, len, next.length());
            len += next.length();
            Chunk peek = queue.peek();
            next = peek != null && peek.due() <= System.nanoTime() ? queue.poll() : null;
          }
          out.write(batch, 0, len);
          out.flush();
          if (end) {
            break;
          }
        }
        to.shutdownOutput();
        if (ended.incrementAndGet() < 2) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the other side went away: closing both ends the other direction too
      }
      quietly(from);
      quietly(to);
    }, name + "-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  /**
   * Sleeps until {@code due}: parks until shortly before (a timed park can wake late by tens of
   * microseconds), then spins the rest.
   */
  private static void waitUntil(long due) throws InterruptedException {
    long left;
    while ((left = due - System.nanoTime()) > SPIN_NANOS) {
      LockSupport.parkNanos(left - SPIN_NANOS);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    while (due - System.nanoTime() > 0) {
      Thread.onSpinWait();
    }
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = Throughput.options(args);
    int port = Integer.parseInt(opt.getOrDefault("port", "0"));
    String host = opt.getOrDefault("target-host", "127.0.0.1");
    int targetPort = Integer.parseInt(Throughput.req(opt, "target-port"));
    double oneWayMs = Double.parseDouble(opt.getOrDefault("one-way-ms", "10"));
    Path log = opt.containsKey("log") ? Path.of(opt.get("log")) : null;
    LatencyProxy proxy = new LatencyProxy(port, new InetSocketAddress(host, targetPort),
        Duration.ofNanos((long) (oneWayMs * 1e6)), log);
    if (opt.containsKey("trace")) {
      proxy.trace();
    }
    if (opt.containsKey("quickack")) {
      proxy.quickack();
    }
    String line = String.format(Locale.ROOT, "latency-proxy: 127.0.0.1:%d -> %s:%d, %.1f ms each way%s%n",
        proxy.port(), host, targetPort, oneWayMs,
        opt.containsKey("quickack") ? ", every chunk acknowledged at once" : "");
    if (opt.containsKey("port-file")) {
      // written whole, then renamed, so that a script polling for it never reads half a number
      Path f = Path.of(opt.get("port-file"));
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(proxy.port()), StandardCharsets.UTF_8);
      Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    System.err.print(line);
    try {
      Thread.currentThread().join();
    } finally {
      proxy.close();
    }
  }
}
