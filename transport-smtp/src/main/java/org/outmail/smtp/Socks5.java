package org.outmail.smtp;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.outmail.ProxySettings;

/**
 * Opens the TCP connection to the mail server, directly or through the mailbox's SOCKS5 proxy: the
 * greeting (RFC 1928) offering no authentication or user/password (RFC 1929), then {@code CONNECT}
 * by domain name so that the proxy resolves it (an IPv4 or IPv6 literal as an address). TLS runs
 * over the tunnelled socket afterwards, verified against the mail server's name. Not {@link
 * java.net.Proxy}: its SOCKS authentication goes through the JVM-wide {@link java.net.Authenticator}.
 */
final class Socks5 {
  private static final int VERSION = 5;

  private Socks5() {}

  /**
   * Connects {@code tcp} to {@code host:port}: through the proxy, unless there is none or the host is
   * in its no-proxy list.
   *
   * @param proxy the SOCKS5 proxy, or null
   * @throws ProxyFailure when the proxy cannot be reached or refuses, naming it (never its credentials)
   * @throws IOException when the direct connection fails
   */
  static void connect(Socket tcp, @Nullable ProxySettings proxy, String host, int port, int timeoutMillis)
      throws IOException {
    if (proxy == null || proxy.bypasses(host)) {
      tcp.connect(new InetSocketAddress(host, port), timeoutMillis);
      return;
    }
    try {
      tcp.connect(new InetSocketAddress(proxy.host(), proxy.port()), timeoutMillis);
    } catch (UnknownHostException e) {
      throw new ProxyFailure(proxy, "proxy host not found: " + proxy.host(), true, e);
    } catch (ConnectException e) {
      throw new ProxyFailure(proxy, "the proxy refused the connection", true, e);
    } catch (SocketTimeoutException e) {
      throw new ProxyFailure(proxy, "timed out connecting to the proxy", true, e);
    }
    try {
      handshake(tcp.getInputStream(), tcp.getOutputStream(), proxy, host, port);
    } catch (ProxyFailure e) {
      throw e;
    } catch (IOException e) {
      throw new ProxyFailure(proxy, "the proxy broke off its handshake: " + e.getMessage(), true, e);
    }
  }

  private static void handshake(InputStream raw, OutputStream out, ProxySettings proxy, String host, int port)
      throws IOException {
    DataInputStream in = new DataInputStream(raw);
    boolean withUser = proxy.user().isPresent();
    out.write(withUser ? new byte[] {VERSION, 2, 0, 2} : new byte[] {VERSION, 1, 0});
    out.flush();
    int version = in.readUnsignedByte();
    int method = in.readUnsignedByte();
    if (version != VERSION) {
      throw new ProxyFailure(proxy, "the proxy does not speak SOCKS5 (version byte " + version + ")", false, null);
    }
    if (method == 0xFF) {
      throw new ProxyFailure(proxy, withUser ? "the proxy accepts none of the authentication methods offered"
          : "the proxy asks for authentication; set proxy-user and proxy-password", false, null);
    }
    if (method == 2 && withUser) {
      byte[] user = proxy.user().get().getBytes(StandardCharsets.UTF_8);
      byte[] password = proxy.password().orElseThrow().value().getBytes(StandardCharsets.UTF_8);
      if (password.length > 255) {
        throw new ProxyFailure(proxy, "the proxy password is longer than the 255 bytes SOCKS5 allows", false, null);
      }
      byte[] request = new byte[3 + user.length + password.length];
      request[0] = 1;
      request[1] = (byte) user.length;
      System.arraycopy(user, 0, request, 2, user.length);
      request[2 + user.length] = (byte) password.length;
      System.arraycopy(password, 0, request, 3 + user.length, password.length);
      out.write(request);
      out.flush();
      in.readUnsignedByte();
      if (in.readUnsignedByte() != 0) {
        throw new ProxyFailure(proxy,
            "the proxy rejected the user name and password (smtp.proxy-user, smtp.proxy-password)", false, null);
      }
    } else if (method != 0) {
      throw new ProxyFailure(proxy,
          "the proxy chose authentication method " + method + ", which outmail does not speak", false, null);
    }
    out.write(connectRequest(host, port));
    out.flush();
    in.readUnsignedByte();
    int reply = in.readUnsignedByte();
    in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int skip = switch (type) {
      case 1 -> 4;
      case 4 -> 16;
      case 3 -> in.readUnsignedByte();
      default -> throw new ProxyFailure(proxy, "the proxy answered with address type " + type, true, null);
    };
    in.readFully(new byte[skip + 2]); // the bound address and port
    if (reply != 0) {
      throw new ProxyFailure(proxy, "the proxy could not connect to " + hostPort(host, port) + ": " + reason(reply),
          reply != 2, null);
    }
  }

  /** The CONNECT request: an address for an IP literal, else the domain name for the proxy to resolve. */
  static byte[] connectRequest(String host, int port) throws IOException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    byte[] address;
    int type;
    if (isLiteral(h)) {
      address = InetAddress.getByName(h).getAddress(); // a literal: no lookup
      type = address.length == 4 ? 1 : 4;
    } else {
      address = h.getBytes(StandardCharsets.US_ASCII);
      if (address.length > 255) {
        throw new IOException("host name longer than 255 bytes: " + h);
      }
      type = 3;
    }
    int prefix = type == 3 ? 1 : 0;
    byte[] r = new byte[4 + prefix + address.length + 2];
    r[0] = VERSION;
    r[1] = 1; // CONNECT
    r[3] = (byte) type;
    if (type == 3) {
      r[4] = (byte) address.length;
    }
    System.arraycopy(address, 0, r, 4 + prefix, address.length);
    r[r.length - 2] = (byte) (port >> 8);
    r[r.length - 1] = (byte) port;
    return r;
  }

  private static boolean isLiteral(String h) {
    return h.indexOf(':') >= 0 || h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** RFC 1928 §6's reply codes, in words. */
  static String reason(int reply) {
    return switch (reply) {
      case 1 -> "general SOCKS server failure";
      case 2 -> "connection not allowed by the proxy's rules";
      case 3 -> "network unreachable";
      case 4 -> "host unreachable";
      case 5 -> "connection refused by the mail server";
      case 6 -> "TTL expired";
      case 7 -> "command not supported";
      case 8 -> "address type not supported";
      default -> "reply code " + reply;
    };
  }

  /** A failure at or of the proxy: names it as {@code socks5://host:port}, never its credentials. */
  static final class ProxyFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    ProxyFailure(ProxySettings proxy, String what, boolean transientFailure, @Nullable Throwable cause) {
      super("SOCKS5 proxy " + proxy + ": " + what, cause);
      this.transientFailure = transientFailure;
    }

    /** Whether trying again later may work (the proxy or the server down) rather than a setting to fix. */
    boolean isTransient() {
      return transientFailure;
    }
  }
}
