-- outmail outbox on PostgreSQL, schema version 2: priorities. A claim reads due mail of one mailbox
-- and one priority in due order through outmail_outbox_claim, so urgent mail is found without
-- reading a bulk backlog, and a claim's cost does not grow with the backlog.
ALTER TABLE outmail_outbox ADD COLUMN priority SMALLINT NOT NULL DEFAULT 1;
CREATE INDEX outmail_outbox_claim ON outmail_outbox (mailbox_id, priority, due_at);
DROP INDEX outmail_outbox_due;
-- the mails being sent, for the heartbeat's look for leases that ended
CREATE INDEX outmail_outbox_sending ON outmail_outbox (due_at) WHERE state = 'SENDING';
