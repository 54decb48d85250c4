package org.outmail.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.outmail.Attachment;

/**
 * Every statement the outbox runs, the same for H2 and PostgreSQL but for {@link Dialect}. Mails
 * are claimed through the index on {@code (mailbox_id, due_at)}, read in its order, so a claim
 * never scans the backlog: on PostgreSQL with {@code SELECT ... FOR UPDATE SKIP LOCKED}; on H2
 * (whose {@code FOR UPDATE} reads every matching row before the limit) by an update that checks the
 * mail is still due and unchanged. A claimed mail's {@code due_at} is the end of its lease.
 */
final class JdbcStore implements AutoCloseable {
  static final int CHUNK = 256 * 1024;
  private static final String ENTRY_COLUMNS = "id, mailbox_id, idempotency_key, message_id, subject, state, due_at, "
      + "created_at, expires_at, attempts, last_error, finished_at, accepted_recipients, rejected_recipients, pending_recipients";

  private final DataSource dataSource;
  private final Dialect dialect;
  private final GroupSync sync;
  private final GroupSync claimSync;
  private final AutoCloseable onClose;
  private final String description;
  private final Set<String> knownMailboxes = ConcurrentHashMap.newKeySet();

  /**
   * @param sync the embedded store's group commit for what must survive a power cut (enqueues,
   *     outcomes); null for a database whose commit is durable
   * @param claimSync the embedded store's group commit for claims, which need only survive the
   *     process (so that a mail being sent at a crash is found SENDING, not QUEUED, after it)
   */
  JdbcStore(DataSource dataSource, Dialect dialect, GroupSync sync, GroupSync claimSync, AutoCloseable onClose,
      String description) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.sync = sync;
    this.claimSync = claimSync;
    this.onClose = onClose;
    this.description = description;
  }

  Dialect dialect() {
    return dialect;
  }

  boolean embedded() {
    return sync != null;
  }

  String description() {
    return description;
  }

  Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** Commits, and on the embedded store waits until the commit is on disk. */
  void commitDurably(Connection c) throws SQLException {
    c.commit();
    if (sync != null) {
      sync.await();
    }
  }

  // ---- enqueue

  /** A mail to store. */
  record NewMail(String mailboxId, String idempotencyKey, String messageId, String subject, byte[] payload,
      List<Attachment> attachments, long now, long expiresAt) {}

  /** Stores the mail in the connection's transaction (not committed); its id, or the existing one for a taken key. */
  long insert(Connection c, NewMail m) throws SQLException {
    if (!knownMailboxes.contains(m.mailboxId())) {
      try (PreparedStatement p = c.prepareStatement(dialect.ensureMailbox())) {
        p.setString(1, m.mailboxId());
        p.executeUpdate();
      }
    }
    Long id;
    try (PreparedStatement p = dialect.prepareInsert(c)) {
      p.setString(1, m.mailboxId());
      p.setString(2, m.idempotencyKey());
      p.setString(3, m.messageId());
      p.setString(4, m.subject());
      p.setLong(5, m.now());
      p.setLong(6, m.now());
      p.setLong(7, m.expiresAt());
      p.setBytes(8, m.payload());
      id = dialect.executeInsert(p);
    }
    if (id == null) {
      try (PreparedStatement p = c.prepareStatement("SELECT id FROM outmail_outbox WHERE idempotency_key = ?")) {
        p.setString(1, m.idempotencyKey());
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            throw new OutboxException("idempotency key '" + m.idempotencyKey() + "' is taken by a mail not visible yet");
          }
          return rs.getLong(1);
        }
      }
    }
    for (int part = 0; part < m.attachments().size(); part++) {
      storeContent(c, id, part, m.attachments().get(part));
    }
    return id;
  }

  void rememberMailbox(String mailboxId) {
    knownMailboxes.add(mailboxId);
  }

  /** Copies an attachment's content into chunks, a chunk at a time. */
  private static void storeContent(Connection c, long id, int part, Attachment a) throws SQLException {
    try (InputStream in = a.open();
        PreparedStatement p = c.prepareStatement("INSERT INTO outmail_outbox_part (mail_id, part, seq, data) VALUES (?, ?, ?, ?)")) {
      byte[] buffer = new byte[CHUNK];
      int seq = 0;
      while (true) {
        int n = in.readNBytes(buffer, 0, CHUNK);
        if (n == 0 && seq > 0) {
          break;
        }
        p.setLong(1, id);
        p.setInt(2, part);
        p.setInt(3, seq++);
        p.setBytes(4, n == CHUNK ? buffer : java.util.Arrays.copyOf(buffer, n));
        p.executeUpdate();
        if (n < CHUNK) {
          break;
        }
      }
    } catch (IOException e) {
      throw new OutboxException("attachment " + a.filename() + " could not be read: " + e.getMessage(), e);
    }
  }

  /** The stored content of an attachment, read a chunk at a time. */
  InputStream openContent(long mailId, int part) {
    return new PartStream(this, mailId, part);
  }

  byte[] chunk(long mailId, int part, int seq) throws SQLException {
    try (Connection c = connection();
        PreparedStatement p = c.prepareStatement("SELECT data FROM outmail_outbox_part WHERE mail_id = ? AND part = ? AND seq = ?")) {
      p.setLong(1, mailId);
      p.setInt(2, part);
      p.setInt(3, seq);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  // ---- claim

  /** A claimed mail: what a worker needs to send it. */
  record Claimed(long id, String mailboxId, String messageId, int attempt, OutboxState previous, long createdAt,
      long expiresAt, byte[] payload, String pending, String accepted, String rejected) {}

  /** What a claim got, and until when the mailbox is at its rate limit (0 if it is not). */
  record Claim(List<Claimed> mails, long throttledUntil) {}

  /**
   * Claims up to {@code max} due mails of the mailbox for the node, within the rate limits: each
   * becomes SENDING with a lease until {@code leaseUntil}, and gets an attempt row.
   */
  Claim claim(String mailboxId, int max, long now, long leaseUntil, String node, List<RateLimit> limits) throws SQLException {
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try {
        long throttledUntil = 0;
        int allowed = max;
        if (!limits.isEmpty()) {
          lockMailbox(c, mailboxId);
          for (RateLimit limit : limits) {
            long windowStart = now - limit.period().toMillis();
            int used = countAttempts(c, mailboxId, windowStart);
            int free = limit.permits() - used;
            if (free <= 0) {
              throttledUntil = Math.max(throttledUntil, freedAt(c, mailboxId, windowStart, limit));
            }
            allowed = Math.min(allowed, Math.max(0, free));
          }
          if (allowed == 0) {
            c.rollback();
            return new Claim(List.of(), throttledUntil);
          }
        }
        List<Claimed> candidates = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, message_id, attempts, state, created_at, expires_at, "
            + "payload, pending_recipients, accepted_recipients, rejected_recipients FROM outmail_outbox "
            + "WHERE mailbox_id = ? AND due_at <= ? ORDER BY mailbox_id, due_at FETCH FIRST ? ROWS ONLY" + dialect.skipLocked())) {
          p.setString(1, mailboxId);
          p.setLong(2, now);
          p.setInt(3, allowed);
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              candidates.add(new Claimed(rs.getLong(1), mailboxId, rs.getString(2), rs.getInt(3) + 1,
                  OutboxState.valueOf(rs.getString(4)), rs.getLong(5), rs.getLong(6), rs.getBytes(7), rs.getString(8),
                  rs.getString(9), rs.getString(10)));
            }
          }
        }
        if (candidates.isEmpty()) {
          c.rollback();
          return new Claim(List.of(), 0);
        }
        List<Claimed> claimed = new ArrayList<>(candidates.size());
        // the update checks again that the mail is due and unchanged: H2 reads without row locks
        try (PreparedStatement update = c.prepareStatement("UPDATE outmail_outbox SET state = 'SENDING', due_at = ?, "
            + "attempts = ?, claimed_by = ? WHERE id = ? AND attempts = ? AND due_at <= ?")) {
          for (Claimed m : candidates) {
            update.setLong(1, leaseUntil);
            update.setInt(2, m.attempt());
            update.setString(3, node);
            update.setLong(4, m.id());
            update.setInt(5, m.attempt() - 1);
            update.setLong(6, now);
            update.addBatch();
          }
          int[] counts = update.executeBatch();
          for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
              claimed.add(candidates.get(i));
            }
          }
        }
        if (claimed.isEmpty()) {
          c.rollback();
          return new Claim(List.of(), 0);
        }
        try (PreparedStatement lost = c.prepareStatement("UPDATE outmail_outbox_attempt SET finished_at = ?, outcome = 'UNKNOWN', "
                + "detail = ? WHERE mail_id = ? AND attempt = ? AND outcome IS NULL");
            PreparedStatement attempt = c.prepareStatement(
                "INSERT INTO outmail_outbox_attempt (mail_id, attempt, mailbox_id, node, started_at) VALUES (?, ?, ?, ?, ?)")) {
          boolean anyLost = false;
          for (Claimed m : claimed) {
            if (m.previous() == OutboxState.SENDING) {
              lost.setLong(1, now);
              lost.setString(2, "the node sending it stopped before recording an outcome (its lease ended)");
              lost.setLong(3, m.id());
              lost.setInt(4, m.attempt() - 1);
              lost.addBatch();
              anyLost = true;
            }
            attempt.setLong(1, m.id());
            attempt.setInt(2, m.attempt());
            attempt.setString(3, mailboxId);
            attempt.setString(4, node);
            attempt.setLong(5, now);
            attempt.addBatch();
          }
          if (anyLost) {
            lost.executeBatch();
          }
          attempt.executeBatch();
        }
        c.commit();
        if (claimSync != null) {
          claimSync.await();
        }
        return new Claim(claimed, 0);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private void lockMailbox(Connection c, String mailboxId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT mailbox_id FROM outmail_outbox_mailbox WHERE mailbox_id = ? FOR UPDATE")) {
      p.setString(1, mailboxId);
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement p = c.prepareStatement(dialect.ensureMailbox())) {
      p.setString(1, mailboxId);
      p.executeUpdate();
    }
  }

  private static int countAttempts(Connection c, String mailboxId, long after) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT COUNT(*) FROM outmail_outbox_attempt WHERE mailbox_id = ? AND started_at > ?")) {
      p.setString(1, mailboxId);
      p.setLong(2, after);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** When the oldest of the last {@code permits} attempts leaves the window, freeing one permit. */
  private static long freedAt(Connection c, String mailboxId, long after, RateLimit limit) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT started_at FROM outmail_outbox_attempt WHERE mailbox_id = ? "
        + "AND started_at > ? ORDER BY started_at DESC OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY")) {
      p.setString(1, mailboxId);
      p.setLong(2, after);
      p.setInt(3, limit.permits() - 1);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) + limit.period().toMillis() : after + limit.period().toMillis();
      }
    }
  }

  // ---- outcomes

  /** The outcome of an attempt, to store. {@code dueAt} is null for a final state. */
  record Outcome(long id, int attempt, OutboxState state, Long dueAt, String error, long now, String pending,
      String accepted, String rejected, String attemptDetail, boolean hasContent) {}

  /**
   * Stores outcomes in one transaction, durably. An outcome whose mail is no longer held by that
   * attempt (its lease ended and another node claimed it) is not stored.
   *
   * @return for each outcome, whether it was stored
   */
  boolean[] record(List<Outcome> outcomes) throws SQLException {
    boolean[] stored = new boolean[outcomes.size()];
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement mail = c.prepareStatement("UPDATE outmail_outbox SET state = ?, due_at = ?, last_error = ?, "
              + "finished_at = ?, claimed_by = NULL, pending_recipients = ?, accepted_recipients = ?, rejected_recipients = ? "
              + "WHERE id = ? AND attempts = ? AND state = 'SENDING'");
          PreparedStatement attempt = c.prepareStatement(
              "UPDATE outmail_outbox_attempt SET finished_at = ?, outcome = ?, detail = ? WHERE mail_id = ? AND attempt = ?")) {
        for (Outcome o : outcomes) {
          mail.setString(1, o.state().name());
          setLong(mail, 2, o.dueAt());
          mail.setString(3, o.error());
          setLong(mail, 4, o.state().isFinished() ? o.now() : null);
          mail.setString(5, o.pending());
          mail.setString(6, o.accepted());
          mail.setString(7, o.rejected());
          mail.setLong(8, o.id());
          mail.setInt(9, o.attempt());
          mail.addBatch();
          attempt.setLong(1, o.now());
          attempt.setString(2, o.state().name());
          attempt.setString(3, o.attemptDetail());
          attempt.setLong(4, o.id());
          attempt.setInt(5, o.attempt());
          attempt.addBatch();
        }
        int[] counts = mail.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          stored[i] = counts[i] != 0;
        }
        attempt.executeBatch();
        commitDurably(c);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
    for (int i = 0; i < outcomes.size(); i++) {
      if (stored[i] && outcomes.get(i).state() == OutboxState.SENT && outcomes.get(i).hasContent()) {
        deleteContent(outcomes.get(i).id());
      }
    }
    return stored;
  }

  /**
   * Deletes a mail's attachment content a chunk per transaction, so that a 100 MB attachment never
   * sits in one transaction's undo log. Content left behind by a crash is deleted with the mail.
   */
  void deleteContent(long mailId) throws SQLException {
    List<int[]> keys = new ArrayList<>();
    try (Connection c = connection()) {
      c.setAutoCommit(true);
      try (PreparedStatement p = c.prepareStatement("SELECT part, seq FROM outmail_outbox_part WHERE mail_id = ?")) {
        p.setLong(1, mailId);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            keys.add(new int[] {rs.getInt(1), rs.getInt(2)});
          }
        }
      }
      try (PreparedStatement p = c.prepareStatement("DELETE FROM outmail_outbox_part WHERE mail_id = ? AND part = ? AND seq = ?")) {
        for (int[] k : keys) {
          p.setLong(1, mailId);
          p.setInt(2, k[0]);
          p.setInt(3, k[1]);
          p.executeUpdate();
        }
      }
    }
  }

  /** Extends the leases of every mail the node holds. */
  int renewLeases(String node, long leaseUntil) throws SQLException {
    return update("UPDATE outmail_outbox SET due_at = ? WHERE claimed_by = ? AND state = 'SENDING'", leaseUntil, node);
  }

  /** Makes every claimed mail due now: for the embedded store on start, whose previous process is gone. */
  int releaseAll(long now) throws SQLException {
    return update("UPDATE outmail_outbox SET due_at = ? WHERE state = 'SENDING'", now);
  }

  /** Every mailbox that ever had queued mail. */
  List<String> mailboxIds() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = connection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT mailbox_id FROM outmail_outbox_mailbox ORDER BY mailbox_id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  // ---- inspection

  Optional<OutboxEntry> entry(long id) throws SQLException {
    try (Connection c = connection();
        PreparedStatement p = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM outmail_outbox WHERE id = ?")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
      }
    }
  }

  List<OutboxEntry> list(OutboxState state, long afterId, int limit) throws SQLException {
    List<OutboxEntry> out = new ArrayList<>();
    try (Connection c = connection(); PreparedStatement p = c.prepareStatement("SELECT " + ENTRY_COLUMNS
        + " FROM outmail_outbox WHERE state = ? AND id > ? ORDER BY id FETCH FIRST ? ROWS ONLY")) {
      p.setString(1, state.name());
      p.setLong(2, afterId);
      p.setInt(3, limit);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
    }
    return out;
  }

  long count(OutboxState state) throws SQLException {
    try (Connection c = connection();
        PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM outmail_outbox WHERE state = ?")) {
      p.setString(1, state.name());
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  List<OutboxAttempt> attempts(long id) throws SQLException {
    List<OutboxAttempt> out = new ArrayList<>();
    try (Connection c = connection(); PreparedStatement p = c.prepareStatement("SELECT attempt, node, started_at, "
        + "finished_at, outcome, detail FROM outmail_outbox_attempt WHERE mail_id = ? ORDER BY attempt")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new OutboxAttempt(rs.getInt(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
              instant(rs, 4), Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6))));
        }
      }
    }
    return out;
  }

  /** Makes a waiting or finished (not sent) mail due now; a finished one gets a new maximum age. */
  boolean retryNow(long id, long now, long expiresAt) throws SQLException {
    return update("UPDATE outmail_outbox SET state = CASE WHEN state = 'DEFERRED' THEN 'DEFERRED' ELSE 'QUEUED' END, "
        + "due_at = ?, finished_at = NULL, expires_at = GREATEST(expires_at, ?) "
        + "WHERE id = ? AND state IN ('QUEUED', 'DEFERRED', 'FAILED', 'EXPIRED', 'UNKNOWN', 'CANCELLED')",
        now, expiresAt, id) == 1;
  }

  /** Cancels a mail that is waiting (not one being sent or finished). */
  boolean cancel(long id, long now) throws SQLException {
    return update("UPDATE outmail_outbox SET state = 'CANCELLED', due_at = NULL, finished_at = ? "
        + "WHERE id = ? AND state IN ('QUEUED', 'DEFERRED', 'UNKNOWN')", now, id) == 1;
  }

  /** Deletes mails finished before the time, with their attempts and content. */
  int purge(long finishedBefore) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection c = connection();
        PreparedStatement p = c.prepareStatement("SELECT id FROM outmail_outbox WHERE finished_at < ?")) {
      p.setLong(1, finishedBefore);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    for (long id : ids) {
      deleteContent(id);
    }
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try {
        String finished = "SELECT id FROM outmail_outbox WHERE finished_at < ?";
        for (String table : new String[] {"outmail_outbox_part", "outmail_outbox_attempt"}) {
          try (PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " WHERE mail_id IN (" + finished + ")")) {
            p.setLong(1, finishedBefore);
            p.executeUpdate();
          }
        }
        int n;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM outmail_outbox WHERE finished_at < ?")) {
          p.setLong(1, finishedBefore);
          n = p.executeUpdate();
        }
        commitDurably(c);
        return n;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private int update(String sql, Object... args) throws SQLException {
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          if (args[i] instanceof Long l) {
            p.setLong(i + 1, l);
          } else {
            p.setString(i + 1, (String) args[i]);
          }
        }
        int n = p.executeUpdate();
        commitDurably(c);
        return n;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static OutboxEntry entry(ResultSet rs) throws SQLException {
    return new OutboxEntry(rs.getLong(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), rs.getString(4),
        rs.getString(5), OutboxState.valueOf(rs.getString(6)), Instant.ofEpochMilli(rs.getLong(8)), instant(rs, 7),
        Instant.ofEpochMilli(rs.getLong(9)), rs.getInt(10), Optional.ofNullable(rs.getString(11)), instant(rs, 12),
        EmailCodec.splitAddresses(rs.getString(13)), EmailCodec.splitReplies(rs.getString(14)),
        EmailCodec.splitAddresses(rs.getString(15)));
  }

  private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  private static void setLong(PreparedStatement p, int index, Long value) throws SQLException {
    if (value == null) {
      p.setNull(index, java.sql.Types.BIGINT);
    } else {
      p.setLong(index, value);
    }
  }

  @Override
  public void close() {
    try {
      if (sync != null) {
        sync.close();
      }
      if (claimSync != null) {
        claimSync.close();
      }
      if (onClose != null) {
        onClose.close();
      }
    } catch (Exception e) {
      throw new OutboxException("closing the outbox store " + description + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
