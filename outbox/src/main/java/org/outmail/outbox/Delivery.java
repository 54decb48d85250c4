package org.outmail.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
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
 * current {@link OutgoingMailer} (so hooks run there) and turns what happened into the outcome to
 * store.
 */
final class Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  private final Supplier<MailboxRegistry> registry;
  private final JdbcStore store;
  private final Clock clock;
  private final Backoff backoff;
  private final OutcomeUnknownPolicy unknownPolicy;

  Delivery(Supplier<MailboxRegistry> registry, JdbcStore store, Clock clock, Backoff backoff, OutcomeUnknownPolicy unknownPolicy) {
    this.registry = registry;
    this.store = store;
    this.clock = clock;
    this.backoff = backoff;
    this.unknownPolicy = unknownPolicy;
  }

  JdbcStore.Outcome attempt(JdbcStore.Claimed m) {
    long now = clock.millis();
    if (m.previous() == OutboxState.SENDING && unknownPolicy == OutcomeUnknownPolicy.MARK_UNKNOWN) {
      return finish(m, now, OutboxState.UNKNOWN, "outcome unknown: the node sending it stopped before recording "
          + "whether the server took it (its lease ended); not sent again (policy MARK_UNKNOWN)");
    }
    if (now > m.expiresAt()) {
      return finish(m, now, OutboxState.EXPIRED, "not delivered within the outbox's maximum age");
    }
    OutgoingMailer mailer;
    try {
      mailer = registry.get().outgoing(m.mailboxId());
    } catch (MailboxConfigException e) {
      return finish(m, now, OutboxState.FAILED, "mailbox '" + m.mailboxId() + "' can no longer send: " + e.getMessage());
    }
    Email email;
    try {
      email = email(m);
    } catch (RuntimeException e) {
      return finish(m, now, OutboxState.FAILED, "the stored mail cannot be rebuilt: " + e.getMessage());
    }
    try {
      return sent(m, clock.millis(), mailer.send(email), !email.attachments().isEmpty());
    } catch (MailboxDisabledException e) {
      return retry(m, clock.millis(), e.getMessage() + "; the mail waits until it is enabled", null, m.pending(), m.rejected());
    } catch (RecipientsBlockedException e) {
      return finish(m, clock.millis(), OutboxState.FAILED, e.getMessage());
    } catch (TransportException e) {
      return failed(m, clock.millis(), e);
    } catch (OAuthException e) {
      return e.isTransient() ? retry(m, clock.millis(), e.getMessage(), null, m.pending(), m.rejected())
          : finish(m, clock.millis(), OutboxState.FAILED, e.getMessage());
    } catch (MailException e) {
      return retry(m, clock.millis(), e.getMessage(), null, m.pending(), m.rejected());
    } catch (RuntimeException e) {
      LOG.warn("outbox mail {}: attempt {} failed unexpectedly", m.id(), m.attempt(), e);
      return retry(m, clock.millis(), "unexpected failure: " + e, null, m.pending(), m.rejected());
    }
  }

  /** A claimed mail no worker tried (the outbox is closing): due again at once, as it was. */
  JdbcStore.Outcome giveBack(JdbcStore.Claimed m, long now) {
    OutboxState state = m.previous() == OutboxState.DEFERRED ? OutboxState.DEFERRED : OutboxState.QUEUED;
    return new JdbcStore.Outcome(m.id(), m.attempt(), state, now, null, now, m.pending(), m.accepted(), m.rejected(),
        "given back untried: the outbox of this node was closed", false);
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
    List<String> pending = m.pending() == null ? null : EmailCodec.splitAddresses(m.pending());
    return EmailCodec.rebuild(s, m.messageId(), pending, attachments);
  }

  private JdbcStore.Outcome sent(JdbcStore.Claimed m, long now, SendResult r, boolean hasContent) {
    Set<String> accepted = new LinkedHashSet<>(EmailCodec.splitAddresses(m.accepted()));
    accepted.addAll(r.acceptedRecipients());
    Map<String, String> rejected = EmailCodec.splitReplies(m.rejected());
    Map<String, String> deferredReplies = new LinkedHashMap<>(r.deferredRecipients());
    r.rejectedRecipients().forEach((address, reply) -> {
      if (reply != null && reply.startsWith("4")) {
        deferredReplies.put(address, reply);
      } else {
        rejected.put(address, reply);
      }
    });
    List<String> deferred = new ArrayList<>(deferredReplies.keySet());
    String acceptedText = EmailCodec.joinAddresses(accepted);
    if (deferred.isEmpty()) {
      String detail = r.acceptedRecipients().size() + " recipient(s) accepted"
          + (r.rejectedRecipients().isEmpty() ? "" : ", refused: " + r.rejectedRecipients());
      return new JdbcStore.Outcome(m.id(), m.attempt(), OutboxState.SENT, null, null, now, null, acceptedText,
          EmailCodec.joinReplies(rejected), detail, hasContent);
    }
    String error = "recipients deferred by the server: " + deferredReplies;
    return retry(m, now, error, null, EmailCodec.joinAddresses(deferred), acceptedText, EmailCodec.joinReplies(rejected));
  }

  private JdbcStore.Outcome failed(JdbcStore.Claimed m, long now, TransportException e) {
    String reply = e.serverReply().map(r -> " (server: " + r + ")").orElse("");
    if (e.isOutcomeUnknown()) {
      if (unknownPolicy == OutcomeUnknownPolicy.MARK_UNKNOWN) {
        return finish(m, now, OutboxState.UNKNOWN, "outcome unknown: " + e.getMessage() + reply
            + "; not sent again (policy MARK_UNKNOWN)");
      }
      return retry(m, now, "outcome unknown: " + e.getMessage() + reply + "; sending again with the same Message-ID",
          null, m.pending(), m.rejected());
    }
    Map<String, String> rejected = EmailCodec.splitReplies(m.rejected());
    List<String> deferred = new ArrayList<>();
    e.rejectedRecipients().forEach((address, r) -> {
      if (r != null && r.startsWith("4")) {
        deferred.add(address);
      } else {
        rejected.put(address, r);
      }
    });
    if (e.isTransient()) {
      String pending = deferred.isEmpty() ? m.pending() : EmailCodec.joinAddresses(deferred);
      return retry(m, now, e.getMessage() + reply, e.retryAfter().orElse(null), pending, m.accepted(),
          EmailCodec.joinReplies(rejected));
    }
    return new JdbcStore.Outcome(m.id(), m.attempt(), OutboxState.FAILED, null, e.getMessage() + reply, now, m.pending(),
        m.accepted(), EmailCodec.joinReplies(rejected), e.getMessage() + reply, false);
  }

  private JdbcStore.Outcome retry(JdbcStore.Claimed m, long now, String error, Duration retryAfter, String pending, String rejected) {
    return retry(m, now, error, retryAfter, pending, m.accepted(), rejected);
  }

  /** A transient failure: deferred with backoff, or expired when the next attempt would come after the maximum age. */
  private JdbcStore.Outcome retry(JdbcStore.Claimed m, long now, String error, Duration retryAfter, String pending,
      String accepted, String rejected) {
    long next = now + backoff.delayMillis(m.attempt(), retryAfter);
    if (next > m.expiresAt()) {
      String expired = "expired after " + m.attempt() + " attempt(s) within the outbox's maximum age; last error: " + error;
      return new JdbcStore.Outcome(m.id(), m.attempt(), OutboxState.EXPIRED, null, expired, now, pending, accepted, rejected, error, false);
    }
    return new JdbcStore.Outcome(m.id(), m.attempt(), OutboxState.DEFERRED, next, error, now, pending, accepted, rejected, error, false);
  }

  private static JdbcStore.Outcome finish(JdbcStore.Claimed m, long now, OutboxState state, String error) {
    return new JdbcStore.Outcome(m.id(), m.attempt(), state, null, error, now, m.pending(), m.accepted(), m.rejected(), error, false);
  }
}
