package org.outmail.examples;

import java.io.PrintStream;
import java.util.Objects;
import org.outmail.PostSendHook;
import org.outmail.SendResult;
import org.outmail.SentEmail;

/**
 * A post-send hook (the seed's "Custom Code") that writes one audit line per sent email. It is
 * registered for {@link java.util.ServiceLoader} in {@code META-INF/services/org.outmail.PostSendHook}
 * and runs for every mailbox whose {@code post-send-hooks} names {@code audit}.
 *
 * <p>A real host would write to its audit table or raise an event here; this one prints to standard
 * output so that the demo shows it having run.
 */
public final class AuditHook implements PostSendHook {
  /** The name mailboxes use in {@code post-send-hooks}. */
  public static final String NAME = "audit";

  private final PrintStream out;

  /** The hook {@link java.util.ServiceLoader} creates: it writes to standard output. */
  public AuditHook() {
    this(System.out);
  }

  public AuditHook(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out == null");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void afterSend(SentEmail sent) {
    SendResult r = sent.result();
    out.println("[audit] mailbox '" + sent.mailbox().id() + "' sent " + r.messageId()
        + " \"" + r.subject() + "\" to " + r.acceptedRecipients()
        + sent.email().recordId().map(id -> " for record " + id).orElse("")
        + (r.blockedRecipients().isEmpty() ? "" : "; blocked " + r.blockedRecipients()));
    out.flush();
  }
}
