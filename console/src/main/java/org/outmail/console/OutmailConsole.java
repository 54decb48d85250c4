package org.outmail.console;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrator's screen of the seed, embedded in the host: the grid of mailboxes, "+ Add
 * Mailbox", the form (General data, System data, Advanced) whose fields follow the type and the
 * protocol, Save, Check and Delete. It runs on the JDK's own HTTP server, on 127.0.0.1 unless told
 * otherwise, with its own small thread pool; close it to stop it.
 *
 * <pre>{@code
 * OutmailConsole console = OutmailConsole.start(registry, ConsoleOptions.builder()
 *     .port(8480).user("admin", Secret.env("OUTMAIL_CONSOLE_PASSWORD")).build());
 * }</pre>
 *
 * <p>Changes go through {@link MailboxRegistry#save} and {@link MailboxRegistry#delete}: a registry
 * built over a writable {@link MailboxStore} can be edited; one with fixed mailboxes, or a
 * read-only store, is shown and checked only. Check connects wherever a saved mailbox points: only
 * logged-in administrators can run it.
 */
public final class OutmailConsole implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutmailConsole.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final MailboxRegistry ownRegistry;
  private final URI uri;

  private OutmailConsole(HttpServer server, ExecutorService executor, MailboxRegistry ownRegistry, URI uri) {
    this.server = server;
    this.executor = executor;
    this.ownRegistry = ownRegistry;
    this.uri = uri;
  }

  /**
   * Starts the console over the host's registry.
   *
   * @param registry the registry whose mailboxes it shows and, if it follows a writable store,
   *     changes
   * @param options where it listens and who may log in
   * @return the running console
   * @throws ConsoleException without users (unless {@code withoutLogin()} on a loopback address),
   *     with {@code withoutLogin()} on another address, or when the port cannot be bound
   */
  public static OutmailConsole start(MailboxRegistry registry, ConsoleOptions options) {
    Objects.requireNonNull(registry, "registry == null");
    Objects.requireNonNull(options, "options == null");
    return start(registry, options, null);
  }

  /**
   * Starts the console over a store, with a registry of its own that follows it (the transports
   * and hooks found by {@link java.util.ServiceLoader}); closing the console closes that registry,
   * not the store.
   *
   * @param store the store of the mailboxes
   * @param options where it listens and who may log in
   * @return the running console
   * @throws ConsoleException as {@link #start(MailboxRegistry, ConsoleOptions)} does
   * @throws org.outmail.MailboxConfigException if the store's mailboxes break a rule
   */
  public static OutmailConsole start(MailboxStore store, ConsoleOptions options) {
    Objects.requireNonNull(store, "store == null");
    Objects.requireNonNull(options, "options == null");
    check(options);
    MailboxRegistry registry = MailboxRegistry.builder().store(store).build();
    try {
      return start(registry, options, registry);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  private static void check(ConsoleOptions options) {
    if (options.withoutLogin && !options.loopback()) {
      throw new ConsoleException("the console refuses to run without login on " + options.bind
          + ", which is not a loopback address; give it users, or bind it to 127.0.0.1", null);
    }
    if (options.users.isEmpty() && !options.withoutLogin) {
      throw new ConsoleException("the console has no user and no default password: give "
          + "ConsoleOptions.builder().user(name, password), or, bound to 127.0.0.1, withoutLogin()", null);
    }
  }

  private static OutmailConsole start(MailboxRegistry registry, ConsoleOptions options, MailboxRegistry own) {
    check(options);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(options.bind, options.port), 50);
    } catch (IOException e) {
      throw new ConsoleException("the console cannot listen on " + options.bind + ":" + options.port + ": " + e, e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "outmail-console-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.createContext("/", new ConsoleServer(registry, options));
    server.setExecutor(executor);
    server.start();
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().getHostAddress();
    URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
    LOG.info("outmail console on {}{}", uri, options.withoutLogin ? " (without login)" : "");
    return new OutmailConsole(server, executor, own, uri);
  }

  /** {@return where the console answers, e.g. {@code http://127.0.0.1:8480/}} */
  public URI uri() {
    return uri;
  }

  /** Stops the console (and the registry it made over a store); requests in progress are cut off. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    if (ownRegistry != null) {
      ownRegistry.close();
    }
  }

  @Override
  public String toString() {
    return "OutmailConsole[" + uri + "]";
  }
}
