package org.outmail.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A few lines of SMTP on 127.0.0.1, for what GreenMail does not do: greet with a {@code 421},
 * refuse one recipient, or take a message and never confirm it.
 */
final class ScriptedSmtp implements AutoCloseable {
  private final ServerSocket server;
  private final Queue<String> greetings = new ConcurrentLinkedQueue<>();
  private final Map<String, String> refused = new ConcurrentHashMap<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final CountDownLatch dataReceived = new CountDownLatch(1);
  private volatile boolean stallAfterData;

  ScriptedSmtp() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(this::accept, "scripted-smtp");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The next connections are greeted with these replies, in turn; then with {@code 220}. */
  ScriptedSmtp greet(String... replies) {
    greetings.addAll(java.util.List.of(replies));
    return this;
  }

  /** {@code RCPT TO} this address is answered with {@code reply}. */
  ScriptedSmtp refuse(String address, String reply) {
    refused.put(address, reply);
    return this;
  }

  /** Reads each message to its final dot and then never answers. */
  ScriptedSmtp stallAfterData() {
    stallAfterData = true;
    return this;
  }

  /** Whether a message was read to its final dot within the time. */
  boolean awaitData(long seconds) throws InterruptedException {
    return dataReceived.await(seconds, TimeUnit.SECONDS);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "scripted-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
      OutputStream out = s.getOutputStream();
      String greeting = greetings.poll();
      reply(out, greeting == null ? "220 scripted ESMTP" : greeting);
      if (greeting != null && greeting.startsWith("421")) {
        return;
      }
      String line;
      while ((line = in.readLine()) != null) {
        String upper = line.toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
          reply(out, "250 scripted");
        } else if (upper.startsWith("RCPT TO:")) {
          String address = line.substring(8).trim().replaceAll("^<|>.*$", "");
          reply(out, refused.getOrDefault(address, "250 2.1.5 Ok"));
        } else if (upper.startsWith("DATA")) {
          reply(out, "354 End data with <CR><LF>.<CR><LF>");
          while ((line = in.readLine()) != null && !line.equals(".")) {
            // the message
          }
          dataReceived.countDown();
          if (stallAfterData) {
            new CountDownLatch(1).await();
          }
          reply(out, "250 2.0.0 Ok: queued");
        } else if (upper.startsWith("QUIT")) {
          reply(out, "221 2.0.0 Bye");
          return;
        } else {
          reply(out, "250 2.0.0 Ok"); // MAIL FROM, RSET, NOOP
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away, or the test ended
    } finally {
      sockets.remove(s);
    }
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
