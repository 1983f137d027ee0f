import { join } from "node:path";
import type { RecordedEvent } from "../domain/shared/envelope";
import type { JobStatus } from "../domain/job/job-decider";
import { asProjected } from "./projected-event";
import type { BatchStatusView, QueueStatsView, ReadModelQueries } from "./read-model-types";
import { openDatabase, type Db } from "./sqlite/open-database";
import { migrate, type MigrationSet } from "./sqlite/migrations";
import { applyBatchEvent, BatchDeltas, prepareBatchStatements } from "./batches/batch-projection";
import { BatchQueries } from "./batches/batch-queries";
import { applyJobEvent, prepareJobStatements } from "./jobs/job-projection";
import { JobQueries } from "./jobs/job-queries";
import { applyAuditEvent, prepareAuditStatements } from "./audit/audit-projection";
import { AuditQueries } from "./audit/audit-queries";
import { applyDeadLetterEvent, prepareDeadLetterStatements } from "./dead-letters/dead-letter-projection";
import { DeadLetterQueries } from "./dead-letters/dead-letter-queries";
import { applyDeliveryEvent, prepareDeliveryStatements } from "./deliveries/delivery-projection";
import { DeliveryQueries } from "./deliveries/delivery-queries";

/** Where a node keeps its read model by default: one SQLite file per server node, under DATA_DIR. */
export const READ_MODEL_FILE = "read-model.sqlite";
export const readModelPath = (dataDir: string) => join(dataDir, READ_MODEL_FILE);

/** Every read model's migrations, applied in this order to one file. */
export const READ_MODEL_MIGRATIONS: readonly MigrationSet[] = [
  { model: "checkpoint", folder: new URL("./sqlite/migrations/", import.meta.url) },
  { model: "batches", folder: new URL("./batches/migrations/", import.meta.url) },
  { model: "jobs", folder: new URL("./jobs/migrations/", import.meta.url) },
  { model: "audit", folder: new URL("./audit/migrations/", import.meta.url) },
  { model: "dead-letters", folder: new URL("./dead-letters/migrations/", import.meta.url) },
  { model: "deliveries", folder: new URL("./deliveries/migrations/", import.meta.url) },
];

export interface ApplyResult {
  /** Events actually applied (those at or below the checkpoint are skipped). */
  readonly applied: number;
  readonly position: number;
}

export interface ReadModel extends ReadModelQueries {
  readonly path: string;
  readonly db: Db;
  /**
   * Applies a run of events in log order and stores the last seq as the checkpoint in the same
   * transaction. Events with seq <= checkpoint are skipped, so a redelivered run never double-counts.
   * All or nothing: if one event throws, none of the run is kept.
   */
  applyEvents(events: readonly RecordedEvent[]): ApplyResult;
  close(): void;
}

const BATCH_STATUSES: readonly BatchStatusView[] = ["QUEUED", "RUNNING", "COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];
const JOB_STATUSES: readonly JobStatus[] = ["QUEUED", "RENDERING", "TRANSCRIBING", "RETRYING", "COMPLETED", "FAILED", "CANCELLED"];

/** Opens (creating and migrating as needed) one SQLite file holding every read model. */
export function openReadModel(path: string): ReadModel {
  const db = openDatabase(path);
  migrate(db, READ_MODEL_MIGRATIONS);

  const stmts = {
    batches: prepareBatchStatements(db),
    jobs: prepareJobStatements(db),
    audit: prepareAuditStatements(db),
    deadLetters: prepareDeadLetterStatements(db),
    deliveries: prepareDeliveryStatements(db),
  };
  const readCheckpoint = db.prepare<[], { position: number }>("SELECT position FROM projection_checkpoint WHERE id = 1");
  const writeCheckpoint = db.prepare("UPDATE projection_checkpoint SET position = ? WHERE id = 1");
  const batchCounts = db.prepare<[], { status: BatchStatusView; n: number }>("SELECT status, count(*) AS n FROM batches GROUP BY status");
  const jobCounts = db.prepare<[], { status: JobStatus; n: number }>("SELECT status, count(*) AS n FROM jobs GROUP BY status");

  let position = readCheckpoint.get()!.position;
  const batchDeltas = new BatchDeltas();

  const applyOne = (raw: RecordedEvent) => {
    const e = asProjected(raw);
    const change = applyJobEvent(stmts.jobs, e);
    applyBatchEvent(stmts.batches, batchDeltas, e);
    if (change) batchDeltas.add(change);
    applyAuditEvent(stmts.audit, e, change?.batchId ?? null);
    applyDeadLetterEvent(stmts.deadLetters, e);
    applyDeliveryEvent(stmts.deliveries, e);
  };

  const applyRun = db.transaction((events: readonly RecordedEvent[]): ApplyResult => {
    // re-read inside the transaction: another connection (a second projector by mistake) may have moved it
    let at = readCheckpoint.get()!.position;
    let applied = 0;
    for (const e of events) {
      if (e.seq <= at) continue; // gaps are fine: only "after the last applied seq" matters
      applyOne(e);
      at = e.seq;
      applied++;
    }
    batchDeltas.flush(stmts.batches);
    if (applied > 0) writeCheckpoint.run(at);
    return { applied, position: at };
  });

  const batches = new BatchQueries(db);
  const jobs = new JobQueries(db);
  const audit = new AuditQueries(db);
  const deadLetters = new DeadLetterQueries(db);
  const deliveries = new DeliveryQueries(db);

  return {
    path,
    db,
    applyEvents(events) {
      let result: ApplyResult;
      try {
        result = applyRun(events);
      } catch (err) {
        // rolled back: in-memory state of the run must go too
        batchDeltas.discard();
        stmts.jobs.cache.clear();
        throw err;
      }
      position = result.position;
      return result;
    },
    close: () => db.close(),
    position: () => position,
    batch: (id) => batches.batch(id),
    batchesByIds: (ids) => batches.batchesByIds(ids),
    listBatches: (args) => batches.listBatches(args),
    batchByIdempotencyKey: (key) => batches.batchByIdempotencyKey(key),
    job: (id) => jobs.job(id),
    jobsByIds: (ids) => jobs.jobsByIds(ids),
    jobsByBatchIds: (ids) => jobs.jobsByBatchIds(ids),
    events: (args) => audit.events(args),
    deadLetters: (args) => deadLetters.deadLetters(args),
    deadLetter: (id) => deadLetters.deadLetter(id),
    deliveriesByBatchIds: (ids) => deliveries.deliveriesByBatchIds(ids),
    delivery: (id) => deliveries.delivery(id),
    queueStats(): QueueStatsView {
      // one read transaction so the numbers agree with each other and with `position`
      return db.transaction(() => {
        const b = Object.fromEntries(BATCH_STATUSES.map((s) => [s, 0])) as Record<BatchStatusView, number>;
        for (const r of batchCounts.all()) b[r.status] = r.n;
        const j = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
        for (const r of jobCounts.all()) j[r.status] = r.n;
        return { batches: b, jobs: j, openDeadLetters: deadLetters.openCount(), position: readCheckpoint.get()!.position };
      })();
    },
  };
}
