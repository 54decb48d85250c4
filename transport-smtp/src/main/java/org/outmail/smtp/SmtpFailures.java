package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.outmail.Attachment;
import org.outmail.Encryption;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.TransportException.Stage;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;

/**
 * Says what went wrong, in which stage, and what it means for a retry: {@code 4xx} and a lost
 * connection before the message was handed over are transient, {@code 5xx} is permanent, a
 * connection lost after the final {@code .} leaves the outcome unknown. Messages carry the server's
 * reply, never a credential.
 */
final class SmtpFailures {
  /** A failure placed: the stage, a message for a person, the reply and whether to try again. */
  record Diagnosis(String stage, String message, int replyCode, String serverReply, boolean transientFailure) {}

  private final Mailbox mailbox;
  private final String server;

  SmtpFailures(Mailbox mailbox) {
    this.mailbox = mailbox;
    this.server = mailbox.host().orElse("?") + ":" + mailbox.port();
  }

  /**
   * Places a failure of connecting, securing or authenticating (stages {@code connect}, {@code
   * tls}, {@code starttls}, {@code auth}, {@code token}).
   *
   * @param c the connection being opened, if it got that far
   */
  Diagnosis connectFailure(Exception e, SmtpConnection c) {
    if (e instanceof OAuthException o) {
      return new Diagnosis("token", "could not get an OAuth token: " + o.getMessage(), -1, null, o.isTransient());
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    String command = c == null ? "greeting" : c.lastCommand();
    if (e instanceof AuthenticationFailedException) {
      return authFailure(message);
    }
    if (message.startsWith("STARTTLS is required")) {
      return new Diagnosis("starttls", "the server does not offer STARTTLS (" + server
          + "); encryption STARTTLS requires it", -1, null, false);
    }
    CertificateException cert = find(e, CertificateException.class);
    SSLException ssl = find(e, SSLException.class);
    if (cert == null && ssl != null && mailbox.encryption() == Encryption.SSL_TLS && plainTextAnswer(ssl)) {
      return new Diagnosis("tls", "the server " + server + " answered in plain text, not TLS: encryption SSL_TLS"
          + " needs a port that speaks TLS from the first byte (usually 465); for a port that speaks plain text"
          + " set encryption STARTTLS (upgraded to TLS, usually port 587) or NONE", -1, null, false);
    }
    if (cert != null || ssl != null) {
      String why = cert != null ? cert.getMessage() : ssl.getMessage();
      return new Diagnosis("tls", "TLS handshake with " + server + " failed: " + why, -1, null, cert == null);
    }
    if (message.startsWith("Unable to check server identity") || messageIn(e, "Unable to check server identity")) {
      return new Diagnosis("tls", "TLS handshake with " + server + " failed: the server certificate does not match the host name "
          + mailbox.host().orElse(""), -1, null, false);
    }
    if (find(e, UnknownHostException.class) != null) {
      return new Diagnosis("connect", "host not found: " + mailbox.host().orElse(""), -1, null, true);
    }
    if (find(e, ConnectException.class) != null) {
      return new Diagnosis("connect", "connection refused by " + server, -1, null, true);
    }
    if (find(e, SocketTimeoutException.class) != null) {
      if (e instanceof MailConnectException) {
        return new Diagnosis("connect", "timed out after " + format(mailbox.connectTimeout()) + " connecting to " + server, -1, null, true);
      }
      String stage = stageOf(command, c);
      return new Diagnosis(stage, "timed out after " + format(mailbox.readTimeout()) + " waiting for " + awaited(stage, command), -1, null, true);
    }
    if (e instanceof MailConnectException) {
      return new Diagnosis("connect", "cannot connect to " + server + ": " + rootMessage(e), -1, null, true);
    }
    int code = c == null ? -1 : c.getLastReturnCode();
    String reply = c == null ? null : oneLine(c.getLastServerResponse());
    if (message.startsWith("Got bad greeting")) {
      if (code <= 0) {
        return new Diagnosis("connect", "the server " + server + " closed the connection before its greeting", -1, null, true);
      }
      return new Diagnosis("connect", "the server " + server + " refused the connection: " + reply, code, reply, code < 500);
    }
    if (command.equals("STARTTLS") && code > 0) {
      return new Diagnosis("starttls", "the server " + server + " refused STARTTLS: " + reply, code, reply, code < 500);
    }
    String stage = stageOf(command, c);
    if (code > 0 && code >= 400) {
      return new Diagnosis(stage, "the server " + server + " answered " + command + " with " + reply, code, reply, code < 500);
    }
    return new Diagnosis(stage, "connection to " + server + " lost " + (command.equals("greeting") ? "before the greeting" : "during " + command)
        + ": " + rootMessage(e), code, reply, true);
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

  private Diagnosis authFailure(String reply) {
    String line = oneLine(reply);
    int code = code(line);
    if (line.startsWith("334 ")) {
      // Gmail's XOAUTH2 error challenge: base64 JSON such as {"status":"401",...}
      String detail;
      try {
        detail = new String(Base64.getDecoder().decode(line.substring(4).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        detail = line.substring(4).trim();
      }
      return new Diagnosis("auth", "authentication failed: the server refused the OAuth token " + oneLine(detail), 535, line, false);
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

  /**
   * What a Microsoft 365 refusal of password authentication means and what to do about it, in
   * parentheses after a space; empty for any other reply.
   */
  static String microsoft365Hint(String reply) {
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

  /** The exception for a failure while connecting, before any message was handed over. */
  TransportException connectException(Exception e, SmtpConnection c) {
    Diagnosis d = connectFailure(e, c);
    TransportException.Builder b = builder(stage(d.stage()), d.message(), d.transientFailure(), false, d.replyCode(),
        d.serverReply(), Map.of(), e);
    if (e instanceof OAuthException o) {
      b.errorCode(o.errorCode().orElse(null));
    }
    return b.build();
  }

  /** The stage of a {@link Diagnosis}: {@code connect}, {@code tls}, {@code starttls}, {@code auth}, {@code token}. */
  static Stage stage(String diagnosis) {
    return switch (diagnosis) {
      case "connect" -> Stage.CONNECT;
      case "tls", "starttls" -> Stage.TLS;
      case "auth" -> Stage.AUTHENTICATE;
      case "token" -> Stage.TOKEN;
      default -> Stage.OTHER;
    };
  }

  /** The stage of a failure while the message's command was on the wire. */
  static Stage stageOfCommand(String command) {
    return switch (command) {
      case "MAIL FROM" -> Stage.SENDER;
      case "RCPT TO" -> Stage.RECIPIENTS;
      case "DATA", "." -> Stage.CONTENT;
      default -> Stage.OTHER;
    };
  }

  /** The transport was closed: nothing more is sent through it. */
  TransportException closed() {
    return exception(Stage.CLOSED, "the transport is closed", false, false, -1, null, Map.of(), null);
  }

  /**
   * An attachment's file could not be read (gone, or not readable, since the email was built): a
   * permanent failure of the content, naming the attachment.
   *
   * @param cause the read failure, or null when the file was found unreadable before sending
   */
  TransportException unreadableAttachment(Attachment a, Throwable cause) {
    String file = a.path().map(p -> " (file " + p + ")").orElse("");
    String why = cause == null ? "not a readable file" : cause.getClass().getSimpleName();
    return exception(Stage.CONTENT, "cannot read attachment '" + a.filename() + "'" + file + ": " + why
        + "; nothing was sent", false, false, -1, null, Map.of(), cause);
  }

  /** The exception for a failure while sending a message on an open connection. */
  TransportException sendException(MessagingException e, Progress progress, SmtpConnection c) {
    MimeBuilder.UnreadableAttachment unreadable = find(e, MimeBuilder.UnreadableAttachment.class);
    if (unreadable != null) {
      return unreadableAttachment(unreadable.attachment(), unreadable.getCause());
    }
    int code = e instanceof SMTPSendFailedException s ? s.getReturnCode() : -1;
    String reply = code > 0 ? oneLine(e.getMessage()) : null;
    String command = progress.command();
    Stage stage = stageOfCommand(command);
    if (progress.endOfDataSent()) {
      if (code >= 400) {
        return exception(Stage.CONTENT, "the server " + server + " refused the message: " + reply, code < 500, false, code, reply,
            Map.of(), e);
      }
      String why = find(e, SocketTimeoutException.class) != null
          ? "no reply within " + format(mailbox.readTimeout())
          : "connection lost (" + rootMessage(e) + ")";
      return exception(Stage.CONTENT, "the message was sent to " + server + " but " + why
          + " before the server confirmed it: it may have been delivered, so it is not retried", false, true, -1, null, Map.of(), e);
    }
    if (c.writeTimedOut()) {
      return exception(stage, "timed out after " + format(mailbox.writeTimeout()) + " writing " + command + " to " + server
          + " (no progress); the message was not handed over", true, false, -1, null, Map.of(), e);
    }
    Map<String, String> refused = everyRecipientRefused(e);
    if (refused != null) {
      return everyRecipientRefused(refused, e);
    }
    if (e instanceof SMTPAddressFailedException a && a.getReturnCode() >= 400) {
      return exception(Stage.RECIPIENTS, "the server " + server + " refused recipient " + a.getAddress() + ": "
          + oneLine(a.getMessage()), a.getReturnCode() < 500, false, a.getReturnCode(), oneLine(a.getMessage()), Map.of(), e);
    }
    if (code >= 400) {
      return exception(stage, "the server " + server + " answered " + command + " with " + reply + microsoft365Hint(reply),
          code < 500, false, code, reply, Map.of(), e);
    }
    if (find(e, SocketTimeoutException.class) != null) {
      return exception(stage, "timed out after " + format(mailbox.readTimeout()) + " waiting for the reply of " + server + " to "
          + command + "; the message was not handed over", true, false, -1, null, Map.of(), e);
    }
    return exception(stage, "connection to " + server + " lost during " + command + " (" + rootMessage(e)
        + "); the message was not handed over", true, false, -1, null, Map.of(), e);
  }

  /**
   * The server refused every recipient of a transaction: transient when it refused any of them
   * for now ({@code 4xx}), else permanent; nothing was sent.
   *
   * @param refused the server's reply for each recipient, in the order sent
   */
  TransportException everyRecipientRefused(Map<String, String> refused, Throwable cause) {
    boolean anyTemporary = refused.values().stream().anyMatch(r -> r.startsWith("4"));
    return exception(Stage.RECIPIENTS, "the server " + server + " refused every recipient: " + refused, anyTemporary, false,
        firstCode(refused), null, refused, cause);
  }

  /**
   * The replies of a transaction whose every recipient the server refused (Angus's and {@link
   * Pipelining}'s "Invalid Addresses"), in the order sent; {@code null} for any other failure. The
   * transaction was reset: the connection can carry another one.
   */
  static Map<String, String> everyRecipientRefused(MessagingException e) {
    if (e instanceof SendFailedException sf && !(e instanceof SMTPSendFailedException) && !(e instanceof SMTPAddressFailedException)) {
      Map<String, String> rejected = rejected(sf);
      return rejected.isEmpty() ? null : rejected;
    }
    return null;
  }

  /**
   * Whether a reply to {@code RCPT TO} says the transaction holds as many recipients as the server
   * takes: {@code 452} (RFC 5321 section 4.5.3.1.10), or the {@code 552} with {@code 5.5.3} that
   * servers following RFC 821 still send. The recipient may go in a further transaction.
   */
  static boolean tooManyRecipients(String reply) {
    int code = code(reply);
    return code == 452 || (code == 552 && reply.length() >= 9 && reply.startsWith("5.5.3", 4));
  }

  /**
   * Whether a failure before the final {@code .} means the connection itself was dead (closed,
   * reset, {@code 421}): a pooled connection failing so is replaced without counting as an attempt.
   */
  static boolean connectionDead(MessagingException e, Progress progress, SmtpConnection c) {
    if (progress.endOfDataSent() || c.writeTimedOut() || find(e, MimeBuilder.UnreadableAttachment.class) != null) {
      return false;
    }
    int code = e instanceof SMTPSendFailedException s ? s.getReturnCode()
        : e instanceof SMTPAddressFailedException a ? a.getReturnCode() : 0;
    if (code == 421 || code == -1) {
      return true;
    }
    IOException io = find(e, IOException.class);
    return code <= 0 && io != null && !(io instanceof SocketTimeoutException);
  }

  /** Recipients the server refused, from Angus's chain of address failures: address → reply. */
  static Map<String, String> rejected(MessagingException e) {
    Map<String, String> out = new LinkedHashMap<>();
    Exception next = e.getNextException();
    while (next instanceof MessagingException m) {
      if (m instanceof SMTPAddressFailedException a) {
        out.put(a.getAddress().getAddress(), oneLine(a.getMessage()));
      }
      next = m.getNextException();
    }
    if (out.isEmpty() && e instanceof SendFailedException sf && sf.getInvalidAddresses() != null) {
      for (Address a : sf.getInvalidAddresses()) {
        out.put(((InternetAddress) a).getAddress(), "refused");
      }
    }
    return out;
  }

  private TransportException exception(Stage stage, String message, boolean transientFailure, boolean unknown, int code,
      String reply, Map<String, String> rejected, Throwable cause) {
    return builder(stage, message, transientFailure, unknown, code, reply, rejected, cause).build();
  }

  private TransportException.Builder builder(Stage stage, String message, boolean transientFailure, boolean unknown,
      int code, String reply, Map<String, String> rejected, Throwable cause) {
    return TransportException.builder(mailbox.id(), "mailbox '" + mailbox.id() + "': " + message)
        .stage(stage)
        .transientFailure(transientFailure)
        .outcomeUnknown(unknown)
        .replyCode(code)
        .serverReply(reply)
        .rejectedRecipients(rejected)
        .cause(cause);
  }

  private String stageOf(String command, SmtpConnection c) {
    if (command.equals("AUTH")) {
      return "auth";
    }
    if (command.equals("STARTTLS")) {
      return "starttls";
    }
    if (command.equals("greeting") && mailbox.encryption() == Encryption.SSL_TLS && (c == null || c.greeting() == null)) {
      return "tls";
    }
    return "connect";
  }

  private static int firstCode(Map<String, String> rejected) {
    return rejected.values().stream().mapToInt(SmtpFailures::code).filter(c -> c > 0).findFirst().orElse(-1);
  }

  static int code(String reply) {
    if (reply != null && reply.length() >= 3) {
      try {
        return Integer.parseInt(reply.substring(0, 3));
      } catch (NumberFormatException ignored) {
        // no code
      }
    }
    return -1;
  }

  /**
   * A server reply on one line: each run of line breaks and other control characters becomes one
   * space. Called for every reply of every message, so without a regular expression.
   */
  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = null;
    boolean inRun = false;
    for (int i = 0, n = s.length(); i < n; i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || ch == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(n).append(s, 0, i);
        }
        if (!inRun) {
          sb.append(' ');
        }
        inRun = true;
      } else {
        if (sb != null) {
          sb.append(ch);
        }
        inRun = false;
      }
    }
    return (sb == null ? s : sb.toString()).strip();
  }

  /** "30 s", or "1500 ms" when not whole seconds. */
  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof MessagingException m && m.getNextException() != null) {
      t = m.getNextException();
    }
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + oneLine(msg));
  }

  private static boolean messageIn(Throwable e, String text) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
