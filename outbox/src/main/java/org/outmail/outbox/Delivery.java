package org.outmail.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.Email;
import org.outmail.MailException;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxDisabledException;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.RecipientsBlockedException;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at a claimed mail: rebuilds the email from the store (same Message-ID, only the
 * recipients still pending, attachments streamed from the store), sends it through the mailbox's
 * current {@link OutgoingMailer} (so hooks run there), and turns what happened into the {@link
 * Outcome} to store. The retry decision follows the failure's {@link TransportException#kind()}.
 */
final class Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  private final Supplier<MailboxRegistry> registry;
  private final JdbcStore store;
  private final Clock clock;
  private final Backoff backoff;
  private final OutcomeUnknownPolicy unknownPolicy;

  Delivery(Supplier<MailboxRegistry> registry, JdbcStore store, Clock clock, Backoff backoff,
      OutcomeUnknownPolicy unknownPolicy) {
    this.registry = registry;
    this.store = store;
    this.clock = clock;
    this.backoff = backoff;
    this.unknownPolicy = unknownPolicy;
  }

  /** What a claimed mail needs before it can go: an outcome already, or a mailer and the email. */
  private sealed interface Ready permits Done, Sendable {}

  private record Done(Outcome outcome) implements Ready {}

  private record Sendable(OutgoingMailer mailer, Email email) implements Ready {}

  /** Sends the mail on the calling thread. */
  Outcome attempt(JdbcStore.Claimed m) {
    Ready r = ready(m);
    if (!(r instanceof Sendable ready)) {
      return ((Done) r).outcome();
    }
    try {
      return sent(m, ready.mailer().send(ready.email()), !ready.email().attachments().isEmpty());
    } catch (RuntimeException e) {
      return failed(m, e);
    }
  }

  /**
   * Sends the mail through the mailbox's {@link OutgoingMailer#sendAsync}, so that queued mail rides
   * the same connections, many mails in flight on each, as a burst of direct sends. The future
   * completes with the outcome, never exceptionally but for a bug.
   */
  CompletableFuture<Outcome> start(JdbcStore.Claimed m) {
    Ready r = ready(m);
    if (!(r instanceof Sendable ready)) {
      return CompletableFuture.completedFuture(((Done) r).outcome());
    }
    boolean hasContent = !ready.email().attachments().isEmpty();
    return ready.mailer().sendAsync(ready.email()).handle((result, failure) -> result != null
        ? sent(m, result, hasContent)
        : failed(m, failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure));
  }

  private Ready ready(JdbcStore.Claimed m) {
    long now = clock.millis();
    if (now > m.expiresAt()) {
      return new Done(Outcome.finished(m, now, OutboxState.EXPIRED, "not delivered within the outbox's maximum age",
          m.recipients()));
    }
    OutgoingMailer mailer;
    try {
      mailer = registry.get().outgoing(m.mailboxId());
    } catch (MailboxConfigException e) {
      return new Done(
          Outcome.finished(m, now, OutboxState.FAILED, "mailbox '" + m.mailboxId() + "' can no longer send: "
              + e.getMessage(), m.recipients()));
    }
    try {
      return new Sendable(mailer, email(m));
    } catch (RuntimeException e) {
      return new Done(
          Outcome.finished(m, now, OutboxState.FAILED, "the stored mail cannot be rebuilt: " + e.getMessage(),
              m.recipients()));
    }
  }

  private Email email(JdbcStore.Claimed m) {
    EmailCodec.StoredEmail s = EmailCodec.decode(m.payload());
    List<Attachment> attachments = new ArrayList<>(s.attachments().size());
    for (int i = 0; i < s.attachments().size(); i++) {
      EmailCodec.StoredAttachment a = s.attachments().get(i);
      int part = i;
      attachments.add(Attachment.of(a.filename(), a.contentType(), a.size() < 0 ? 0 : a.size(),
          () -> store.openContent(m.id(), part)));
    }
    return EmailCodec.rebuild(s, m.messageId(), m.recipients().allPending() ? null : m.recipients().pending(),
        attachments);
  }

  /** The server took the mail: for the recipients it deferred (4xx to RCPT), a later attempt goes to them alone. */
  private Outcome sent(JdbcStore.Claimed m, SendResult r, boolean hasContent) {
    long now = clock.millis();
    Recipients recipients = m.recipients().accept(r.acceptedRecipients()).reject(r.rejectedRecipients());
    if (r.deferredRecipients().isEmpty()) {
      String detail = r.acceptedRecipients().size() + " recipient(s) accepted"
          + (r.rejectedRecipients().isEmpty() ? "" : ", refused: " + r.rejectedRecipients());
      return Outcome.sent(m, now, recipients.pendingOnly(List.of()), detail, hasContent);
    }
    return retry(m, now, "recipients deferred by the server: " + r.deferredRecipients(), null,
        recipients.pendingOnly(r.deferredRecipients().keySet()));
  }

  private Outcome failed(JdbcStore.Claimed m, Throwable failure) {
    long now = clock.millis();
    if (failure instanceof TransportException e) {
      return failed(m, now, e);
    }
    if (failure instanceof MailboxDisabledException e) {
      return retry(m, now, e.getMessage() + "; the mail waits until it is enabled", null, m.recipients());
    }
    if (failure instanceof RecipientsBlockedException e) {
      return Outcome.finished(m, now, OutboxState.FAILED, e.getMessage(), m.recipients());
    }
    if (failure instanceof OAuthException e) {
      return e.isTransient() ? retry(m, now, e.getMessage(), null, m.recipients())
          : Outcome.finished(m, now, OutboxState.FAILED, e.getMessage(), m.recipients());
    }
    if (failure instanceof MailException e) {
      return retry(m, now, e.getMessage(), null, m.recipients());
    }
    LOG.warn("outbox mail {}: attempt {} failed unexpectedly", m.id(), m.attempt(), failure);
    return retry(m, now, "unexpected failure: " + failure, null, m.recipients());
  }

  /** By the failure's kind: unknown outcome (policy), transient (retry, deferred recipients alone), permanent (failed). */
  private Outcome failed(JdbcStore.Claimed m, long now, TransportException e) {
    String reply = e.serverReply().map(r -> " (server: " + r + ")").orElse("");
    return switch (e.kind()) {
      case OUTCOME_UNKNOWN -> unknownPolicy == OutcomeUnknownPolicy.MARK_UNKNOWN
          ? Outcome.finished(m, now, OutboxState.UNKNOWN, "outcome unknown: " + e.getMessage() + reply
              + "; not sent again (policy MARK_UNKNOWN)", m.recipients())
          : retry(m, now, "outcome unknown: " + e.getMessage() + reply + "; sending again with the same Message-ID",
              null, m.recipients());
      case TRANSIENT -> retry(m, now, e.getMessage() + reply, e.retryAfter().orElse(null),
          e.rejectedRecipients().isEmpty() ? m.recipients()
              : m.recipients().pendingOnly(e.rejectedRecipients().keySet()));
      case PERMANENT -> Outcome.finished(m, now, OutboxState.FAILED, e.getMessage() + reply,
          m.recipients().reject(new LinkedHashMap<>(e.rejectedRecipients())));
    };
  }

  /** A transient failure: deferred with backoff, or expired when the next attempt would come after the maximum age. */
  private Outcome retry(JdbcStore.Claimed m, long now, @Nullable String error, @Nullable Duration retryAfter,
      Recipients recipients) {
    long next = now + backoff.delayMillis(m.attempt(), retryAfter);
    if (next > m.expiresAt()) {
      return Outcome.finished(m, now, OutboxState.EXPIRED, "expired after " + m.attempt()
          + " attempt(s) within the outbox's maximum age; last error: " + error, recipients);
    }
    return Outcome.deferred(m, now, next, error, recipients);
  }

}
