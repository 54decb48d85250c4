-- outmail outbox on SQLite, schema version 2: what a search finds. One row per term of a mail,
-- in lower case: 'r:' and a recipient, 'k:' and the record id, 'm:' and the Message-ID, 's:' and the
-- subject's first 100 characters (once as sent and once without its tag). Exact terms are one index
-- lookup, in id order; a subject prefix is one range of the index (bytewise order).
CREATE TABLE outmail_outbox_term (
  term TEXT NOT NULL,
  mail_id INTEGER NOT NULL,
  PRIMARY KEY (term, mail_id)
) WITHOUT ROWID;
-- mails queued before this version are found by Message-ID and subject (their recipients and record
-- ids are inside the stored mail)
INSERT OR IGNORE INTO outmail_outbox_term (term, mail_id) SELECT 'm:' || lower(message_id), id FROM outmail_outbox;
INSERT OR IGNORE INTO outmail_outbox_term (term, mail_id) SELECT 's:' || lower(substr(subject, 1, 100)), id FROM outmail_outbox;
