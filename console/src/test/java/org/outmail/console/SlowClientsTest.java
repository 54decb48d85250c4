package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.Secret;

/**
 * Clients that send their request a byte or a line every few seconds, without logging in, must not
 * lock administrators out: the JDK's HTTP server once gave 4 threads and no read deadline, and four
 * such clients made every {@code GET /login} time out.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowClientsTest {
  private static final int SLOW_HEADERS = 12;
  private static final int SLOW_BODIES = 8;

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> slow = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private MailboxRegistry registry;
  private OutmailConsole console;

  @AfterEach
  void stop() throws IOException {
    running.set(false);
    for (Thread t : slow) {
      t.interrupt();
    }
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
    if (console != null) {
      console.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** A client that opens a connection and sends {@code first}, then {@code each} every 2 s, for ever. */
  private void trickle(String first, String each) {
    Thread t = new Thread(() -> {
      try (Socket s = new Socket(console.uri().getHost(), console.uri().getPort())) {
        synchronized (sockets) {
          sockets.add(s);
        }
        OutputStream out = s.getOutputStream();
        out.write(first.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (running.get()) {
          Thread.sleep(2000);
          out.write(each.getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the console closed the connection, or the test ended
      }
    }, "slow-client");
    t.setDaemon(true);
    t.start();
    slow.add(t);
  }

  @Test
  void slowClientsDoNotKeepAnAdministratorFromTheLoginPage() throws Exception {
    registry = MailboxRegistry.builder().store(MailboxStore.inMemory()).build();
    console = OutmailConsole.start(registry, ConsoleOptions.builder()
        .user("admin", Secret.of("correct horse battery staple")).build());
    String host = "Host: 127.0.0.1:" + console.uri().getPort() + "\r\n";
    for (int i = 0; i < SLOW_HEADERS; i++) {
      trickle("GET /login HTTP/1.1\r\n" + host, "X-Slow: a\r\n");
    }
    for (int i = 0; i < SLOW_BODIES; i++) {
      trickle("POST /login HTTP/1.1\r\n" + host + "Content-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: 60000\r\n\r\nuser=", "a");
    }
    Thread.sleep(3000); // every slow client connected and in the middle of its request

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> login = http.send(HttpRequest.newBuilder(console.uri().resolve("/login"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.body()).contains("<h1>Log in</h1>");
      Thread.sleep(1000);
    }
  }
}
