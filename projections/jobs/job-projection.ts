import type { Db } from "../sqlite/open-database";
import type { ProjectedEvent } from "../projected-event";
import type { JobStatus } from "../../domain/job/job-decider";
import type { BatchOptions, JobEventType, UploadRef } from "../../domain/job/job-events";

/** What a job event did to its job: the batches projection keeps its counts from these, never by scanning jobs. */
export interface JobChange {
  readonly jobId: string;
  readonly batchId: string;
  /** null when the event created the job (a JobQueued for a job no BatchCreated listed). */
  readonly from: JobStatus | null;
  readonly to: JobStatus;
  readonly progressDelta: number;
  readonly renderStarted: boolean;
  readonly seq: number;
}

interface JobRow {
  batch_id: string;
  status: JobStatus;
  parts_total: number;
  outputs_done: number;
  transcript_done: number;
  transcribe: number;
  render_attempt: number;
  progress: number;
}

export type JobStatements = ReturnType<typeof prepareJobStatements>;

/** Rows kept in memory between events of a run; bounded, and dropped when a transaction rolls back. */
const CACHE_LIMIT = 20_000;

export function prepareJobStatements(db: Db) {
  return {
    // a job's events come in bursts (render, outputs, transcript, completion): skip re-reading its row
    cache: new Map<string, JobRow>(),
    insert: db.prepare(`INSERT INTO jobs (id, batch_id, idx, upload_id, file_name, status, formats, transcribe, parts_total, created_at, version)
      VALUES (@id, @batchId, @idx, @uploadId, @fileName, 'QUEUED', @formats, @transcribe, @partsTotal, @createdAt, @version)
      ON CONFLICT (id) DO UPDATE SET batch_id = excluded.batch_id, idx = excluded.idx, upload_id = excluded.upload_id,
        file_name = excluded.file_name, formats = excluded.formats, transcribe = excluded.transcribe,
        parts_total = excluded.parts_total, version = max(version, excluded.version)`),
    get: db.prepare<[string], JobRow>(
      `SELECT batch_id, status, parts_total, outputs_done, transcript_done, transcribe, render_attempt, progress FROM jobs WHERE id = ?`,
    ),
    exists: db.prepare<[string], { one: number }>("SELECT 1 AS one FROM jobs WHERE id = ?"),
    // started_at: the first RenderStarted's time (null for every other event); positional binding is the cheaper one on this hot path
    update: db.prepare<[string, number, number, number, number, number, string | null, string]>(`UPDATE jobs SET status = ?, progress = ?,
      outputs_done = ?, transcript_done = ?, render_attempt = ?, version = ?, started_at = coalesce(started_at, ?) WHERE id = ?`),
    failed: db.prepare("UPDATE jobs SET attempts = attempts + 1, error = ?, completed_at = ? WHERE id = ?"),
    finished: db.prepare("UPDATE jobs SET error = CASE WHEN ? THEN NULL ELSE error END, completed_at = ? WHERE id = ?"),
    retried: db.prepare("UPDATE jobs SET error = NULL, completed_at = NULL WHERE id = ?"),
    transcript: db.prepare("UPDATE jobs SET transcript = ? WHERE id = ?"),
    // insert first: a new format is the common case, and `changes` says whether it was new
    outputNew: db.prepare<[string, string, string, number, number, number, string, number, string | null, number]>(
      `INSERT OR IGNORE INTO job_outputs (job_id, format, file_name, bytes, width, height, codec, duration_seconds, poster_file_name, seq)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    outputReplace: db.prepare<[string, number, number, number, string, number, string | null, number, string, string]>(
      `UPDATE job_outputs SET file_name = ?, bytes = ?, width = ?, height = ?, codec = ?, duration_seconds = ?, poster_file_name = ?, seq = ?
      WHERE job_id = ? AND format = ?`),
    driveUrl: db.prepare(`INSERT INTO job_drive_urls (job_id, format, drive_url) VALUES (?, ?, ?)
      ON CONFLICT (job_id, format) DO UPDATE SET drive_url = excluded.drive_url`),
  };
}

const progressOf = (done: number, total: number) => (total > 0 ? Math.round((100 * done) / total) : 0);

interface NewJob {
  id: string;
  batchId: string;
  idx: number;
  upload: UploadRef;
  formats: readonly string[];
  options: BatchOptions;
  createdAt: string;
  version: number;
}

function insertJob(s: JobStatements, j: NewJob) {
  s.cache.delete(j.id);
  s.insert.run({
    id: j.id,
    batchId: j.batchId,
    idx: j.idx,
    uploadId: j.upload.uploadId,
    fileName: j.upload.fileName,
    formats: JSON.stringify(j.formats),
    transcribe: j.options.transcribe ? 1 : 0,
    partsTotal: j.formats.length + (j.options.transcribe ? 1 : 0),
    createdAt: j.createdAt,
    version: j.version,
  });
}

/**
 * Applies one event to the jobs tables, mirroring `domain/job/job-decider.ts` evolve(). Pure in the
 * event: time comes from metadata.occurredAt. Returns the job's change for the batches projection.
 */
export function applyJobEvent(s: JobStatements, e: ProjectedEvent): JobChange | null {
  const at = e.metadata.occurredAt;
  switch (e.type) {
    case "BatchCreated": {
      const d = e.data;
      d.items.forEach((item, idx) =>
        insertJob(s, { id: item.jobId, batchId: d.batchId, idx, upload: item.upload, formats: d.formats, options: d.options, createdAt: at, version: 0 }),
      );
      return null;
    }
    case "JobQueued": {
      const d = e.data;
      const known = s.exists.get(d.jobId) !== undefined;
      insertJob(s, { id: d.jobId, batchId: d.batchId, idx: d.index, upload: d.upload, formats: d.formats, options: d.options, createdAt: at, version: e.seq });
      return { jobId: d.jobId, batchId: d.batchId, from: known ? "QUEUED" : null, to: "QUEUED", progressDelta: 0, renderStarted: false, seq: e.seq };
    }
    case "DeliverySucceeded": {
      const d = e.data;
      if (d.integration === "drive" && d.jobId && d.detail.driveUrl && d.detail.format) s.driveUrl.run(d.jobId, d.detail.format, d.detail.driveUrl);
      return null;
    }
    case "RenderStarted":
    case "OutputRendered":
    case "TranscriptCompleted":
    case "JobAttemptFailed":
    case "JobFailed":
    case "JobCompleted":
    case "JobCancelled":
    case "JobRetried":
      return applyLifecycle(s, e);
    default:
      return null;
  }
}

type LifecycleEvent = Extract<ProjectedEvent, { type: Exclude<JobEventType, "JobQueued"> }>;

function applyLifecycle(s: JobStatements, e: LifecycleEvent): JobChange | null {
  const id = e.aggregateId;
  const row = s.cache.get(id) ?? s.get.get(id);
  if (!row) return null; // an event for a job this log never created: nothing to show
  const at = e.metadata.occurredAt;
  let status = row.status;
  let { outputs_done: outputsDone, transcript_done: transcriptDone, render_attempt: renderAttempt } = row;
  // progress (an output or the transcript) moves the status the way the decider's afterProgress does
  const afterProgress = () => {
    const next: JobStatus =
      outputsDone < row.parts_total - row.transcribe
        ? renderAttempt > 0 ? "RENDERING" : "QUEUED"
        : row.transcribe && !transcriptDone ? "TRANSCRIBING" : "COMPLETED";
    if (next !== "COMPLETED") status = next; // "all done" waits for the JobCompleted that follows
  };
  switch (e.type) {
    case "RenderStarted":
      renderAttempt = e.data.attempt;
      status = "RENDERING";
      break;
    case "OutputRendered": {
      const o = e.data.output;
      const isNew = s.outputNew.run(id, o.format, o.fileName, o.bytes, o.width, o.height, o.codec, o.durationSeconds, o.posterFileName, e.seq).changes > 0;
      if (isNew) outputsDone++;
      else s.outputReplace.run(o.fileName, o.bytes, o.width, o.height, o.codec, o.durationSeconds, o.posterFileName, e.seq, id, o.format);
      afterProgress();
      break;
    }
    case "TranscriptCompleted":
      transcriptDone = 1;
      s.transcript.run(JSON.stringify(e.data.transcript), id);
      afterProgress();
      break;
    case "JobAttemptFailed":
      status = "RETRYING";
      s.failed.run(JSON.stringify({ stage: e.data.stage, code: e.data.code, message: e.data.message }), null, id);
      break;
    case "JobFailed":
      status = "FAILED";
      s.failed.run(JSON.stringify({ stage: e.data.stage, code: e.data.code, message: e.data.message }), at, id);
      break;
    case "JobCompleted":
      status = "COMPLETED";
      s.finished.run(1, at, id); // a success clears the error of an earlier attempt
      break;
    case "JobCancelled":
      status = "CANCELLED";
      s.finished.run(0, at, id);
      break;
    case "JobRetried":
      status = "QUEUED";
      renderAttempt = 0;
      s.retried.run(id);
      break;
  }
  const progress = progressOf(outputsDone + (row.transcribe ? transcriptDone : 0), row.parts_total);
  s.update.run(status, progress, outputsDone, transcriptDone, renderAttempt, e.seq, e.type === "RenderStarted" ? at : null, id);
  if (s.cache.size >= CACHE_LIMIT) s.cache.clear();
  s.cache.set(id, { ...row, status, progress, outputs_done: outputsDone, transcript_done: transcriptDone, render_attempt: renderAttempt });
  return {
    jobId: id,
    batchId: row.batch_id,
    from: row.status,
    to: status,
    progressDelta: progress - row.progress,
    renderStarted: e.type === "RenderStarted",
    seq: e.seq,
  };
}
