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
    // JobQueued: update first (its job is almost always listed by BatchCreated already), insert only when `changes` is 0
    requeue: db.prepare<[string, number, string, string, string, number, number, number, string]>(`UPDATE jobs SET batch_id = ?, idx = ?,
      upload_id = ?, file_name = ?, formats = ?, transcribe = ?, parts_total = ?, version = max(version, ?) WHERE id = ?`),
    insert: db.prepare<[string, string, number, string, string, string, number, number, string, number]>(`INSERT INTO jobs
      (id, batch_id, idx, upload_id, file_name, status, formats, transcribe, parts_total, created_at, version)
      VALUES (?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?)`),
    get: db.prepare<[string], JobRow>(
      `SELECT batch_id, status, parts_total, outputs_done, transcript_done, transcribe, render_attempt, progress FROM jobs WHERE id = ?`,
    ),
    // one UPDATE per lifecycle event (SQLite statements dominate a rebuild): the shared columns, then what the event adds
    started: lifecycle(db, ", started_at = coalesce(started_at, ?)"),
    progressed: lifecycle(db, ""),
    transcribed: lifecycle(db, ", transcript = ?"),
    failed: lifecycle(db, ", attempts = attempts + 1, error = ?, completed_at = ?"),
    completed: lifecycle(db, ", error = NULL, completed_at = ?"),
    cancelled: lifecycle(db, ", completed_at = ?"),
    retried: lifecycle(db, ", error = NULL, completed_at = NULL"),
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

/** An UPDATE of a job's state columns (status, progress, outputs_done, transcript_done, render_attempt, version), `extra`, WHERE id. */
function lifecycle(db: Db, extra: string) {
  return db.prepare(`UPDATE jobs SET status = ?, progress = ?, outputs_done = ?, transcript_done = ?, render_attempt = ?, version = ?${extra}
    WHERE id = ?`);
}

const progressOf = (done: number, total: number) => (total > 0 ? Math.round((100 * done) / total) : 0);

/** Creates a QUEUED job, or (JobQueued for a listed job) refreshes its listing; created_at and status stay. Returns true if new. */
function upsertJob(s: JobStatements, id: string, batchId: string, idx: number, upload: UploadRef, formatsJson: string, partsTotal: number,
  options: BatchOptions, createdAt: string, version: number): boolean {
  s.cache.delete(id);
  const transcribe = options.transcribe ? 1 : 0;
  if (s.requeue.run(batchId, idx, upload.uploadId, upload.fileName, formatsJson, transcribe, partsTotal, version, id).changes > 0) return false;
  s.insert.run(id, batchId, idx, upload.uploadId, upload.fileName, formatsJson, transcribe, partsTotal, createdAt, version);
  return true;
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
      // the same for every item: serialized once per batch, not once per job
      const formatsJson = JSON.stringify(d.formats);
      const partsTotal = d.formats.length + (d.options.transcribe ? 1 : 0);
      for (let idx = 0; idx < d.items.length; idx++) {
        const item = d.items[idx]!;
        upsertJob(s, item.jobId, d.batchId, idx, item.upload, formatsJson, partsTotal, d.options, at, 0);
      }
      return null;
    }
    case "JobQueued": {
      const d = e.data;
      const partsTotal = d.formats.length + (d.options.transcribe ? 1 : 0);
      const isNew = upsertJob(s, d.jobId, d.batchId, d.index, d.upload, JSON.stringify(d.formats), partsTotal, d.options, at, e.seq);
      return { jobId: d.jobId, batchId: d.batchId, from: isNew ? null : "QUEUED", to: "QUEUED", progressDelta: 0, renderStarted: false, seq: e.seq };
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

/** Status after an output or the transcript, as the decider's afterProgress; "all done" waits for the JobCompleted that follows. */
function afterProgress(row: JobRow, status: JobStatus, outputsDone: number, transcriptDone: number, renderAttempt: number): JobStatus {
  if (outputsDone < row.parts_total - row.transcribe) return renderAttempt > 0 ? "RENDERING" : "QUEUED";
  return row.transcribe && !transcriptDone ? "TRANSCRIBING" : status;
}

function applyLifecycle(s: JobStatements, e: LifecycleEvent): JobChange | null {
  const id = e.aggregateId;
  const row = s.cache.get(id) ?? s.get.get(id);
  if (!row) return null; // an event for a job this log never created: nothing to show
  const at = e.metadata.occurredAt;
  const from = row.status;
  let status = from;
  let { outputs_done: outputsDone, transcript_done: transcriptDone, render_attempt: renderAttempt } = row;
  // first the new state (outputs live in their own table), then one UPDATE of the job row below
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
      status = afterProgress(row, status, outputsDone, transcriptDone, renderAttempt);
      break;
    }
    case "TranscriptCompleted":
      transcriptDone = 1;
      status = afterProgress(row, status, outputsDone, transcriptDone, renderAttempt);
      break;
    case "JobAttemptFailed":
      status = "RETRYING";
      break;
    case "JobFailed":
      status = "FAILED";
      break;
    case "JobCompleted":
      status = "COMPLETED";
      break;
    case "JobCancelled":
      status = "CANCELLED";
      break;
    case "JobRetried":
      status = "QUEUED";
      renderAttempt = 0;
      break;
  }
  const progress = progressOf(outputsDone + (row.transcribe ? transcriptDone : 0), row.parts_total);
  const q = e.seq;
  switch (e.type) {
    case "RenderStarted":
      s.started.run(status, progress, outputsDone, transcriptDone, renderAttempt, q, at, id); // started_at: the first attempt's time
      break;
    case "OutputRendered":
      s.progressed.run(status, progress, outputsDone, transcriptDone, renderAttempt, q, id);
      break;
    case "TranscriptCompleted":
      s.transcribed.run(status, progress, outputsDone, transcriptDone, renderAttempt, q, JSON.stringify(e.data.transcript), id);
      break;
    case "JobAttemptFailed":
    case "JobFailed": {
      const error = JSON.stringify({ stage: e.data.stage, code: e.data.code, message: e.data.message });
      // an attempt that will be retried is not the end of the job: no completed_at
      s.failed.run(status, progress, outputsDone, transcriptDone, renderAttempt, q, error, e.type === "JobFailed" ? at : null, id);
      break;
    }
    case "JobCompleted":
      s.completed.run(status, progress, outputsDone, transcriptDone, renderAttempt, q, at, id); // a success clears an earlier attempt's error
      break;
    case "JobCancelled":
      s.cancelled.run(status, progress, outputsDone, transcriptDone, renderAttempt, q, at, id);
      break;
    case "JobRetried":
      s.retried.run(status, progress, outputsDone, transcriptDone, renderAttempt, q, id);
      break;
  }
  if (s.cache.size >= CACHE_LIMIT) s.cache.clear();
  // a fresh object, not the cached one changed in place: the old values are still needed for the change below
  s.cache.set(id, { ...row, status, progress, outputs_done: outputsDone, transcript_done: transcriptDone, render_attempt: renderAttempt });
  return { jobId: id, batchId: row.batch_id, from, to: status, progressDelta: progress - row.progress, renderStarted: e.type === "RenderStarted", seq: e.seq };
}
