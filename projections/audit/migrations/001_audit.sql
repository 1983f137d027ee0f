-- Every event of the log, in log order. batch_id is set for job events so a batch's history holds its jobs'.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  aggregate_type TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  batch_id TEXT,
  occurred_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  causation_id TEXT,
  data TEXT NOT NULL                -- JSON, as upcast when projected
) STRICT;
CREATE INDEX audit_by_aggregate ON audit_events (aggregate_id, seq);
CREATE INDEX audit_by_batch ON audit_events (batch_id, seq) WHERE batch_id IS NOT NULL;
