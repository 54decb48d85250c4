package org.outmail.outbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A mail in the outbox, as last stored.
 *
 * @param id the id {@link Outbox#enqueue} returned
 * @param mailboxId the mailbox it is sent through
 * @param idempotencyKey the key it was enqueued with, if any
 * @param messageId the Message-ID every attempt sends
 * @param subject the subject as sent, tag included
 * @param state where it is
 * @param createdAt when it was enqueued
 * @param nextAttemptAt when it is due (QUEUED, DEFERRED) or its lease ends (SENDING); empty once finished
 * @param expiresAt when a mail still failing transiently expires
 * @param attempts attempts so far
 * @param lastError the last attempt's error, if it failed
 * @param finishedAt when it reached a final state
 * @param acceptedRecipients recipients the server accepted, over all attempts
 * @param rejectedRecipients recipients the server refused for good, with its reply
 * @param pendingRecipients recipients still to send to when an earlier attempt reached only some; empty when all are
 * @param priority the priority it was enqueued with
 */
public record OutboxEntry(long id, String mailboxId, Optional<String> idempotencyKey, String messageId, String subject,
    OutboxState state, Instant createdAt, Optional<Instant> nextAttemptAt, Instant expiresAt, int attempts,
    Optional<String> lastError, Optional<Instant> finishedAt, List<String> acceptedRecipients,
    Map<String, String> rejectedRecipients, List<String> pendingRecipients, Priority priority) {}
