package org.outmail.outbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A small SMTP server on 127.0.0.1 that records every message it accepts (Message-ID, envelope,
 * size, and the data when small) and can be told to misbehave: refuse sessions with 421, answer a
 * recipient or the final dot with any reply, or drop the connection after the data without
 * answering (the client cannot tell whether the mail was taken).
 */
final class RecordingSmtpServer implements AutoCloseable {
  /** A message as accepted. */
  record Received(String messageId, String mailFrom, List<String> recipients, long size, byte[] data, String sha256) {
    String text() {
      return data == null ? null : new String(data, StandardCharsets.US_ASCII);
    }

    /** The value of the first header with this name (unfolded lines only), or null. */
    String header(String name) {
      String text = text();
      if (text == null) {
        return null;
      }
      for (String line : text.split("\r\n", -1)) {
        if (line.isEmpty()) {
          return null; // the end of the headers
        }
        if (line.length() > name.length() && line.charAt(name.length()) == ':'
            && line.regionMatches(true, 0, name, 0, name.length())) {
          return line.substring(name.length() + 1).strip();
        }
      }
      return null;
    }
  }

  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger sessionsEnded = new AtomicInteger();
  private final AtomicInteger cutOff = new AtomicInteger();
  private volatile boolean refusing;
  private volatile Function<String, String> rcptReply = a -> "250 2.1.5 Ok";
  private volatile Supplier<String> endOfDataReply = () -> "250 2.0.0 Ok: queued";
  private final AtomicInteger dropsAfterData = new AtomicInteger();
  private volatile boolean closed;

  RecordingSmtpServer() throws IOException {
    this(0);
  }

  RecordingSmtpServer(int port) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 100);
    Thread t = new Thread(this::acceptLoop, "recording-smtp-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** While true, every session is answered {@code 421} and closed, as by a server that is down for maintenance. */
  RecordingSmtpServer refusing(boolean refusing) {
    this.refusing = refusing;
    return this;
  }

  RecordingSmtpServer rcptReply(Function<String, String> reply) {
    this.rcptReply = reply;
    return this;
  }

  RecordingSmtpServer endOfDataReply(Supplier<String> reply) {
    this.endOfDataReply = reply;
    return this;
  }

  /** The next {@code n} messages are read to the final dot, then the connection is dropped without a reply. */
  RecordingSmtpServer dropAfterData(int n) {
    dropsAfterData.set(n);
    return this;
  }

  int sessions() {
    return sessions.get();
  }

  /** Sessions that ended (the client quit, went away, or was refused). */
  int sessionsEnded() {
    return sessionsEnded.get();
  }

  /**
   * Messages whose data ended without the final dot (the client died or dropped the connection while
   * writing it): not received, as no server takes a message before its final dot.
   */
  int cutOff() {
    return cutOff.get();
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  List<String> messageIds() {
    return received().stream().map(Received::messageId).toList();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> session(s), "recording-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void session(Socket socket) {
    sessions.incrementAndGet();
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
      OutputStream out = socket.getOutputStream();
      if (refusing) {
        reply(out, "421 4.3.2 Service not available, closing transmission channel");
        return;
      }
      reply(out, "220 127.0.0.1 ESMTP recording");
      String from = null;
      List<String> rcpts = new ArrayList<>();
      String line;
      while ((line = readLine(in)) != null) {
        String upper = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
        switch (upper) {
          case "EHLO" -> reply(out, "250-127.0.0.1\r\n250-8BITMIME\r\n250 SIZE 0");
          case "HELO" -> reply(out, "250 127.0.0.1");
          case "MAIL" -> {
            from = address(line);
            rcpts.clear();
            reply(out, "250 2.1.0 Ok");
          }
          case "RCPT" -> {
            String a = address(line);
            String r = rcptReply.apply(a);
            if (r.startsWith("2")) {
              rcpts.add(a);
            }
            reply(out, r);
          }
          case "DATA" -> {
            reply(out, "354 End data with <CR><LF>.<CR><LF>");
            Received message = readData(in, from, rcpts);
            if (message == null) {
              cutOff.incrementAndGet();
              return; // the connection ended before the final dot: nothing was sent
            }
            if (dropsAfterData.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              return; // the client sent everything and gets no answer
            }
            String r = endOfDataReply.get();
            if (r.startsWith("2")) {
              received.add(message);
            }
            reply(out, r);
          }
          case "RSET" -> {
            from = null;
            rcpts.clear();
            reply(out, "250 2.0.0 Ok");
          }
          case "NOOP" -> reply(out, "250 2.0.0 Ok");
          case "QUIT" -> {
            reply(out, "221 2.0.0 Bye");
            return;
          }
          default -> reply(out, "502 5.5.2 Error: command not recognized");
        }
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      sockets.remove(socket);
      sessionsEnded.incrementAndGet();
    }
  }

  /** The message up to the final dot; null when the connection ends before it (the message is incomplete). */
  private static Received readData(InputStream in, String from, List<String> rcpts) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String messageId = null;
    boolean headers = true;
    long size = 0;
    boolean ended = false;
    String line;
    while ((line = readLine(in)) != null) {
      if (line.equals(".")) {
        ended = true;
        break;
      }
      if (line.startsWith(".")) {
        line = line.substring(1);
      }
      if (headers) {
        if (line.isEmpty()) {
          headers = false;
        } else if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
          messageId = line.substring(11).strip();
        }
      }
      byte[] b = (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      size += b.length;
      sha.update(b);
      if (size <= 1_000_000) {
        kept.write(b);
      }
    }
    if (!ended) {
      return null;
    }
    return new Received(messageId, from, List.copyOf(rcpts), size, size <= 1_000_000 ? kept.toByteArray() : null,
        HexFormat.of().formatHex(sha.digest()));
  }

  private static String address(String line) {
    int lt = line.indexOf('<');
    int gt = line.indexOf('>', lt + 1);
    return lt >= 0 && gt > lt ? line.substring(lt + 1, gt) : line.substring(line.indexOf(':') + 1).strip();
  }

  /** A line without its line break; null when the connection ends first (a line without its break is cut off). */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      sb.append((char) c);
    }
    return null;
  }

  private static void reply(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
