package org.outmail.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * An HTTP proxy on 127.0.0.1 that tunnels with {@code CONNECT} (RFC 9110 §9.3.6), with optional
 * Basic authentication ({@code 407} and {@code Proxy-Authenticate} until the client presents the
 * right credentials), for tests. Records each CONNECT target and the credentials presented. Plain
 * {@code GET http://...} requests are refused with 405: the clients under test tunnel.
 */
public final class ConnectTestProxy extends TestProxy {
  private final int refuseWith;

  private ConnectTestProxy(String user, String password, int refuseWith) {
    super(user, password);
    this.refuseWith = refuseWith;
  }

  /** {@return a proxy that asks no authentication} */
  public static ConnectTestProxy open() {
    return new ConnectTestProxy(null, null, 0);
  }

  /** {@return a proxy that asks for this user and password (Basic)} */
  public static ConnectTestProxy withUser(String user, String password) {
    return new ConnectTestProxy(user, password, 0);
  }

  /** {@return a proxy that answers every CONNECT with this status (403: forbidden by policy)} */
  public static ConnectTestProxy refusing(int status) {
    return new ConnectTestProxy(null, null, status);
  }

  @Override
  protected Socket handshake(Socket client, InputStream in, OutputStream out) throws IOException {
    while (true) {
      String head = readHead(in);
      if (head == null) {
        return null;
      }
      String[] lines = head.split("\r\n");
      String[] request = lines[0].split(" ");
      if (request.length < 3 || !request[0].equals("CONNECT")) {
        answer(out, 405, "Method Not Allowed", "");
        return null;
      }
      String target = request[1];
      asked(target);
      String authorization = null;
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("proxy-authorization")) {
          authorization = line.substring(colon + 1).trim();
        }
      }
      if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        presented(new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8));
      }
      if (user != null && !("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
          .getBytes(StandardCharsets.UTF_8))).equals(authorization)) {
        answer(out, 407, "Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"test proxy\"\r\n");
        continue; // the same connection may try again with credentials
      }
      if (refuseWith != 0) {
        answer(out, refuseWith, "Refused", "");
        return null;
      }
      int colon = target.lastIndexOf(':');
      String host = target.substring(0, colon);
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      Socket s = connect(host, Integer.parseInt(target.substring(colon + 1)));
      if (s == null) {
        answer(out, 502, "Bad Gateway", "");
        return null;
      }
      out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return s;
    }
  }

  private static void answer(OutputStream out, int status, String reason, String headers) throws IOException {
    out.write(("HTTP/1.1 " + status + " " + reason + "\r\n" + headers + "Content-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The request line and headers, up to the blank line; null at the end of the stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    for (int c; (c = in.read()) >= 0;) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
          : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
      }
    }
    return null;
  }
}
