/**
 * A durable outbox for outmail: {@code outbox.enqueue(registry.defaultOutgoing(), email)} accepts a
 * mail once it is on disk (or committed in PostgreSQL), and delivery workers send it through the
 * same mailer, across server outages, throttling, restarts and several nodes. Start with {@link
 * org.outmail.outbox.Outbox#builder()}.
 */
@NullMarked
package org.outmail.outbox;

import org.jspecify.annotations.NullMarked;
