-- outmail outbox on PostgreSQL, schema version 3: what a search finds. One row per term of a mail,
-- in lower case: 'r:' and a recipient, 'k:' and the record id, 'm:' and the Message-ID, 's:' and the
-- subject's first 100 characters (once as sent and once without its tag). Exact terms are one index
-- lookup, in id order; a subject prefix is one range of the index (bytewise order, "C").
CREATE TABLE outmail_outbox_term (
  term VARCHAR(600) COLLATE "C" NOT NULL,
  mail_id BIGINT NOT NULL,
  PRIMARY KEY (term, mail_id)
);
-- mails queued before this version are found by Message-ID and subject (their recipients and record
-- ids are inside the stored mail)
INSERT INTO outmail_outbox_term (term, mail_id) SELECT 'm:' || lower(message_id), id FROM outmail_outbox
  ON CONFLICT DO NOTHING;
INSERT INTO outmail_outbox_term (term, mail_id) SELECT 's:' || lower(substr(subject, 1, 100)), id FROM outmail_outbox
  ON CONFLICT DO NOTHING;
