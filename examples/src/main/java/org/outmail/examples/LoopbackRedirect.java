package org.outmail.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.oauth.OAuthValidation;

/**
 * The loopback redirect of a native app (RFC 8252 §7.3): an HTTP listener on 127.0.0.1 on a port
 * the system picks, which takes the provider's redirect, completes the validation and tells the
 * browser how it went. A request that does not carry the state it waits for (another program
 * guessing, a favicon) is answered 400 and the wait goes on.
 */
final class LoopbackRedirect implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final CompletableFuture<OAuthValidation> result = new CompletableFuture<>();
  private volatile @Nullable String state;
  private volatile @Nullable Function<URI, OAuthValidation> completion;

  LoopbackRedirect(PrintWriter err, String command) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "outmail-loopback-redirect");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, err, command));
    server.start();
  }

  /** {@return {@code http://127.0.0.1:PORT/}, the redirect URI to register and send} */
  URI redirectUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Waits for the redirect carrying {@code expectedState}, and completes it with {@code completion} (given the request URI). */
  void expect(String expectedState, Function<URI, OAuthValidation> completion) {
    this.completion = completion;
    this.state = expectedState;
  }

  /**
   * The validation, once the redirect came and was completed.
   *
   * @throws MailException as the completion threw it
   * @throws TimeoutException if no redirect came within the time
   */
  OAuthValidation await(Duration timeout) throws TimeoutException, InterruptedException {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void handle(HttpExchange exchange, PrintWriter err, String command) throws IOException {
    try (exchange) {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String expected = state;
      Function<URI, OAuthValidation> complete = completion; // set before the state
      if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals("/")
          || expected == null || complete == null || !expected.equals(query.get("state")) || result.isDone()) {
        if (query.containsKey("state") || query.containsKey("code")) {
          synchronized (err) {
            err.println(command + ": ignored a request to " + redirectUri() + " that does not answer this validation");
            err.flush();
          }
        }
        page(exchange, 400, "This is not the redirect outmail is waiting for.");
        return;
      }
      try {
        OAuthValidation done = complete.apply(exchange.getRequestURI());
        page(exchange, 200,
            "outmail: OAuth client '" + done.clientName() + "' is validated. You can close this window.");
        result.complete(done);
      } catch (RuntimeException e) {
        page(exchange, 400, "outmail: the validation failed: " + e.getMessage());
        result.completeExceptionally(e);
      }
    }
  }

  private static void page(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (pair.isEmpty()) {
        continue;
      }
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.merge(key, value, (a, b) -> a + "," + b);
    }
    return params;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
