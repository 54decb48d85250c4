package org.outmail.smtp;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.outmail.Mailbox;

/**
 * Opens new connections: connect, TLS, EHLO, AUTH. With XOAUTH2 each new connection presents a
 * token valid for a while yet, and a token the server refuses ({@code 535}) is replaced once by a
 * freshly fetched one. Credentials the server gives no chance to use (no AUTH offered) fail the
 * connection instead of going unused.
 */
final class Connector {
  private final Mailbox mailbox;
  private final Session session;
  private final SmtpAuth auth;
  private final ScheduledExecutorService scheduler;
  private final String host;
  private volatile String ehloName;

  /** @param scheduler runs the write watchdog of every connection */
  Connector(Mailbox mailbox, Session session, SmtpAuth auth, ScheduledExecutorService scheduler) {
    this.mailbox = mailbox;
    this.session = session;
    this.auth = auth;
    this.scheduler = scheduler;
    this.host = mailbox.host().orElseThrow();
  }

  String host() {
    return host;
  }

  int port() {
    return mailbox.port();
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
   * @param attempt receives the connection before it connects, so that a failure can be placed
   * @throws MessagingException as Angus Mail reports it
   * @throws org.outmail.OAuthException if no token can be had
   */
  SmtpConnection open(Consumer<SmtpConnection> attempt) throws MessagingException {
    SmtpAuth.Credentials credentials = auth.credentials(null);
    try {
      return connect(credentials, attempt);
    } catch (AuthenticationFailedException e) {
      if (auth.kind() != SmtpAuth.Kind.XOAUTH2 || !tokenRefused(e)) {
        throw e;
      }
      // the server refused the cached token: fetch a new one and try once more
      return connect(auth.credentials(credentials), attempt);
    }
  }

  private SmtpConnection connect(SmtpAuth.Credentials credentials, Consumer<SmtpConnection> attempt)
      throws MessagingException {
    SmtpConnection c = new SmtpConnection(session, new URLName("smtp", host, port(), null, null, null),
        new WriteWatchdog(mailbox.writeTimeout()));
    c.setLocalHost(ehloName());
    if (attempt != null) {
      attempt.accept(c);
    }
    // the sockets Angus makes for this connection, on this thread (STARTTLS included)
    SocketFactories.capture(c::sockets);
    try {
      c.connect(host, port(), credentials.user(), credentials.secret());
    } finally {
      SocketFactories.endCapture();
    }
    c.watchWrites(scheduler);
    if (auth.kind() != SmtpAuth.Kind.NONE) {
      String mechanism = auth.mechanismOffered(c);
      if (mechanism == null) {
        String offered = c.getExtensionParameter("AUTH");
        c.closeQuietly();
        throw new AuthenticationFailedException(offered == null
            ? "the server does not offer AUTH, but the mailbox has credentials"
            : "the server offers AUTH " + offered + ", none of " + auth.kind().mechanisms);
      }
      c.authMechanism(mechanism);
    }
    return c;
  }

  private static boolean tokenRefused(AuthenticationFailedException e) {
    String reply = e.getMessage();
    // 334: Gmail's XOAUTH2 error challenge (a JSON status) before its 535
    return reply != null && (reply.startsWith("535") || reply.startsWith("334"));
  }

  /** The name said in EHLO: looked up once per mailbox, not once per connection. */
  private String ehloName() {
    String name = ehloName;
    if (name == null) {
      try {
        InetAddress local = InetAddress.getLocalHost();
        name = local.getCanonicalHostName();
        if (name == null || name.isEmpty() || !name.contains(".")) {
          name = local instanceof java.net.Inet6Address
              ? "[IPv6:" + local.getHostAddress() + "]"
              : "[" + local.getHostAddress() + "]";
        }
      } catch (UnknownHostException | SecurityException e) {
        return null; // Angus Mail then names the socket's local address
      }
      ehloName = name;
    }
    return name;
  }
}
