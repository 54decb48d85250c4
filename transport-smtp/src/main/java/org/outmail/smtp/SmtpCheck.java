package org.outmail.smtp;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.outmail.CheckResult;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.oauth.OAuthException;

/**
 * The Check button: opens a connection of its own (never a pooled one), negotiates TLS, reads
 * EHLO, authenticates, says {@code QUIT}, and reports the server, the TLS version and the auth
 * mechanism, or the stage that failed and what the server said.
 */
final class SmtpCheck {
  private final Mailbox mailbox;
  private final SmtpAuth auth;
  private final SSLContext tls;
  private final ScheduledExecutorService scheduler;
  private final SmtpFailures failures;

  SmtpCheck(Mailbox mailbox, SmtpAuth auth, SSLContext tls, ScheduledExecutorService scheduler, SmtpFailures failures) {
    this.mailbox = mailbox;
    this.auth = auth;
    this.tls = tls;
    this.scheduler = scheduler;
    this.failures = failures;
  }

  CheckResult run() {
    long start = System.nanoTime();
    Connector connector = new Connector(mailbox, tls, auth, scheduler);
    SmtpConnection c;
    try {
      c = connector.open();
    } catch (OpenFailure | OAuthException | IllegalStateException e) {
      ConnectFailures.Diagnosis d = failures.connectFailure(e);
      return CheckResult.failed(SmtpFailures.stage(d.stage()), d.message(), elapsed(start));
    }
    try {
      return CheckResult.passed(success(c, connector), elapsed(start));
    } finally {
      c.closeQuietly();
    }
  }

  private String success(SmtpConnection c, Connector connector) {
    StringBuilder sb = new StringBuilder("connected to ").append(server());
    connector.proxy().ifPresent(p -> sb.append(" through SOCKS5 proxy ").append(p));
    String greeting = SmtpText.oneLine(c.greeting().text());
    if (greeting.length() > 4) {
      sb.append(", server '").append(greeting.substring(4)).append('\'');
    }
    if (c.tlsProtocol() != null && mailbox.encryption() != Encryption.NONE) {
      sb.append(", ").append(c.tlsProtocol())
          .append(mailbox.encryption() == Encryption.STARTTLS ? " via STARTTLS" : " (implicit TLS)");
    } else {
      sb.append(", no TLS");
    }
    if (c.authMechanism() != null) {
      sb.append(", authenticated as ").append(auth.user()).append(" with ").append(c.authMechanism());
    } else {
      sb.append(", no authentication");
    }
    return sb.toString();
  }

  private String server() {
    return mailbox.host().orElse("?") + ":" + mailbox.port();
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
