package org.outmail.smtp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.outmail.CheckResult;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.ServerAddress;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;

/**
 * The Check button: opens a connection of its own (never a pooled one) to each of the mailbox's
 * servers in turn, negotiates TLS, reads EHLO, authenticates, says {@code QUIT}, and reports the
 * server, the TLS version and the auth mechanism, or the stage that failed and what the server
 * said. With several servers it reports each one's result and passes only when every server does
 * (a backup relay that cannot be used is a configuration to fix, even while sends still go out).
 */
final class SmtpCheck {
  private final Mailbox mailbox;
  private final SmtpAuth auth;
  private final List<Connector> connectors;
  private final Function<ServerAddress, SmtpFailures> failures;

  SmtpCheck(Mailbox mailbox, SmtpAuth auth, List<Connector> connectors,
      Function<ServerAddress, SmtpFailures> failures) {
    this.mailbox = mailbox;
    this.auth = auth;
    this.connectors = connectors;
    this.failures = failures;
  }

  CheckResult run() {
    long start = System.nanoTime();
    if (connectors.size() == 1) {
      return one(connectors.get(0), start);
    }
    List<String> lines = new ArrayList<>();
    TransportException.Stage firstFailed = null;
    int failed = 0;
    for (Connector c : connectors) {
      CheckResult r = one(c, System.nanoTime());
      if (!r.ok()) {
        failed++;
        if (firstFailed == null) {
          firstFailed = r.stage().orElse(TransportException.Stage.OTHER);
        }
      }
      lines.add(c.server() + (r.ok() ? " passed: " : " FAILED: ") + r.message());
    }
    String message = connectors.size() + " servers, " + (failed == 0 ? "every one passed" : failed + " failed") + ": "
        + String.join("; ", lines);
    return failed == 0 ? CheckResult.passed(message, elapsed(start))
        : CheckResult.failed(Objects.requireNonNull(firstFailed), message, elapsed(start));
  }

  /** The check of one server. */
  private CheckResult one(Connector connector, long start) {
    SmtpConnection c;
    try {
      c = connector.open();
    } catch (OpenFailure | OAuthException | IllegalStateException e) {
      ConnectFailures.Diagnosis d = failures.apply(connector.server()).connectFailure(e);
      return CheckResult.failed(SmtpFailures.stage(d.stage()), d.message(), elapsed(start));
    }
    try {
      return CheckResult.passed(success(c, connector), elapsed(start));
    } finally {
      c.closeQuietly();
    }
  }

  private String success(SmtpConnection c, Connector connector) {
    StringBuilder sb = new StringBuilder("connected to ").append(c.server());
    connector.proxy().ifPresent(p -> sb.append(" through SOCKS5 proxy ").append(p));
    Reply greetingReply = c.greeting();
    String greeting = greetingReply == null ? "" : SmtpText.oneLine(greetingReply.text());
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

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
