package org.outmail.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A SOCKS5 proxy (RFC 1928, CONNECT only) on 127.0.0.1, with optional user/password
 * authentication (RFC 1929), for tests. It resolves domain names itself, as a real proxy does,
 * and records each target as the client named it ({@code localhost:2525}, {@code 127.0.0.1:25}).
 */
public final class Socks5TestProxy extends TestProxy {
  private final int refuseWith;

  private Socks5TestProxy(String user, String password, int refuseWith) {
    super(user, password);
    this.refuseWith = refuseWith;
  }

  /** {@return a proxy that asks no authentication} */
  public static Socks5TestProxy open() {
    return new Socks5TestProxy(null, null, 0);
  }

  /** {@return a proxy that asks for this user and password} */
  public static Socks5TestProxy withUser(String user, String password) {
    return new Socks5TestProxy(user, password, 0);
  }

  /** {@return a proxy that answers every CONNECT with this reply code (2: not allowed by ruleset)} */
  public static Socks5TestProxy refusing(int replyCode) {
    return new Socks5TestProxy(null, null, replyCode);
  }

  @Override
  protected Socket handshake(Socket client, InputStream raw, OutputStream out) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    if (in.readUnsignedByte() != 5) {
      return null;
    }
    byte[] methods = new byte[in.readUnsignedByte()];
    in.readFully(methods);
    int wanted = user == null ? 0 : 2;
    boolean offered = false;
    for (byte m : methods) {
      offered |= m == wanted;
    }
    if (!offered) {
      out.write(new byte[] {5, (byte) 0xFF});
      out.flush();
      return null;
    }
    out.write(new byte[] {5, (byte) wanted});
    out.flush();
    if (wanted == 2) {
      in.readUnsignedByte(); // sub-negotiation version 1
      byte[] u = new byte[in.readUnsignedByte()];
      in.readFully(u);
      byte[] p = new byte[in.readUnsignedByte()];
      in.readFully(p);
      String given = new String(u, StandardCharsets.UTF_8) + ":" + new String(p, StandardCharsets.UTF_8);
      presented(given);
      boolean ok = given.equals(user + ":" + password);
      out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
      out.flush();
      if (!ok) {
        return null;
      }
    }
    in.readUnsignedByte(); // version
    int command = in.readUnsignedByte();
    in.readUnsignedByte(); // reserved
    int type = in.readUnsignedByte();
    String host;
    if (type == 1) {
      byte[] a = new byte[4];
      in.readFully(a);
      host = InetAddress.getByAddress(a).getHostAddress();
    } else if (type == 4) {
      byte[] a = new byte[16];
      in.readFully(a);
      host = "[" + InetAddress.getByAddress(a).getHostAddress() + "]";
    } else {
      byte[] name = new byte[in.readUnsignedByte()];
      in.readFully(name);
      host = new String(name, StandardCharsets.US_ASCII);
    }
    int port = in.readUnsignedShort();
    asked(host + ":" + port);
    if (command != 1 || refuseWith != 0) {
      reply(out, command != 1 ? 7 : refuseWith);
      return null;
    }
    Socket target;
    try {
      target = connect(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    } catch (RuntimeException e) {
      target = null;
    }
    if (target == null) {
      reply(out, 5); // connection refused
      return null;
    }
    reply(out, 0);
    return target;
  }

  private static void reply(OutputStream out, int code) throws IOException {
    out.write(new byte[] {5, (byte) code, 0, 1, 127, 0, 0, 1, 0, 0});
    out.flush();
  }
}
