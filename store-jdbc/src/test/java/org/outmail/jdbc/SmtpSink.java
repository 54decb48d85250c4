package org.outmail.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The least SMTP server a send needs, on 127.0.0.1: it accepts every command (no extensions) and
 * keeps each message's DATA as received.
 */
final class SmtpSink implements AutoCloseable {
  final List<String> messages = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final Thread thread;

  SmtpSink() throws IOException {
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "smtp-sink");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(20_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        reply(out, "220 sink ready");
        String line;
        while ((line = in.readLine()) != null) {
          String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
          if (cmd.equals("DATA")) {
            reply(out, "354 go on");
            StringBuilder data = new StringBuilder();
            String l;
            while ((l = in.readLine()) != null && !l.equals(".")) {
              data.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
            }
            messages.add(data.toString());
            reply(out, "250 kept");
          } else if (cmd.equals("QUIT")) {
            reply(out, "221 bye");
            break;
          } else {
            reply(out, "250 ok");
          }
        }
      } catch (IOException e) {
        // closed, or the client went away: wait for the next one
      }
    }
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
