package org.outmail.spring;

import java.sql.Connection;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.outmail.Email;
import org.outmail.OutgoingMailer;
import org.outmail.outbox.Outbox;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Enqueues in Spring's transaction: inside a {@code @Transactional} method, the mail is inserted
 * through the connection Spring holds for the application's {@link DataSource}, so it is queued if
 * and only if that transaction commits (a rolled-back ticket update sends nothing; a committed one
 * always sends). Outside a transaction it is queued at once, with the outbox's own commit.
 *
 * <pre>{@code
 * @Transactional
 * public void comment(long ticketId, String text) {
 *   tickets.addComment(ticketId, text);                     // same DataSource, same transaction
 *   outbox.enqueue(registry.forRecord(null), email, "ticket-" + ticketId + "-comment-" + n);
 * }
 * }</pre>
 *
 * <p>Propagation is Spring's: under {@code REQUIRES_NEW} the mail commits with the inner
 * transaction; under {@code NESTED} it is undone with the savepoint. The workers find a mail
 * enqueued in a transaction at their next poll after the commit ({@code outmail.outbox.poll-interval},
 * 1 s). Made when {@code outmail.outbox.store=jdbc}; the outbox must be on the DataSource that the
 * transaction manager uses.
 */
public final class TransactionalOutbox {
  private final Outbox outbox;
  private final DataSource dataSource;

  TransactionalOutbox(Outbox outbox, DataSource dataSource) {
    this.outbox = Objects.requireNonNull(outbox, "outbox == null");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource == null");
  }

  /**
   * Like {@link #enqueue(OutgoingMailer, Email, String)} without an idempotency key.
   *
   * @param mailer the mailbox to send through
   * @param email the mail
   * @return the mail's id (valid once the transaction commits)
   */
  public long enqueue(OutgoingMailer mailer, Email email) {
    return enqueue(mailer, email, null);
  }

  /**
   * Checks the mail as {@link OutgoingMailer#send} would and queues it in the current transaction,
   * or at once when there is none.
   *
   * @param mailer the mailbox to send through
   * @param email the mail
   * @param idempotencyKey e.g. {@code "ticket-4711-comment-9"}: a second mail with the key is not
   *     queued; null for none
   * @return the mail's id (valid once the transaction commits)
   * @throws org.outmail.MailException for bad input, as {@link Outbox#enqueue(OutgoingMailer, Email,
   *     String)}: the exception rolls the transaction back unless the caller catches it
   */
  public long enqueue(OutgoingMailer mailer, Email email, @Nullable String idempotencyKey) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      return outbox.enqueue(mailer, email, idempotencyKey);
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      return outbox.enqueue(connection, mailer, email, idempotencyKey);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  /** {@return the outbox, for status, lists, retries and enqueues of its own} */
  public Outbox outbox() {
    return outbox;
  }

  @Override
  public String toString() {
    return "TransactionalOutbox{" + outbox + "}";
  }
}
