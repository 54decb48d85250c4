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
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;

/**
 * Every statement the outbox runs, the same for SQLite and PostgreSQL but for {@link Dialect}.
 * Writes go through {@link Writes} (one writer thread and group commit on SQLite, a transaction per
 * call on PostgreSQL), reads through their own connections.
 *
 * <p>Mails are claimed through the index on {@code (mailbox_id, priority, due_at)}, one priority
 * after the other, read in due order, so a claim never scans the backlog; on PostgreSQL with {@code
 * SELECT ... FOR UPDATE SKIP LOCKED}. A claimed mail's {@code due_at} is the end of its lease.
 *
 * <p><b>Lock order.</b> Every statement that changes several mails (lease renewal, outcomes, the
 * look for ended leases) changes them in id order, and a claim only touches rows it locked while
 * skipping locked ones, so two nodes (or a node's heartbeat and its recorder) never wait for each
 * other in a circle: no deadlock, no outcome lost to one.
 */
final class JdbcStore implements AutoCloseable {
  static final int CHUNK = 256 * 1024;
  private static final String ENTRY_COLUMNS = "id, mailbox_id, idempotency_key, message_id, subject, state, due_at, "
      + "created_at, expires_at, attempts, last_error, finished_at, accepted_recipients, rejected_recipients, "
      + "pending_recipients, priority";
  private static final String INSERT = "INSERT INTO outmail_outbox (mailbox_id, idempotency_key, message_id, subject, "
      + "state, priority, due_at, created_at, expires_at, attempts, payload) VALUES (?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, 0, ?) "
      + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
  /** On PostgreSQL the mail and its search terms go in one statement: one round trip, as before the terms. */
  private static final String INSERT_WITH_TERMS = "WITH m AS (" + INSERT + "), t AS (INSERT INTO outmail_outbox_term "
      + "(term, mail_id) SELECT x, m.id FROM m CROSS JOIN unnest(CAST(? AS text[])) AS x ON CONFLICT DO NOTHING) "
      + "SELECT id FROM m";

  /** Opens a connection for reading. */
  interface Reads {
    Connection get() throws SQLException;
  }

  private final Writes writes;
  private final Reads reads;
  private final Dialect dialect;
  private final boolean embedded;
  private final @Nullable AutoCloseable onClose;
  private final String description;
  private final Set<String> knownMailboxes = ConcurrentHashMap.newKeySet();

  JdbcStore(Writes writes, Reads reads, Dialect dialect, boolean embedded, @Nullable AutoCloseable onClose,
      String description) {
    this.writes = writes;
    this.reads = reads;
    this.dialect = dialect;
    this.embedded = embedded;
    this.onClose = onClose;
    this.description = description;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Whether this is the embedded store, which one process owns (not the host's database, even a SQLite one). */
  boolean embedded() {
    return embedded;
  }

  String description() {
    return description;
  }

  /** {@return how many transactions the store committed: on the embedded store, one fsync each} */
  long commits() {
    return writes.commits();
  }

  // ---- enqueue

  /** A mail to store, with the terms a search finds it by ({@link SearchTerms}). */
  record NewMail(String mailboxId, @Nullable String idempotencyKey, String messageId, String subject, Priority priority,
      byte[] payload, List<Attachment> attachments, long now, long expiresAt, List<String> terms) {}

  /** Stores the mails in one durable transaction; their ids, in order (the existing id for a taken key). */
  long[] enqueue(List<NewMail> mails) throws SQLException {
    long[] ids;
    if (dialect == Dialect.POSTGRESQL && mails.size() == 1 && mails.get(0).attachments().isEmpty()) {
      // one statement, committed by itself: one round trip instead of two (the mailbox row may
      // commit alone, which is harmless: it only lists the mailbox)
      try (Connection c = reads.get()) {
        c.setAutoCommit(true);
        try (Inserts inserts = new Inserts(c)) {
          ids = new long[] {inserts.insert(mails.get(0))};
        }
      }
    } else {
      ids = writes.write(c -> {
        long[] out = new long[mails.size()];
        try (Inserts inserts = new Inserts(c)) {
          for (int i = 0; i < out.length; i++) {
            out[i] = inserts.insert(mails.get(i));
          }
        }
        return out;
      });
    }
    mails.forEach(m -> knownMailboxes.add(m.mailboxId()));
    return ids;
  }

  /** Stores the mail in the connection's transaction (not committed); its id, or the existing one for a taken key. */
  long insert(Connection c, NewMail m) throws SQLException {
    try (Inserts inserts = new Inserts(c)) {
      return inserts.insert(m);
    }
  }

  /** The statements that store mails, prepared once for every mail of one write. */
  private final class Inserts implements AutoCloseable {
    private final Connection c;
    private final PreparedStatement insert;
    private @Nullable PreparedStatement mailbox;
    private @Nullable PreparedStatement taken;
    private @Nullable PreparedStatement term;

    Inserts(Connection c) throws SQLException {
      this.c = c;
      this.insert = c.prepareStatement(dialect == Dialect.POSTGRESQL ? INSERT_WITH_TERMS : INSERT);
    }

    long insert(NewMail m) throws SQLException {
      if (!knownMailboxes.contains(m.mailboxId())) {
        if (mailbox == null) {
          mailbox = c
              .prepareStatement("INSERT INTO outmail_outbox_mailbox (mailbox_id) VALUES (?) ON CONFLICT DO NOTHING");
        }
        mailbox.setString(1, m.mailboxId());
        mailbox.executeUpdate();
      }
      Long id = null;
      insert.setString(1, m.mailboxId());
      insert.setString(2, m.idempotencyKey());
      insert.setString(3, m.messageId());
      insert.setString(4, m.subject());
      insert.setInt(5, m.priority().rank());
      insert.setLong(6, m.now());
      insert.setLong(7, m.now());
      insert.setLong(8, m.expiresAt());
      insert.setBytes(9, m.payload());
      if (dialect == Dialect.POSTGRESQL) {
        insert.setArray(10, c.createArrayOf("text", m.terms().toArray()));
      }
      try (ResultSet rs = insert.executeQuery()) {
        if (rs.next()) {
          id = rs.getLong(1);
        }
      }
      if (id == null) {
        if (taken == null) {
          taken = c.prepareStatement("SELECT id FROM outmail_outbox WHERE idempotency_key = ?");
        }
        taken.setString(1, m.idempotencyKey());
        try (ResultSet rs = taken.executeQuery()) {
          if (!rs.next()) {
            throw new OutboxException(
                "idempotency key '" + m.idempotencyKey() + "' is taken by a mail not visible yet");
          }
          return rs.getLong(1);
        }
      }
      for (int part = 0; part < m.attachments().size(); part++) {
        storeContent(c, id, part, m.attachments().get(part));
      }
      if (dialect != Dialect.POSTGRESQL && !m.terms().isEmpty()) {
        if (term == null) {
          term = c
              .prepareStatement("INSERT INTO outmail_outbox_term (term, mail_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
        }
        for (String t : m.terms()) {
          term.setString(1, t);
          term.setLong(2, id);
          term.addBatch();
        }
        term.executeBatch();
      }
      return id;
    }

    @Override
    public void close() throws SQLException {
      insert.close();
      if (mailbox != null) {
        mailbox.close();
      }
      if (taken != null) {
        taken.close();
      }
      if (term != null) {
        term.close();
      }
    }
  }

  /** Copies an attachment's content into chunks, a chunk at a time. */
  private static void storeContent(Connection c, long id, int part, Attachment a) throws SQLException {
    try (InputStream in = a.open();
        PreparedStatement p = c
            .prepareStatement("INSERT INTO outmail_outbox_part (mail_id, part, seq, data) VALUES (?, ?, ?, ?)")) {
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

  byte @Nullable [] chunk(long mailId, int part, int seq) throws SQLException {
    try (Connection c = reads.get();
        PreparedStatement p = c
            .prepareStatement("SELECT data FROM outmail_outbox_part WHERE mail_id = ? AND part = ? AND seq = ?")) {
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
      long expiresAt, byte[] payload, Recipients recipients) {}

  /** What a claim got, and until when the mailbox is at its rate limit (0 if it is not). */
  record Claim(List<Claimed> mails, long throttledUntil) {}

  /**
   * Claims up to {@code max} due mails of the mailbox for the node, urgent first, within the rate
   * limits: each becomes SENDING with a lease until {@code leaseUntil}, and gets an attempt row.
   */
  Claim claim(String mailboxId, int max, long now, long leaseUntil, String node, List<RateLimit> limits)
      throws SQLException {
    return claim(mailboxId, max, now, () -> leaseUntil, node, limits);
  }

  /**
   * Like {@link #claim(String, int, long, long, String, List)}, with the end of the lease asked for
   * when the claim is written, after it waited (for the mailbox's row, the writer, a connection): a
   * lease counted from {@code now} may have ended by then, and another node would take back mail
   * this one is about to send.
   */
  Claim claim(String mailboxId, int max, long now, LongSupplier leaseUntil, String node, List<RateLimit> limits)
      throws SQLException {
    return writes.writeLight(c -> {
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
          return new Claim(List.of(), throttledUntil);
        }
      }
      List<Claimed> claimed = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement(claimQuery())) {
        for (Priority priority : Priority.values()) {
          int limit = allowed - claimed.size();
          if (limit <= 0) {
            break;
          }
          p.setString(1, mailboxId);
          p.setInt(2, priority.rank());
          p.setLong(3, now);
          p.setInt(4, limit);
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              claimed.add(new Claimed(rs.getLong(1), mailboxId, rs.getString(2), rs.getInt(3) + 1,
                  OutboxState.valueOf(rs.getString(4)), rs.getLong(5), rs.getLong(6), rs.getBytes(7),
                  Recipients.read(rs.getString(8), rs.getString(9), rs.getString(10))));
            }
          }
        }
      }
      if (claimed.isEmpty()) {
        return new Claim(List.of(), 0);
      }
      long until = leaseUntil.getAsLong();
      try (PreparedStatement update = c.prepareStatement("UPDATE outmail_outbox SET state = 'SENDING', due_at = ?, "
          + "attempts = ?, claimed_by = ? WHERE id = ? AND attempts = ?");
          PreparedStatement attempt = c.prepareStatement(
              "INSERT INTO outmail_outbox_attempt (mail_id, attempt, mailbox_id, node, started_at) VALUES (?, ?, ?, ?, ?)")) {
        for (Claimed m : claimed) {
          update.setLong(1, until);
          update.setInt(2, m.attempt());
          update.setString(3, node);
          update.setLong(4, m.id());
          update.setInt(5, m.attempt() - 1);
          update.addBatch();
          attempt.setLong(1, m.id());
          attempt.setInt(2, m.attempt());
          attempt.setString(3, mailboxId);
          attempt.setString(4, node);
          attempt.setLong(5, now);
          attempt.addBatch();
        }
        update.executeBatch();
        attempt.executeBatch();
      }
      return new Claim(claimed, 0);
    });
  }

  /** Due mail of one mailbox and one priority, in due order, through the claim index; a mail being sent is not due. */
  String claimQuery() {
    return "SELECT id, message_id, attempts, state, created_at, expires_at, payload, pending_recipients, "
        + "accepted_recipients, rejected_recipients FROM outmail_outbox WHERE mailbox_id = ? AND priority = ? "
        + "AND due_at <= ? AND state <> 'SENDING' ORDER BY due_at LIMIT ?" + dialect.skipLocked();
  }

  /** Serialises the claims of a rate-limited mailbox across nodes (PostgreSQL; SQLite has one writer). */
  private void lockMailbox(Connection c, String mailboxId) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement("SELECT mailbox_id FROM outmail_outbox_mailbox WHERE mailbox_id = ?"
        + dialect.forUpdate())) {
      p.setString(1, mailboxId);
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement p = c
        .prepareStatement("INSERT INTO outmail_outbox_mailbox (mailbox_id) VALUES (?) ON CONFLICT DO NOTHING")) {
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
        + "AND started_at > ? ORDER BY started_at DESC LIMIT 1 OFFSET ?")) {
      p.setString(1, mailboxId);
      p.setLong(2, after);
      p.setInt(3, limit.permits() - 1);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) + limit.period().toMillis() : after + limit.period().toMillis();
      }
    }
  }

  // ---- outcomes

  /**
   * Stores outcomes in one transaction, in id order, without waiting for the disk: a power cut may
   * lose the last outcomes, and those mails are sent again (never lost). An outcome whose mail is no longer
   * held by that attempt (its lease ended and it was taken over) is not stored.
   *
   * @return for each outcome, whether it was stored
   */
  boolean[] record(List<Outcome> outcomes) throws SQLException {
    List<Integer> order = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong(i -> outcomes.get(i).id()));
    boolean[] stored = writes.writeLight(c -> {
      boolean[] out = new boolean[outcomes.size()];
      try (PreparedStatement mail = c
          .prepareStatement("UPDATE outmail_outbox SET state = ?, due_at = ?, last_error = ?, "
              + "finished_at = ?, claimed_by = NULL, pending_recipients = ?, accepted_recipients = ?, rejected_recipients = ? "
              + "WHERE id = ? AND attempts = ? AND state = 'SENDING'");
          PreparedStatement attempt = c.prepareStatement(
              "UPDATE outmail_outbox_attempt SET finished_at = ?, outcome = ?, detail = ? WHERE mail_id = ? AND attempt = ?")) {
        for (int i : order) {
          Outcome o = outcomes.get(i);
          mail.setString(1, o.state().name());
          setLong(mail, 2, o.dueAt());
          mail.setString(3, o.error());
          setLong(mail, 4, o.state().isFinished() ? o.now() : null);
          mail.setString(5, o.recipients().pendingColumn());
          mail.setString(6, o.recipients().acceptedColumn());
          mail.setString(7, o.recipients().rejectedColumn());
          mail.setLong(8, o.id());
          mail.setInt(9, o.attempt());
          mail.addBatch();
        }
        int[] counts = mail.executeBatch();
        for (int k = 0; k < counts.length; k++) {
          out[order.get(k)] = counts[k] != 0;
        }
        for (int i : order) {
          Outcome o = outcomes.get(i);
          if (!out[i]) {
            continue;
          }
          attempt.setLong(1, o.now());
          attempt.setString(2, o.state().name());
          attempt.setString(3, o.attemptDetail());
          attempt.setLong(4, o.id());
          attempt.setInt(5, o.attempt());
          attempt.addBatch();
        }
        attempt.executeBatch();
      }
      return out;
    });
    for (int i = 0; i < outcomes.size(); i++) {
      if (stored[i] && outcomes.get(i).state() == OutboxState.SENT && outcomes.get(i).hasContent()) {
        deleteContent(outcomes.get(i).id());
      }
    }
    return stored;
  }

  /** Deletes a mail's attachment content, once it is sent. Content left behind by a crash is deleted with the mail. */
  void deleteContent(long mailId) throws SQLException {
    writes.writeLight(c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM outmail_outbox_part WHERE mail_id = ?")) {
        p.setLong(1, mailId);
        return p.executeUpdate();
      }
    });
  }

  /** Extends the leases of the mails the node holds, in id order. */
  int renewLeases(String node, long leaseUntil, Collection<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return 0;
    }
    long[] sorted = ids.stream().mapToLong(Long::longValue).sorted().toArray();
    return writes.writeLight(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE outmail_outbox SET due_at = ? WHERE id = ? AND claimed_by = ? AND state = 'SENDING'")) {
        for (long id : sorted) {
          p.setLong(1, leaseUntil);
          p.setLong(2, id);
          p.setString(3, node);
          p.addBatch();
        }
        int n = 0;
        for (int count : p.executeBatch()) {
          n += Math.max(count, 0);
        }
        return n;
      }
    });
  }

  /** Mails whose lease ended: resent first (due at once, ahead of the backlog), or marked unknown. */
  record Reaped(List<Long> unknown, List<Long> resent) {
    int size() {
      return unknown.size() + resent.size();
    }
  }

  /**
   * Ends the attempts whose lease ended by {@code before} (their node stopped, or is stuck): each
   * attempt is recorded as UNKNOWN, and its mail is DEFERRED and due ahead of every other mail of its
   * priority ({@code resend}), or UNKNOWN. In id order, skipping mails another node is handling.
   */
  Reaped reapExpired(long before, long now, boolean resend, String why) throws SQLException {
    return writes.writeLight(c -> {
      List<long[]> expired = new ArrayList<>();
      List<String> nodes = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT id, attempts, claimed_by FROM outmail_outbox "
          + "WHERE state = 'SENDING' AND due_at <= ? ORDER BY id LIMIT 1000" + dialect.skipLocked())) {
        p.setLong(1, before);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            expired.add(new long[] {rs.getLong(1), rs.getInt(2)});
            nodes.add(rs.getString(3));
          }
        }
      }
      if (expired.isEmpty()) {
        return new Reaped(List.of(), List.of());
      }
      List<Long> unknown = new ArrayList<>();
      List<Long> resent = new ArrayList<>();
      try (
          PreparedStatement mail = c
              .prepareStatement("UPDATE outmail_outbox SET state = ?, due_at = ?, claimed_by = NULL, "
                  + "last_error = ?, finished_at = ? WHERE id = ? AND attempts = ? AND state = 'SENDING'");
          PreparedStatement attempt = c.prepareStatement("UPDATE outmail_outbox_attempt SET finished_at = ?, "
              + "outcome = 'UNKNOWN', detail = ? WHERE mail_id = ? AND attempt = ? AND outcome IS NULL")) {
        for (int i = 0; i < expired.size(); i++) {
          long id = expired.get(i)[0];
          int attempts = (int) expired.get(i)[1];
          String detail = "outcome unknown: " + why + " (node " + nodes.get(i) + ")"
              + (resend ? "; sending again with the same Message-ID" : "; not sent again (policy MARK_UNKNOWN)");
          mail.setString(1, resend ? OutboxState.DEFERRED.name() : OutboxState.UNKNOWN.name());
          setLong(mail, 2, resend ? 0L : null);
          mail.setString(3, detail);
          setLong(mail, 4, resend ? null : now);
          mail.setLong(5, id);
          mail.setInt(6, attempts);
          if (mail.executeUpdate() == 0) {
            continue;
          }
          attempt.setLong(1, now);
          attempt.setString(2, detail);
          attempt.setLong(3, id);
          attempt.setInt(4, attempts);
          attempt.executeUpdate();
          if (resend) {
            resent.add(id);
          } else {
            unknown.add(id);
          }
        }
      }
      return new Reaped(unknown, resent);
    });
  }

  /** Every mailbox that ever had queued mail. */
  List<String> mailboxIds() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = reads.get();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT mailbox_id FROM outmail_outbox_mailbox ORDER BY mailbox_id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  // ---- inspection

  Optional<OutboxEntry> entry(long id) throws SQLException {
    try (Connection c = reads.get();
        PreparedStatement p = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM outmail_outbox WHERE id = ?")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
      }
    }
  }

  List<OutboxEntry> list(OutboxState state, long afterId, int limit) throws SQLException {
    List<OutboxEntry> out = new ArrayList<>();
    try (Connection c = reads.get();
        PreparedStatement p = c.prepareStatement("SELECT " + ENTRY_COLUMNS
            + " FROM outmail_outbox WHERE state = ? AND id > ? ORDER BY id LIMIT ?")) {
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

  /**
   * The mails a search text finds, by id from {@code afterId}: each exact term and the id are one
   * index lookup already in id order, the subject prefix one range of the terms' index.
   */
  List<OutboxEntry> search(SearchTerms.Query q, long afterId, int limit) throws SQLException {
    java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
    try (Connection c = reads.get()) {
      try (PreparedStatement p = c.prepareStatement("SELECT mail_id FROM outmail_outbox_term WHERE term = ? "
          + "AND mail_id > ? ORDER BY mail_id LIMIT ?")) {
        for (String term : q.exact()) {
          p.setString(1, term);
          p.setLong(2, afterId);
          p.setInt(3, limit);
          addIds(p, ids);
        }
      }
      if (q.subjectPrefix().isPresent()) {
        String prefix = q.subjectPrefix().get();
        try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT mail_id FROM outmail_outbox_term "
            + "WHERE term >= ? AND term < ? AND mail_id > ? ORDER BY mail_id LIMIT ?")) {
          p.setString(1, prefix);
          p.setString(2, prefix + new String(Character.toChars(Character.MAX_CODE_POINT)));
          p.setLong(3, afterId);
          p.setInt(4, limit);
          addIds(p, ids);
        }
      }
      q.id().filter(id -> id > afterId).ifPresent(ids::add);
      List<Long> page = ids.stream().limit(limit).toList();
      List<OutboxEntry> out = new ArrayList<>(page.size());
      if (page.isEmpty()) {
        return out;
      }
      try (PreparedStatement p = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM outmail_outbox WHERE id IN ("
          + String.join(", ", java.util.Collections.nCopies(page.size(), "?")) + ") ORDER BY id")) {
        for (int i = 0; i < page.size(); i++) {
          p.setLong(i + 1, page.get(i));
        }
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(entry(rs));
          }
        }
      }
      return out;
    }
  }

  private static void addIds(PreparedStatement p, java.util.Set<Long> ids) throws SQLException {
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
  }

  long count(OutboxState state) throws SQLException {
    try (Connection c = reads.get();
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
    try (Connection c = reads.get();
        PreparedStatement p = c.prepareStatement("SELECT attempt, node, started_at, "
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
        + "due_at = ?, finished_at = NULL, expires_at = " + dialect.greatest() + "(expires_at, ?) "
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
    return writes.write(c -> {
      String finished = "SELECT id FROM outmail_outbox WHERE finished_at < ?";
      for (String table : new String[] {"outmail_outbox_part", "outmail_outbox_attempt", "outmail_outbox_term"}) {
        try (
            PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " WHERE mail_id IN (" + finished + ")")) {
          p.setLong(1, finishedBefore);
          p.executeUpdate();
        }
      }
      try (PreparedStatement p = c.prepareStatement("DELETE FROM outmail_outbox WHERE finished_at < ?")) {
        p.setLong(1, finishedBefore);
        return p.executeUpdate();
      }
    });
  }

  private int update(String sql, long... args) throws SQLException {
    return writes.write(c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          p.setLong(i + 1, args[i]);
        }
        return p.executeUpdate();
      }
    });
  }

  private static OutboxEntry entry(ResultSet rs) throws SQLException {
    Recipients r = Recipients.read(rs.getString(15), rs.getString(13), rs.getString(14));
    return new OutboxEntry(rs.getLong(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), rs.getString(4),
        rs.getString(5), OutboxState.valueOf(rs.getString(6)), Instant.ofEpochMilli(rs.getLong(8)), instant(rs, 7),
        Instant.ofEpochMilli(rs.getLong(9)), rs.getInt(10), Optional.ofNullable(rs.getString(11)), instant(rs, 12),
        r.accepted(), r.rejected(), r.pending(), Priority.ofRank(rs.getInt(16)));
  }

  private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  private static void setLong(PreparedStatement p, int index, @Nullable Long value) throws SQLException {
    if (value == null) {
      p.setNull(index, java.sql.Types.BIGINT);
    } else {
      p.setLong(index, value);
    }
  }

  @Override
  public void close() {
    try {
      writes.close();
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
