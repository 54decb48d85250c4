package org.outmail.owa;

import com.microsoft.graph.models.odataerrors.MainError;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.MailException;
import org.outmail.TransportException.Stage;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;

/**
 * Turns what the Graph SDK throws into outmail's exceptions: Graph's error code and message in a
 * {@link TransportException} that says whether trying again may help, or whether the mail may
 * already be on its way.
 */
final class GraphErrors {
  private GraphErrors() {}

  /** What a failed Graph call told, before it becomes an exception. */
  record Failure(int status, @Nullable String code, @Nullable String message, @Nullable Duration retryAfter) {
    String reply() {
      return status + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
    }
  }

  /** The HTTP failure behind the throwable, or {@code null} when no response was received. */
  static @Nullable Failure failure(Throwable t) {
    ApiException api = find(t, ApiException.class);
    if (api == null) {
      return null;
    }
    String code = null;
    String message = null;
    if (api instanceof ODataError odata && odata.getError() != null) {
      MainError e = odata.getError();
      code = e.getCode();
      message = e.getMessage();
    }
    if (message == null && code == null) {
      message = api.getMessage();
    }
    return new Failure(api.getResponseStatusCode(), code, oneLine(message), retryAfter(api.getResponseHeaders()));
  }

  /**
   * The exception for a failed Graph call, placed at its stage; a token that could not be had for
   * the call is a {@link #tokenFailure}.
   *
   * @param what the call, as the message names it ({@code sendMail}, {@code create draft})
   * @param mayHaveActed whether the server may have done what was asked although it failed (a
   *     send, not a read): then a lost answer or a gateway error makes the outcome unknown
   */
  static TransportException toTransportException(String mailboxId, String what, Throwable t, boolean mayHaveActed) {
    if (t instanceof TransportException already) {
      return already; // placed before the call was made (an unreadable attachment)
    }
    OAuthException oauth = find(t, OAuthException.class);
    if (oauth != null) {
      return tokenFailure(mailboxId, oauth);
    }
    String prefix = MailException.mailboxPrefix(mailboxId) + "Graph " + what + " failed: ";
    Failure f = failure(t);
    if (f != null) {
      int s = f.status();
      boolean throttled = s == 429 || (s == 503 && f.retryAfter() != null);
      boolean gateway = s >= 500 && !throttled;
      TransportException.Builder b = TransportException.builder(mailboxId, prefix + "HTTP " + f.reply()
          + (s == 401 ? " (the access token was refused; a new one is fetched for the next attempt)" : ""))
          .stage(stage(f)).replyCode(s).errorCode(f.code()).serverReply(f.reply()).retryAfter(f.retryAfter()).cause(t);
      if (throttled || s == 401 || s == 408) {
        b.transientFailure(true);
      } else if (gateway) {
        b.transientFailure(!mayHaveActed).outcomeUnknown(mayHaveActed);
      }
      return b.build();
    }
    GraphProxy.Refused byProxy = find(t, GraphProxy.Refused.class);
    if (byProxy != null) {
      return TransportException.builder(mailboxId, prefix + "nothing was sent: " + byProxy.getMessage())
          .stage(Stage.CONNECT).transientFailure(byProxy.isTransient()).cause(t).build();
    }
    IOException io = find(t, IOException.class);
    if (io != null) {
      GraphHttp.NotSent mark = notSentMark(t);
      boolean notSent = mark != null || notConnected(io);
      String detail = io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + oneLine(io.getMessage()));
      SSLException ssl = find(io, SSLException.class);
      if (mark != null && ssl != null) {
        // refused by the certificate check (trust, host name): permanent; a handshake broken off: transient
        CertificateException cert = find(io, CertificateException.class);
        boolean refused = cert != null || find(io, SSLPeerUnverifiedException.class) != null;
        String why = cert != null && cert.getMessage() != null ? oneLine(cert.getMessage()) : detail;
        return TransportException.builder(mailboxId, prefix + "the TLS handshake with " + mark.authority()
            + " failed, nothing was sent: " + why)
            .stage(Stage.TLS).transientFailure(!refused).cause(t).build();
      }
      Stage stage = ssl != null ? Stage.TLS : notSent ? Stage.CONNECT : Stage.CONTENT;
      if (notSent || !mayHaveActed) {
        return TransportException.builder(mailboxId, prefix + (notSent ? "cannot connect: " : "") + detail)
            .stage(stage).transientFailure(true).cause(t).build();
      }
      return TransportException.builder(mailboxId, prefix + "no answer after the request was sent (" + detail
          + "); the mail may or may not have been accepted").stage(stage).outcomeUnknown(true).cause(t).build();
    }
    return TransportException.builder(mailboxId, prefix + t).stage(Stage.OTHER).cause(t).build();
  }

  /**
   * Where a Graph error answer places the failure: the token ({@code 401}) or the app's permission
   * ({@code 403}), the sending mailbox, the recipients, else the message.
   */
  static Stage stage(Failure f) {
    String code = f.code() == null ? "" : f.code();
    if (f.status() == 401 || f.status() == 403) {
      return Stage.AUTHENTICATE;
    }
    if (code.equals("ErrorInvalidRecipients") || code.equals("ErrorRecipientNotFound")) {
      return Stage.RECIPIENTS;
    }
    if (code.equals("ErrorSendAsDenied") || code.equals("ErrorInvalidUser")
        || code.equals("MailboxNotEnabledForRESTAPI")
        || code.equals("ResourceNotFound") || code.equals("ErrorMailboxNotFound")) {
      return Stage.SENDER;
    }
    return Stage.CONTENT;
  }

  /**
   * No access token could be had for the mailbox: at stage {@link Stage#TOKEN}, transient or
   * permanent as the token endpoint's answer says, with its error code. The message is the
   * {@link OAuthException}'s, which never carries the secret.
   */
  static TransportException tokenFailure(String mailboxId, OAuthException e) {
    return TransportException
        .builder(mailboxId, "mailbox '" + mailboxId + "': could not get an OAuth token: " + e.getMessage())
        .stage(Stage.TOKEN).transientFailure(e.isTransient()).errorCode(e.errorCode().orElse(null)).cause(e).build();
  }

  /**
   * An attachment's file could not be read (gone, or not readable, since the email was built): a
   * permanent failure of the content, naming the attachment.
   *
   * @param cause the read failure, or null when the file was found unreadable before sending
   */
  static TransportException unreadableAttachment(String mailboxId, Attachment a, @Nullable Throwable cause) {
    String file = a.path().map(p -> " (file " + p + ")").orElse("");
    Throwable why = cause instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : cause;
    return TransportException
        .builder(mailboxId, "mailbox '" + mailboxId + "': cannot read attachment '" + a.filename() + "'"
            + file + ": " + (why == null ? "not a readable file" : why.getClass().getSimpleName())
            + "; nothing was sent")
        .stage(Stage.CONTENT).cause(cause).build();
  }

  /**
   * The mark {@link GraphHttp} puts on a failure that happened before the request reached the
   * network (no connection, DNS, the TLS handshake), found on any exception of the chain; {@code
   * null} when the request may have been sent.
   */
  static GraphHttp.@Nullable NotSent notSentMark(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      for (Throwable s : c.getSuppressed()) {
        if (s instanceof GraphHttp.NotSent mark) {
          return mark;
        }
      }
    }
    return null;
  }

  /** Whether the request never left: no connection was made. */
  static boolean notConnected(IOException io) {
    if (io instanceof ConnectException || io instanceof UnknownHostException || io instanceof NoRouteToHostException) {
      return true;
    }
    String m = io.getMessage() == null ? "" : io.getMessage().toLowerCase(Locale.ROOT);
    return io instanceof SocketTimeoutException && m.contains("connect");
  }

  /** Retry-After in seconds or as an HTTP date; {@code null} when absent or unreadable. */
  static @Nullable Duration retryAfter(Map<String, Set<String>> headers) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, Set<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase("Retry-After") && !e.getValue().isEmpty()) {
        return parseRetryAfter(e.getValue().iterator().next());
      }
    }
    return null;
  }

  static @Nullable Duration parseRetryAfter(String value) {
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      try {
        Duration d = Duration.between(ZonedDateTime.now(ZoneOffset.UTC),
            ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  static @Nullable String oneLine(@Nullable String s) {
    if (s == null) {
      return null;
    }
    String line = s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return line.length() > 500 ? line.substring(0, 500) + "..." : line;
  }
}
