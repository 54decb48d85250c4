package org.outmail.smtp;

import static org.outmail.smtp.SmtpText.code;
import static org.outmail.smtp.SmtpText.find;
import static org.outmail.smtp.SmtpText.format;
import static org.outmail.smtp.SmtpText.oneLine;
import static org.outmail.smtp.SmtpText.rootMessage;

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

  private final Mailbox mailbox;
  private final String server;
  private final ConnectFailures connect;

  SmtpFailures(Mailbox mailbox) {
    this.mailbox = mailbox;
    this.server = mailbox.host().orElse("?") + ":" + mailbox.port();
    this.connect = new ConnectFailures(mailbox, server);
  }

  /** Places a failure of connecting, securing or authenticating: see {@link ConnectFailures#diagnose}. */
  ConnectFailures.Diagnosis connectFailure(Exception e, SmtpConnection c) {
    return connect.diagnose(e, c);
  }






  /** The exception for a failure while connecting, before any message was handed over. */
  TransportException connectException(Exception e, SmtpConnection c) {
    ConnectFailures.Diagnosis d = connect.diagnose(e, c);
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
    AttachmentParts.UnreadableAttachment unreadable = find(e, AttachmentParts.UnreadableAttachment.class);
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
      return exception(stage, "the server " + server + " answered " + command + " with " + reply + ConnectFailures.microsoft365Hint(reply),
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
    Reply r = Reply.parse(reply);
    return r.code() == 452 || (r.code() == 552 && "5.5.3".equals(r.enhanced()));
  }

  /**
   * Whether a failure before the final {@code .} means the connection itself was dead (closed,
   * reset, {@code 421}): a pooled connection failing so is replaced without counting as an attempt.
   */
  static boolean connectionDead(MessagingException e, Progress progress, SmtpConnection c) {
    if (progress.endOfDataSent() || c.writeTimedOut() || find(e, AttachmentParts.UnreadableAttachment.class) != null) {
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


  private static int firstCode(Map<String, String> rejected) {
    return rejected.values().stream().mapToInt(SmtpText::code).filter(c -> c > 0).findFirst().orElse(-1);
  }






}
