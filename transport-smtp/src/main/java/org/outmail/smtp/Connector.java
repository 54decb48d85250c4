package org.outmail.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.ProxySettings;
import org.outmail.ServerAddress;

/**
 * Opens new connections to one of the mailbox's servers: TCP ({@code TCP_NODELAY}, connect and
 * read timeouts), implicit TLS or STARTTLS (required: a server that does not offer it gets no credentials and no mail), greeting,
 * EHLO, AUTH. TLS checks the server's certificate against the mailbox's trust and its host name
 * (endpoint identification), TLS 1.3 or 1.2 only. With XOAUTH2 each new connection presents a
 * token valid for a while yet, and a token the server refuses ({@code 535}) is replaced once by a
 * freshly fetched one. Credentials the server gives no chance to use (no AUTH offered) fail the
 * connection instead of going unused.
 */
final class Connector {
  private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final Mailbox mailbox;
  private final SSLContext tls;
  private final SmtpAuth auth;
  private final ScheduledExecutorService scheduler;
  private final ServerAddress server;
  private final String host;
  /** The SOCKS5 proxy the TCP connection goes through, or null. */
  private final @Nullable ProxySettings proxy;
  private volatile @Nullable String ehloName;

  /**
   * @param server one of the mailbox's servers: every connection this connector opens goes to it
   * @param scheduler runs the write watchdog of every connection
   */
  Connector(Mailbox mailbox, ServerAddress server, SSLContext tls, SmtpAuth auth, ScheduledExecutorService scheduler) {
    this.mailbox = mailbox;
    this.server = server;
    this.tls = tls;
    this.auth = auth;
    this.scheduler = scheduler;
    this.host = server.host();
    this.proxy = SmtpOptions.proxy(mailbox).orElse(null);
  }

  /** {@return the SOCKS5 proxy the connections to this server go through, if any} */
  java.util.Optional<ProxySettings> proxy() {
    return proxy == null || proxy.bypasses(host) ? java.util.Optional.empty() : java.util.Optional.of(proxy);
  }

  ServerAddress server() {
    return server;
  }

  String host() {
    return host;
  }

  int port() {
    return server.port();
  }

  Mailbox mailbox() {
    return mailbox;
  }

  SmtpAuth auth() {
    return auth;
  }

  /**
   * A new, authenticated connection.
   *
   * @throws OpenFailure placed at the step that failed, naming this connector's server
   * @throws org.outmail.oauth.OAuthException if no token can be had
   */
  SmtpConnection open() throws OpenFailure {
    SmtpAuth.Credentials credentials = auth.credentials(null);
    try {
      try {
        return connect(credentials);
      } catch (OpenFailure e) {
        if (auth.kind() != SmtpAuth.Kind.XOAUTH2 || !SmtpAuth.tokenRefused(e)) {
          throw e;
        }
        // the server refused the cached token: fetch a new one and try once more
        return connect(auth.credentials(credentials));
      }
    } catch (OpenFailure e) {
      throw e.at(server);
    }
  }

  private interface Io<T> {
    T run() throws IOException;
  }

  private static <T> T step(OpenFailure.Step step, Io<T> io) throws OpenFailure {
    try {
      return io.run();
    } catch (IOException e) {
      throw new OpenFailure(step, null, String.valueOf(e.getMessage()), e);
    }
  }

  private SmtpConnection connect(SmtpAuth.Credentials credentials) throws OpenFailure {
    Socket tcp = new Socket();
    SmtpConnection c = null;
    boolean ok = false;
    try {
      step(OpenFailure.Step.CONNECT, () -> {
        tcp.setTcpNoDelay(true);
        tcp.setSoTimeout(millis(mailbox.readTimeout()));
        Socks5.connect(tcp, proxy, host, port(), millis(mailbox.connectTimeout()));
        return tcp;
      });
      Socket session = mailbox.encryption() == Encryption.SSL_TLS ? step(OpenFailure.Step.TLS, () -> handshake(tcp))
          : tcp;
      SmtpConnection conn = step(OpenFailure.Step.CONNECT,
          () -> new SmtpConnection(server, tcp, session, new WriteWatchdog(mailbox.writeTimeout())));
      c = conn;
      Reply greeting = step(OpenFailure.Step.GREETING, conn::readGreeting);
      if (greeting.code() != 220) {
        throw new OpenFailure(OpenFailure.Step.GREETING, greeting, "no greeting", null);
      }
      String name = ehloName(tcp);
      hello(conn, name, OpenFailure.Step.EHLO);
      if (mailbox.encryption() == Encryption.STARTTLS) {
        if (!conn.supports("STARTTLS")) {
          throw new OpenFailure(OpenFailure.Step.NO_STARTTLS, null, "the server does not offer STARTTLS", null);
        }
        Reply go = step(OpenFailure.Step.STARTTLS, () -> conn.ask("STARTTLS", "STARTTLS"));
        if (go.code() != 220) {
          throw new OpenFailure(OpenFailure.Step.STARTTLS, go, "STARTTLS refused", null);
        }
        step(OpenFailure.Step.STARTTLS, () -> {
          conn.upgraded(handshake(tcp));
          return tcp; // (not used)
        });
        hello(conn, name, OpenFailure.Step.STARTTLS);
      }
      conn.watchWrites(scheduler);
      if (auth.kind() != SmtpAuth.Kind.NONE) {
        conn.authMechanism(auth.login(conn, credentials));
      }
      ok = true;
      return conn;
    } finally {
      if (!ok) {
        if (c != null) {
          c.abort();
        } else {
          try {
            tcp.close();
          } catch (IOException ignored) {
            // not connected
          }
        }
      }
    }
  }

  private static void hello(SmtpConnection c, String name, OpenFailure.Step step) throws OpenFailure {
    Reply r = step(step, () -> c.hello(name));
    if (r.code() != 250) {
      throw new OpenFailure(step, r, "EHLO refused", null);
    }
  }

  /** A TLS socket over the connected TCP one, its handshake done: the server's certificate and host name checked. */
  private SSLSocket handshake(Socket tcp) throws IOException {
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(tcp, host, port(), true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
    List<String> protocols = new ArrayList<>();
    for (String supported : s.getSupportedProtocols()) {
      if (TLS_PROTOCOLS.contains(supported)) {
        protocols.add(supported);
      }
    }
    p.setProtocols(protocols.toArray(new String[0]));
    s.setSSLParameters(p);
    s.setUseClientMode(true);
    s.startHandshake();
    return s;
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** The name said in EHLO: looked up once per mailbox, not once per connection; else the socket's address. */
  private String ehloName(Socket tcp) {
    String name = ehloName;
    if (name == null) {
      try {
        InetAddress local = InetAddress.getLocalHost();
        name = local.getCanonicalHostName();
        if (name == null || name.isEmpty() || !name.contains(".")) {
          name = literal(local);
        }
      } catch (UnknownHostException | SecurityException e) {
        return literal(tcp.getLocalAddress());
      }
      ehloName = name;
    }
    return name;
  }

  private static String literal(InetAddress a) {
    return a instanceof java.net.Inet6Address ? "[IPv6:" + a.getHostAddress() + "]" : "[" + a.getHostAddress() + "]";
  }
}
