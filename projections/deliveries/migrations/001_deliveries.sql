-- One row per delivery id (an integration's attempt chain for one source event).
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  created_seq INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  job_id TEXT,
  integration TEXT NOT NULL,
  target TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  detail TEXT NOT NULL,             -- JSON Record<string, string>
  source_event_id TEXT NOT NULL,
  source_event_type TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX deliveries_by_batch ON deliveries (batch_id, created_seq);
