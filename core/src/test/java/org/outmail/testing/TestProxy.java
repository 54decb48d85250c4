package org.outmail.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part the tests' SOCKS5 and HTTP CONNECT proxies share: a listening socket on 127.0.0.1, a
 * thread per client, the targets clients asked for, the bytes relayed, the credentials clients
 * presented. Subclasses speak the proxy protocol's handshake; the relay is the same.
 */
public abstract class TestProxy implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final List<String> presented = new CopyOnWriteArrayList<>();
  private final AtomicLong relayed = new AtomicLong();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  /** The user and password the proxy asks for, or null for none. */
  protected final String user;
  protected final String password;

  protected TestProxy(String user, String password) {
    this.user = user;
    this.password = password;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    threads.execute(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@return the targets clients asked to reach, {@code host:port}, in order} */
  public List<String> targets() {
    return List.copyOf(targets);
  }

  /** {@return the credentials clients presented, {@code user:password}} */
  public List<String> presented() {
    return List.copyOf(presented);
  }

  /** {@return the bytes relayed both ways} */
  public long relayed() {
    return relayed.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(30_000);
      Socket target = handshake(client, client.getInputStream(), client.getOutputStream());
      if (target == null) {
        return;
      }
      open.add(target);
      try (target) {
        threads.execute(() -> pump(target, client));
        pump(client, target);
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /**
   * Reads the client's request, answers it, and connects to the target.
   *
   * @return the connected target, or null when the request was refused (answered already)
   */
  protected abstract Socket handshake(Socket client, InputStream in, OutputStream out) throws IOException;

  protected final void asked(String hostPort) {
    targets.add(hostPort);
  }

  protected final void presented(String userColonPassword) {
    presented.add(userColonPassword);
  }

  /** Connects to the target, or null if it cannot be reached. */
  protected static Socket connect(String host, int port) {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), 5_000);
      return s;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // not open
      }
      return null;
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0;) {
        out.write(buf, 0, n);
        out.flush();
        relayed.addAndGet(n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    threads.shutdownNow();
  }
}
