package org.outmail.console;

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
 * A scripted SMTP server on 127.0.0.1 that offers AUTH PLAIN and LOGIN, accepts everything, and
 * records every line a client sends: to see whether a client handed it a password.
 */
final class ScriptedSmtp implements AutoCloseable {
  private final ServerSocket server;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread thread;

  ScriptedSmtp() throws IOException {
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "scripted-smtp");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Every line received, in order, from every connection. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        write(out, "220 scripted ESMTP");
        boolean authContinues = false;
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
          String verb = line.toUpperCase(java.util.Locale.ROOT);
          if (authContinues) {
            write(out, "235 2.7.0 accepted");
            authContinues = false;
          } else if (verb.startsWith("EHLO")) {
            write(out, "250-scripted\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
          } else if (verb.startsWith("AUTH")) {
            if (verb.split(" ").length > 2) {
              write(out, "235 2.7.0 accepted");
            } else {
              write(out, "334 ");
              authContinues = !verb.startsWith("AUTH LOGIN");
              if (verb.startsWith("AUTH LOGIN")) {
                lines.add(in.readLine());
                write(out, "334 UGFzc3dvcmQ6");
                lines.add(in.readLine());
                write(out, "235 2.7.0 accepted");
              }
            }
          } else if (verb.startsWith("QUIT")) {
            write(out, "221 bye");
            break;
          } else {
            write(out, "250 ok");
          }
        }
      } catch (IOException e) {
        // the test ended, or the client went away
      }
    }
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
