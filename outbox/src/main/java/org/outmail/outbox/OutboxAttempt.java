package org.outmail.outbox;

import java.time.Instant;
import java.util.Optional;

/**
 * One attempt to send a mail, as recorded.
 *
 * @param number 1 for the first attempt
 * @param node the node that made it
 * @param startedAt when it was claimed
 * @param finishedAt when its outcome was recorded; empty while it runs (or if its node died)
 * @param outcome {@code SENT}, {@code DEFERRED}, {@code FAILED}, {@code EXPIRED}, {@code UNKNOWN}; empty while it runs
 * @param detail the error, or the server's reply
 */
public record OutboxAttempt(int number, String node, Instant startedAt, Optional<Instant> finishedAt,
    Optional<String> outcome, Optional<String> detail) {}
