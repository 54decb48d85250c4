-- outmail outbox on SQLite 3.35+ (the embedded store), schema version 1. Times are epoch
-- milliseconds of the outbox's clock. due_at is set only while a mail waits for a worker (QUEUED,
-- DEFERRED) or is claimed (SENDING: due_at is the end of the lease); it is NULL once the mail is
-- final. priority: 0 urgent, 1 normal, 2 bulk.
CREATE TABLE outmail_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mailbox_id TEXT NOT NULL,
  idempotency_key TEXT,
  message_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 1,
  due_at INTEGER,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  claimed_by TEXT,
  last_error TEXT,
  finished_at INTEGER,
  pending_recipients TEXT,
  accepted_recipients TEXT,
  rejected_recipients TEXT,
  payload BLOB NOT NULL
);
CREATE UNIQUE INDEX outmail_outbox_key ON outmail_outbox (idempotency_key);
CREATE INDEX outmail_outbox_claim ON outmail_outbox (mailbox_id, priority, due_at);
CREATE INDEX outmail_outbox_state ON outmail_outbox (state, id);
CREATE INDEX outmail_outbox_sending ON outmail_outbox (due_at) WHERE state = 'SENDING';

-- attachment content in chunks: streamed in and out, never whole in memory
CREATE TABLE outmail_outbox_part (
  mail_id INTEGER NOT NULL,
  part INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (mail_id, part, seq)
);

-- one row per attempt, written when the mail is claimed; the rate limits count these
CREATE TABLE outmail_outbox_attempt (
  mail_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  mailbox_id TEXT NOT NULL,
  node TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  outcome TEXT,
  detail TEXT,
  PRIMARY KEY (mail_id, attempt)
);
CREATE INDEX outmail_outbox_attempt_rate ON outmail_outbox_attempt (mailbox_id, started_at);

-- every mailbox that has queued mail
CREATE TABLE outmail_outbox_mailbox (
  mailbox_id TEXT PRIMARY KEY
);
