-- the ticket service's own table; the outbox creates its tables beside it at start-up
CREATE TABLE IF NOT EXISTS ticket (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  requester VARCHAR(320) NOT NULL,
  subject VARCHAR(200) NOT NULL,
  description TEXT NOT NULL,
  team VARCHAR(40) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
