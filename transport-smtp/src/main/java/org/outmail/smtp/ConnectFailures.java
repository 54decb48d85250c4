package org.outmail.smtp;

import static org.outmail.smtp.SmtpText.find;
import static org.outmail.smtp.SmtpText.format;
import static org.outmail.smtp.SmtpText.oneLine;
import static org.outmail.smtp.SmtpText.rootMessage;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.Base64;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.oauth.OAuthException;

/**
 * Places a failure of opening a connection: connecting, TLS, STARTTLS, authenticating, getting a
 * token; what it means for a retry, and a message for a person that carries the server's reply,
 * never a credential.
 */
final class ConnectFailures {
  /** A failure placed: the stage, a message for a person, the reply and whether to try again. */
  record Diagnosis(String stage, String message, int replyCode, @Nullable String serverReply,
      boolean transientFailure) {}

  private final Mailbox mailbox;
  private final org.outmail.ServerAddress address;
  private final String server;

  ConnectFailures(Mailbox mailbox, org.outmail.ServerAddress server) {
    this.mailbox = mailbox;
    this.address = server;
    this.server = server.toString();
  }

  /**
   * Places a failure of connecting, securing or authenticating (stages {@code connect}, {@code
   * tls}, {@code starttls}, {@code auth}, {@code token}).
   */
  Diagnosis diagnose(Exception e) {
    if (e instanceof OAuthException o) {
      return new Diagnosis("token", "could not get an OAuth token: " + o.getMessage(), -1, null, o.isTransient());
    }
    if (!(e instanceof OpenFailure f)) {
      return new Diagnosis("connect", "cannot connect to " + server + ": " + rootMessage(e), -1, null, true);
    }
    Socks5.ProxyFailure proxy = find(e, Socks5.ProxyFailure.class);
    if (proxy != null) {
      return new Diagnosis("connect", String.valueOf(proxy.getMessage()), -1, null, proxy.isTransient());
    }
    Reply r = f.reply();
    switch (f.step()) {
      case NO_STARTTLS:
        return new Diagnosis("starttls", "the server does not offer STARTTLS (" + server
            + "); encryption STARTTLS requires it", -1, null, false);
      case AUTH:
        if (f.getCause() == null && (r == null || r.code() >= 0)) { // code -1: the connection closed, no refusal
          return authFailure(r == null ? f.getMessage() : r.text());
        }
        break;
      default:
        break;
    }
    CertificateException cert = find(e, CertificateException.class);
    SSLException ssl = find(e, SSLException.class);
    if (cert == null && ssl != null && mailbox.encryption() == Encryption.SSL_TLS && plainTextAnswer(ssl)) {
      return new Diagnosis("tls", "the server " + server + " answered in plain text, not TLS: encryption SSL_TLS"
          + " needs a port that speaks TLS from the first byte (usually 465); for a port that speaks plain text"
          + " set encryption STARTTLS (upgraded to TLS, usually port 587) or NONE", -1, null, false);
    }
    Exception handshake = cert != null ? cert : ssl;
    if (handshake != null) {
      String why = handshake.getMessage();
      return new Diagnosis("tls", "TLS handshake with " + server + " failed: " + why, -1, null, cert == null);
    }
    if (find(e, UnknownHostException.class) != null) {
      return new Diagnosis("connect", "host not found: " + address.host(), -1, null, true);
    }
    if (find(e, ConnectException.class) != null) {
      return new Diagnosis("connect", "connection refused by " + server, -1, null, true);
    }
    String stage = stageOf(f.step());
    String command = commandOf(f.step());
    if (find(e, SocketTimeoutException.class) != null) {
      if (f.step() == OpenFailure.Step.CONNECT) {
        return new Diagnosis("connect",
            "timed out after " + format(mailbox.connectTimeout()) + " connecting to " + server, -1, null, true);
      }
      return new Diagnosis(stage,
          "timed out after " + format(mailbox.readTimeout()) + " waiting for " + awaited(stage, command), -1, null,
          true);
    }
    if (f.step() == OpenFailure.Step.CONNECT) {
      return new Diagnosis("connect", "cannot connect to " + server + ": " + rootMessage(e), -1, null, true);
    }
    int code = r == null ? -1 : r.code();
    String reply = r == null || r.code() < 0 ? null : oneLine(r.text()); // code -1: the server said nothing
    if (f.step() == OpenFailure.Step.GREETING && f.getCause() == null) {
      if (code <= 0) {
        return new Diagnosis("connect", "the server " + server + " closed the connection before its greeting", -1, null,
            true);
      }
      return new Diagnosis("connect", "the server " + server + " refused the connection: " + reply, code, reply,
          code < 500);
    }
    if (f.step() == OpenFailure.Step.STARTTLS && code > 0) {
      return new Diagnosis("starttls", "the server " + server + " refused STARTTLS: " + reply, code, reply, code < 500);
    }
    if (code >= 400) {
      return new Diagnosis(stage, "the server " + server + " answered " + command + " with " + reply, code, reply,
          code < 500);
    }
    String why = f.getCause() == null ? "connection closed by the server" : rootMessage(f.getCause());
    return new Diagnosis(stage,
        "connection to " + server + " lost "
            + (command.equals("greeting") ? "before the greeting" : "during " + command)
            + ": " + why,
        code, reply, true);
  }

  /**
   * Whether the TLS handshake failed because the server's first bytes were not a TLS record: a
   * plain-text greeting ({@code 220 ...}) read as one. The JDK says so only in its message.
   */
  private static boolean plainTextAnswer(SSLException ssl) {
    String why = String.valueOf(ssl.getMessage());
    return why.contains("Unsupported or unrecognized SSL message") || why.contains("plaintext connection");
  }

  private String awaited(String stage, String command) {
    if (stage.equals("tls")) {
      return "the TLS handshake with " + server;
    }
    return command.equals("greeting") ? "the greeting of " + server : "the reply of " + server + " to " + command;
  }

  private Diagnosis authFailure(@Nullable String reply) {
    String line = oneLine(reply);
    int code = SmtpText.code(line);
    if (line.startsWith("334 ")) {
      // Gmail's XOAUTH2 error challenge: base64 JSON such as {"status":"401",...}
      String detail;
      try {
        detail = new String(Base64.getDecoder().decode(line.substring(4).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        detail = line.substring(4).trim();
      }
      return new Diagnosis("auth", "authentication failed: the server refused the OAuth token " + oneLine(detail), 535,
          line, false);
    }
    String message = line.isEmpty() ? "authentication failed" : "authentication failed: " + line;
    String hint = microsoft365Hint(line);
    if (!hint.isEmpty()) {
      message += hint;
    } else if (code == 535 && mailbox.oauthClient().isPresent()) {
      message += " (the OAuth token was refused twice; check the client's permissions for SMTP and the user name)";
    }
    return new Diagnosis("auth", message, code, line.isEmpty() ? null : line, code >= 400 && code < 500);
  }

  private String stageOf(OpenFailure.Step step) {
    return switch (step) {
      case AUTH -> "auth";
      case STARTTLS, NO_STARTTLS -> "starttls";
      case TLS -> "tls";
      default -> "connect";
    };
  }

  private static String commandOf(OpenFailure.Step step) {
    return switch (step) {
      case CONNECT, TLS, GREETING -> "greeting";
      case EHLO -> "EHLO";
      case STARTTLS, NO_STARTTLS -> "STARTTLS";
      case AUTH -> "AUTH";
    };
  }

  /**
   * What a Microsoft 365 refusal of password authentication means and what to do about it, in
   * parentheses after a space; empty for any other reply.
   */
  static String microsoft365Hint(@Nullable String reply) {
    if (reply == null) {
      return "";
    }
    if (reply.contains("5.7.139")) {
      return " (SMTP AUTH is disabled for this Microsoft 365 tenant or mailbox: enable authenticated SMTP "
          + "for the mailbox, give the mailbox an OAuth client to use XOAUTH2, or use the 'owa' protocol)";
    }
    if (reply.matches("(?s).*\\b5\\.7\\.30\\b.*")) {
      return " (Microsoft 365 no longer accepts a password (basic authentication) for SMTP client submission "
          + "in this tenant: give the mailbox an OAuth client to use XOAUTH2, or use the 'owa' protocol)";
    }
    return "";
  }
}
