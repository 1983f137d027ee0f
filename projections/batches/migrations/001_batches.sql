-- One row per batch. Counts and progress_sum are kept incrementally from job changes, so an event
-- costs the same whatever the batch size.
CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  created_seq INTEGER NOT NULL,     -- stream seq of BatchCreated: the newest-first order and the cursor
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  template TEXT NOT NULL,
  formats TEXT NOT NULL,            -- JSON array
  options TEXT NOT NULL,            -- JSON BatchOptions
  created_at TEXT NOT NULL,
  completed_at TEXT,
  idempotency_key TEXT,
  total INTEGER NOT NULL,
  queued INTEGER NOT NULL,
  running INTEGER NOT NULL DEFAULT 0,
  succeeded INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  cancelled INTEGER NOT NULL DEFAULT 0,
  progress_sum INTEGER NOT NULL DEFAULT 0,  -- sum of the jobs' progress; progress = progress_sum / total
  version INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX batches_by_created_seq ON batches (created_seq);
CREATE INDEX batches_by_status ON batches (status, created_seq);
CREATE INDEX batches_by_idempotency_key ON batches (idempotency_key) WHERE idempotency_key IS NOT NULL;
