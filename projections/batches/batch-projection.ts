import type { Db } from "../sqlite/open-database";
import type { ProjectedEvent } from "../projected-event";
import type { JobChange } from "../jobs/job-projection";
import type { JobStatus } from "../../domain/job/job-decider";

export type BatchStatements = ReturnType<typeof prepareBatchStatements>;

export function prepareBatchStatements(db: Db) {
  return {
    insert: db.prepare(`INSERT INTO batches (id, created_seq, name, status, template, formats, options, created_at,
        idempotency_key, total, queued, version)
      VALUES (@id, @seq, @name, 'QUEUED', @template, @formats, @options, @createdAt, @idempotencyKey, @total, @total, @seq)
      ON CONFLICT (id) DO NOTHING`),
    reopened: db.prepare("UPDATE batches SET status = 'RUNNING', completed_at = NULL, version = ? WHERE id = ?"),
    completed: db.prepare("UPDATE batches SET status = ?, completed_at = ?, version = ? WHERE id = ?"),
    job: db.prepare(`UPDATE batches SET total = total + @total, queued = queued + @queued, running = running + @running,
        succeeded = succeeded + @succeeded, failed = failed + @failed, cancelled = cancelled + @cancelled,
        progress_sum = progress_sum + @progress,
        status = CASE WHEN @started AND status = 'QUEUED' THEN 'RUNNING' ELSE status END,
        version = max(version, @seq)
      WHERE id = @id`),
  };
}

type Bucket = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** Which of the batch's counts a job status falls in. */
export const BUCKET_OF: Readonly<Record<JobStatus, Bucket>> = {
  QUEUED: "queued",
  RENDERING: "running",
  TRANSCRIBING: "running",
  RETRYING: "running",
  COMPLETED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
};

/** Batch events: creation, completion (its outcome is the status) and reopening. */
export function applyBatchEvent(s: BatchStatements, pending: BatchDeltas, e: ProjectedEvent): void {
  if (e.aggregateType !== "batch") return;
  switch (e.type) {
    case "BatchCreated": {
      const d = e.data;
      s.insert.run({
        id: d.batchId,
        seq: e.seq,
        name: d.name,
        template: d.template,
        formats: JSON.stringify(d.formats),
        options: JSON.stringify(d.options),
        createdAt: e.metadata.occurredAt,
        idempotencyKey: d.idempotencyKey,
        total: d.items.length,
      });
      return;
    }
    case "BatchCompleted":
      s.completed.run(e.data.outcome, e.metadata.occurredAt, e.seq, e.aggregateId);
      return;
    case "BatchJobReopened":
      s.reopened.run(e.seq, e.aggregateId);
      return;
    default:
      pending.touch(e.aggregateId, e.seq);
  }
}

interface Delta {
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  progress: number;
  started: number;
  seq: number;
}

/**
 * Job changes summed per batch over a run of events and written once at the end of the run (one
 * UPDATE per batch, not one per job event). Sums and max() do not depend on how the log is cut into
 * runs, so a rebuild, a crash-restart and the live projector end with the same rows. The RUNNING
 * flip (only from QUEUED) also commutes with the batch's own events: BatchCompleted leaves a status
 * the flip does not touch, exactly as when the RenderStarted came first.
 */
export class BatchDeltas {
  private readonly byBatch = new Map<string, Delta>();

  private of(batchId: string): Delta {
    let d = this.byBatch.get(batchId);
    if (!d) this.byBatch.set(batchId, (d = { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, progress: 0, started: 0, seq: 0 }));
    return d;
  }

  /** Moves one job between the batch's counts: O(1) per event, whatever the batch size. */
  add(c: JobChange): void {
    const d = this.of(c.batchId);
    if (c.from === null) d.total += 1;
    else d[BUCKET_OF[c.from]] -= 1;
    d[BUCKET_OF[c.to]] += 1;
    d.progress += c.progressDelta;
    if (c.renderStarted) d.started = 1;
    d.seq = Math.max(d.seq, c.seq);
  }

  touch(batchId: string, seq: number): void {
    const d = this.of(batchId);
    d.seq = Math.max(d.seq, seq);
  }

  flush(s: BatchStatements): void {
    for (const [id, d] of this.byBatch) s.job.run({ id, ...d });
    this.byBatch.clear();
  }

  discard(): void {
    this.byBatch.clear();
  }
}
