-- One row per dead letter id; later events about it update the row in place.
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  created_seq INTEGER NOT NULL,
  consumer TEXT NOT NULL,
  stream_seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  deliveries INTEGER NOT NULL,
  error TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX dead_letters_by_status ON dead_letters (status, created_seq);
CREATE INDEX dead_letters_by_created_seq ON dead_letters (created_seq);
