package org.outmail.owa;

import com.microsoft.graph.models.odataerrors.MainError;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.outmail.MailException;
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
  record Failure(int status, String code, String message, Duration retryAfter) {
    String reply() {
      return status + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
    }
  }

  /** The HTTP failure behind the throwable, or {@code null} when no response was received. */
  static Failure failure(Throwable t) {
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
   * The exception for a failed Graph call.
   *
   * @param what the call, as the message names it ({@code sendMail}, {@code create draft})
   * @param mayHaveActed whether the server may have done what was asked although it failed (a
   *     send, not a read): then a lost answer or a gateway error makes the outcome unknown
   * @throws OAuthException rethrown as it is when the token could not be had
   */
  static TransportException toTransportException(String mailboxId, String what, Throwable t, boolean mayHaveActed) {
    OAuthException oauth = find(t, OAuthException.class);
    if (oauth != null) {
      throw oauth;
    }
    String prefix = MailException.mailboxPrefix(mailboxId) + "Graph " + what + " failed: ";
    Failure f = failure(t);
    if (f != null) {
      int s = f.status();
      boolean throttled = s == 429 || (s == 503 && f.retryAfter() != null);
      boolean gateway = s >= 500 && !throttled;
      TransportException.Builder b = TransportException.builder(mailboxId, prefix + "HTTP " + f.reply()
              + (s == 401 ? " (the access token was refused; a new one is fetched for the next attempt)" : ""))
          .replyCode(s).errorCode(f.code()).serverReply(f.reply()).retryAfter(f.retryAfter()).cause(t);
      if (throttled || s == 401 || s == 408) {
        b.transientFailure(true);
      } else if (gateway) {
        b.transientFailure(!mayHaveActed).outcomeUnknown(mayHaveActed);
      }
      return b.build();
    }
    IOException io = find(t, IOException.class);
    if (io != null) {
      boolean notSent = notConnected(io);
      String detail = io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + oneLine(io.getMessage()));
      if (notSent || !mayHaveActed) {
        return TransportException.builder(mailboxId, prefix + (notSent ? "cannot connect: " : "") + detail)
            .transientFailure(true).cause(t).build();
      }
      return TransportException.builder(mailboxId, prefix + "no answer after the request was sent (" + detail
              + "); the mail may or may not have been accepted").outcomeUnknown(true).cause(t).build();
    }
    return TransportException.builder(mailboxId, prefix + t).cause(t).build();
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
  static Duration retryAfter(Map<String, Set<String>> headers) {
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

  static Duration parseRetryAfter(String value) {
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      try {
        Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  static <T extends Throwable> T find(Throwable t, Class<T> type) {
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

  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    String line = s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return line.length() > 500 ? line.substring(0, 500) + "..." : line;
  }
}
