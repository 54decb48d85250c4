package org.outmail;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a send did: the Message-ID and subject as sent, who the server accepted, who outmail's rules
 * blocked (and why), who the server refused for good and who it still deferred when the retries
 * were used up (each with its reply), and which post-send hooks failed.
 */
public final class SendResult {
  private final String mailboxId;
  private final String messageId;
  private final String subject;
  private final List<String> acceptedRecipients;
  private final Map<String, BlockReason> blockedRecipients;
  private final Map<String, String> rejectedRecipients;
  private final Map<String, String> deferredRecipients;
  private final int attempts;
  private final List<HookFailure> hookFailures;
  private final @Nullable String server;

  SendResult(String mailboxId, String messageId, String subject, List<String> acceptedRecipients,
      Map<String, BlockReason> blockedRecipients, Map<String, String> rejectedRecipients,
      Map<String, String> deferredRecipients, int attempts, List<HookFailure> hookFailures) {
    this(mailboxId, messageId, subject, acceptedRecipients, blockedRecipients, rejectedRecipients, deferredRecipients,
        attempts, hookFailures, null);
  }

  SendResult(String mailboxId, String messageId, String subject, List<String> acceptedRecipients,
      Map<String, BlockReason> blockedRecipients, Map<String, String> rejectedRecipients,
      Map<String, String> deferredRecipients, int attempts, List<HookFailure> hookFailures, @Nullable String server) {
    this.server = server;
    this.mailboxId = Objects.requireNonNull(mailboxId, "mailboxId == null");
    this.messageId = Objects.requireNonNull(messageId, "messageId == null");
    this.subject = Objects.requireNonNull(subject, "subject == null");
    this.acceptedRecipients = List.copyOf(acceptedRecipients);
    this.blockedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(blockedRecipients));
    this.rejectedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(rejectedRecipients));
    this.deferredRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(deferredRecipients));
    this.attempts = attempts;
    this.hookFailures = List.copyOf(hookFailures);
  }

  SendResult withHookFailures(List<HookFailure> failures) {
    return new SendResult(mailboxId, messageId, subject, acceptedRecipients, blockedRecipients,
        rejectedRecipients, deferredRecipients, attempts, failures, server);
  }

  /** {@return the id of the mailbox that sent} */
  public String mailboxId() {
    return mailboxId;
  }

  /** {@return the Message-ID header sent, with angle brackets} */
  public String messageId() {
    return messageId;
  }

  /** {@return the subject as sent, with the mailbox's tag: {@code [TICKET#4711] Printer jammed}} */
  public String subject() {
    return subject;
  }

  /** {@return the recipients the server accepted, addresses as sent (To, Cc and Bcc)} */
  public List<String> acceptedRecipients() {
    return acceptedRecipients;
  }

  /** {@return the recipients outmail did not send to, with the rule that blocked each} */
  public Map<String, BlockReason> blockedRecipients() {
    return blockedRecipients;
  }

  /**
   * {@return the recipients the server refused for good (SMTP {@code 5xx}) while accepting others,
   * with its reply for each; never retried}
   */
  public Map<String, String> rejectedRecipients() {
    return rejectedRecipients;
  }

  /**
   * The recipients the server still refused for now (SMTP {@code 4xx} at {@code RCPT TO}, such as
   * {@code 450}, {@code 451} or {@code 452}) when the mailbox's {@link RetryPolicy} was used up,
   * with its last reply for each. The mail did not reach them; sending it to them later, with the
   * same Message-ID, may succeed. Empty when every recipient was accepted, blocked or rejected.
   *
   * <p>Within one send, outmail retries deferred recipients alone (never the recipients that have
   * the mail) as often as the retry policy allows; only what is left is listed here.
   *
   * @return the deferred recipients, address → the server's last reply, in the order sent
   */
  public Map<String, String> deferredRecipients() {
    return deferredRecipients;
  }

  /**
   * {@return how many transport attempts the send took: 1 unless a transient failure or deferred
   * recipients were retried}
   */
  public int attempts() {
    return attempts;
  }

  /** {@return the post-send hooks that threw; the mail was sent regardless} */
  public List<HookFailure> hookFailures() {
    return hookFailures;
  }

  /**
   * {@return the server that took the mail, as {@code host:port}, when the mailbox's transport
   * says: an {@code smtp} mailbox with several servers names the one used} Never holds a credential.
   */
  public java.util.Optional<String> server() {
    return java.util.Optional.ofNullable(server);
  }

  @Override
  public String toString() {
    return "SendResult{mailbox=" + mailboxId + ", messageId=" + messageId + ", subject=" + subject
        + ", accepted=" + acceptedRecipients + ", blocked=" + blockedRecipients
        + (rejectedRecipients.isEmpty() ? "" : ", rejected=" + rejectedRecipients.keySet())
        + (deferredRecipients.isEmpty() ? "" : ", deferred=" + deferredRecipients.keySet())
        + ", attempts=" + attempts + (server == null ? "" : ", server=" + server)
        + (hookFailures.isEmpty() ? "" : ", hookFailures=" + hookFailures.size()) + "}";
  }
}
