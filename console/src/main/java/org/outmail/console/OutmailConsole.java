package org.outmail.console;

import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrator's screen of the seed, embedded in the host: the grid of mailboxes, "+ Add
 * Mailbox", the form (General data, System data, Advanced) whose fields follow the type and the
 * protocol, Save, Check and Delete, on a server of its own: the {@link ConsoleServlet} on an embedded
 * Jetty 12, on 127.0.0.1 unless told otherwise, with its own login; close it to stop it. A host with
 * a web server of its own mounts the {@link ConsoleServlet} instead.
 *
 * <p>The server is bounded so that slow or greedy clients cannot lock administrators out: a pool of
 * at most {@value #MAX_THREADS} threads, at most {@value #MAX_CONNECTIONS}
 * connections, a connection idle for {@value #IDLE_TIMEOUT_MS} ms is closed, a request body must
 * arrive at {@value #MIN_REQUEST_DATA_RATE} bytes a second or more, headers are limited to {@value
 * #MAX_HEADER_BYTES} bytes and forms to 64 KiB. Headers are read without holding a thread.
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

  static final int MAX_THREADS = 24;
  static final int MAX_CONNECTIONS = 256;
  static final int IDLE_TIMEOUT_MS = 10_000;
  static final int MIN_REQUEST_DATA_RATE = 1024;
  static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Server server;
  private final @Nullable MailboxRegistry ownRegistry;
  private final URI uri;

  private OutmailConsole(Server server, @Nullable MailboxRegistry ownRegistry, URI uri) {
    this.server = server;
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

  private static OutmailConsole start(MailboxRegistry registry, ConsoleOptions options, @Nullable MailboxRegistry own) {
    check(options);
    // the connection limit bounds the queue: Jetty's own tasks must never be refused by a full one
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
    threads.setName("outmail-console");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setIdleTimeout(IDLE_TIMEOUT_MS);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(options.bind);
    connector.setPort(options.port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    connector.setAcceptQueueSize(50);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.setMaxFormContentSize(Request.MAX_FORM_BYTES);
    context.setMaxFormKeys(1000);
    context.addServlet(
        new ServletHolder("outmail-console", new ConsoleServlet(new ConsoleServer(registry, options, false))), "/*");
    // a body that trickles in would hold a thread: below this rate its reads fail at once
    server.setHandler(new MinimumDataRateHandler(context, MIN_REQUEST_DATA_RATE, 0));
    server.setStopTimeout(1000);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new ConsoleException("the console cannot listen on " + options.bind + ":" + options.port + ": " + e, e);
    }
    String host = connector.getHost();
    URI uri = URI
        .create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort() + "/");
    LOG.info("outmail console on {}{}", uri, options.withoutLogin ? " (without login)" : "");
    return new OutmailConsole(server, own, uri);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("outmail console: stopping: {}", e.toString());
    }
  }

  /** {@return where the console answers, e.g. {@code http://127.0.0.1:8480/}} */
  public URI uri() {
    return uri;
  }

  /** Stops the console (and the registry it made over a store); requests in progress are cut off. */
  @Override
  public void close() {
    stopQuietly(server);
    if (ownRegistry != null) {
      ownRegistry.close();
    }
  }

  @Override
  public String toString() {
    return "OutmailConsole[" + uri + "]";
  }
}
