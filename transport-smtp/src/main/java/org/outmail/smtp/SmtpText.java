package org.outmail.smtp;

import jakarta.mail.MessagingException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Text helpers shared by the layers: a reply's code, a reply on one line, a cause's root message, a duration. */
final class SmtpText {
  private SmtpText() {}

  static int code(@Nullable String reply) {
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
  static String oneLine(@Nullable String s) {
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

  static <T extends Throwable> @Nullable T find(@Nullable Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
