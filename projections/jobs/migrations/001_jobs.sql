-- One row per job. Counters (outputs_done, transcript_done, parts_total) let each event update
-- status and progress without reading the job's outputs back.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  batch_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  upload_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  status TEXT NOT NULL,
  formats TEXT NOT NULL,            -- JSON array of format ids
  transcribe INTEGER NOT NULL,      -- 0/1, from the batch options
  parts_total INTEGER NOT NULL,     -- formats + 1 when transcribe
  outputs_done INTEGER NOT NULL DEFAULT 0,
  transcript_done INTEGER NOT NULL DEFAULT 0,
  progress INTEGER NOT NULL DEFAULT 0,
  render_attempt INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  transcript TEXT,                  -- JSON Transcript
  error TEXT,                       -- JSON { stage, code, message }
  created_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  version INTEGER NOT NULL          -- stream seq of the job aggregate's last event (0 before JobQueued)
) STRICT;
CREATE INDEX jobs_by_batch ON jobs (batch_id, idx);
CREATE INDEX jobs_by_status ON jobs (status);

CREATE TABLE job_outputs (
  job_id TEXT NOT NULL,
  format TEXT NOT NULL,
  file_name TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  codec TEXT NOT NULL,
  duration_seconds REAL NOT NULL,
  poster_file_name TEXT,
  seq INTEGER NOT NULL,
  PRIMARY KEY (job_id, format)
) STRICT, WITHOUT ROWID;

-- Kept apart from job_outputs so a Drive delivery is projected whatever order it arrives in.
CREATE TABLE job_drive_urls (
  job_id TEXT NOT NULL,
  format TEXT NOT NULL,
  drive_url TEXT NOT NULL,
  PRIMARY KEY (job_id, format)
) STRICT, WITHOUT ROWID;
