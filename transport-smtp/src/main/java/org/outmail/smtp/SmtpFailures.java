package org.outmail.smtp;

import static org.outmail.smtp.SmtpText.find;
import static org.outmail.smtp.SmtpText.format;
import static org.outmail.smtp.SmtpText.oneLine;
import static org.outmail.smtp.SmtpText.rootMessage;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.Mailbox;
import org.outmail.ServerAddress;
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

  /** @param server the server whose failures these messages describe: one of the mailbox's */
  SmtpFailures(Mailbox mailbox, ServerAddress server) {
    this.mailbox = mailbox;
    this.server = server.toString();
    this.connect = new ConnectFailures(mailbox, server);
  }

  /**
   * The exception when none of several servers took a new connection: each server's failure in the
   * order tried; transient if any of them was; the stage, code and reply of the first.
   *
   * @param failures the failures of each server
   */
  static TransportException allServersFailed(ServersFailed e, Function<ServerAddress, SmtpFailures> failures) {
    StringBuilder sb = new StringBuilder("no server took the connection: ");
    ConnectFailures.Diagnosis first = null;
    boolean anyTransient = false;
    for (OpenFailure f : e.failures()) {
      ConnectFailures.Diagnosis d = failures.apply(f.server()).connectFailure(f);
      if (first == null) {
        first = d;
      } else {
        sb.append("; ");
      }
      anyTransient |= d.transientFailure();
      sb.append(f.server()).append(": ").append(d.message());
    }
    Objects.requireNonNull(first, "a failure of each server");
    return failures.apply(e.failures().get(0).server())
        .builder(stage(first.stage()), sb.toString(), anyTransient, false, first.replyCode(), first.serverReply(),
            Map.of(), e)
        .build();
  }

  /** Places a failure of connecting, securing or authenticating: see {@link ConnectFailures#diagnose}. */
  ConnectFailures.Diagnosis connectFailure(Exception e) {
    return connect.diagnose(e);
  }

  /** The exception for a failure while connecting, before any message was handed over. */
  TransportException connectException(Exception e) {
    ConnectFailures.Diagnosis d = connect.diagnose(e);
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
  TransportException unreadableAttachment(Attachment a, @Nullable Throwable cause) {
    String file = a.path().map(p -> " (file " + p + ")").orElse("");
    String why = cause == null ? "not a readable file" : cause.getClass().getSimpleName();
    return exception(Stage.CONTENT, "cannot read attachment '" + a.filename() + "'" + file + ": " + why
        + "; nothing was sent", false, false, -1, null, Map.of(), cause);
  }

  /**
   * The exception for a transaction that failed on an open connection, from its outcome: where it
   * ended, the server's reply, whether the content had gone out whole.
   *
   * @param writeTimedOut whether the connection's write watchdog closed it
   */
  TransportException sendException(TxOutcome o, boolean writeTimedOut) {
    AttachmentParts.UnreadableAttachment unreadable = find(o.failure(), AttachmentParts.UnreadableAttachment.class);
    if (unreadable != null) {
      return unreadableAttachment(unreadable.attachment(), unreadable.getCause());
    }
    Reply failed = o.failedReply();
    int code = failed == null ? -1 : failed.code();
    String reply = failed != null && code > 0 ? oneLine(failed.text()) : null;
    String command = o.awaited();
    Stage stage = stageOfCommand(command);
    if (o.content() == TxOutcome.Content.WHOLE) {
      if (code >= 400) {
        return exception(Stage.CONTENT, "the server " + server + " refused the message: " + reply, code < 500, false,
            code, reply,
            Map.of(), o.failure());
      }
      String why = find(o.failure(), SocketTimeoutException.class) != null
          ? "no reply within " + format(mailbox.readTimeout())
          : "connection lost (" + lostBecause(o) + ")";
      return exception(Stage.CONTENT, "the message was sent to " + server + " but " + why
          + " before the server confirmed it: it may have been delivered, so it is not retried", false, true, -1, null,
          Map.of(),
          o.failure());
    }
    if (writeTimedOut) {
      return exception(stage,
          "timed out after " + format(mailbox.writeTimeout()) + " writing " + command + " to " + server
              + " (no progress); the message was not handed over",
          true, false, -1, null, Map.of(), o.failure());
    }
    if (code >= 400) {
      return exception(stage,
          "the server " + server + " answered " + command + " with " + reply + ConnectFailures.microsoft365Hint(reply),
          code < 500, false, code, reply, Map.of(), o.failure());
    }
    if (find(o.failure(), SocketTimeoutException.class) != null) {
      return exception(stage,
          "timed out after " + format(mailbox.readTimeout()) + " waiting for the reply of " + server + " to "
              + command + "; the message was not handed over",
          true, false, -1, null, Map.of(), o.failure());
    }
    if (code > 0) {
      return exception(stage, "the server " + server + " answered " + command + " with " + reply
          + ", which is no answer to it; the message was not handed over", true, false, code, reply, Map.of(),
          o.failure());
    }
    return exception(stage, "connection to " + server + " lost during " + command + " (" + lostBecause(o)
        + "); the message was not handed over", true, false, -1, null, Map.of(), o.failure());
  }

  private static String lostBecause(TxOutcome o) {
    return o.failure() == null ? "connection closed by the server" : rootMessage(o.failure());
  }

  /**
   * The server refused every recipient of a transaction: transient when it refused any of them
   * for now ({@code 4xx}), else permanent; nothing was sent.
   *
   * @param refused the server's reply for each recipient, in the order sent
   */
  TransportException everyRecipientRefused(Map<String, String> refused, @Nullable Throwable cause) {
    boolean anyTemporary = refused.values().stream().anyMatch(r -> r.startsWith("4"));
    return exception(Stage.RECIPIENTS, "the server " + server + " refused every recipient: " + refused, anyTemporary,
        false,
        firstCode(refused), null, refused, cause);
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
   * Whether a transaction failed because the connection itself was dead (closed, reset, {@code
   * 421}) before its content went out: a pooled connection failing so is replaced without counting
   * as an attempt.
   */
  static boolean connectionDead(TxOutcome o, boolean writeTimedOut) {
    if (o.content() == TxOutcome.Content.WHOLE || writeTimedOut || o.behind()
        || find(o.failure(), AttachmentParts.UnreadableAttachment.class) != null) {
      return false;
    }
    if (o.lost() != null) {
      return true;
    }
    IOException io = find(o.failure(), IOException.class);
    return io != null && !(io instanceof SocketTimeoutException);
  }

  private TransportException exception(Stage stage, String message, boolean transientFailure, boolean unknown, int code,
      @Nullable String reply, Map<String, String> rejected, @Nullable Throwable cause) {
    return builder(stage, message, transientFailure, unknown, code, reply, rejected, cause).build();
  }

  private TransportException.Builder builder(Stage stage, String message, boolean transientFailure, boolean unknown,
      int code, @Nullable String reply, Map<String, String> rejected, @Nullable Throwable cause) {
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
