import { conflict, notFound } from "../shared/domain-error";
import type { Decider } from "../shared/decider";
import type { BatchCommand } from "./batch-commands";
import type { BatchCompleted, BatchCounts, BatchCreated, BatchEvent, BatchOutcome, JobOutcome } from "./batch-events";
import { validateCreateBatch } from "./validate-batch";
import { VersionedMap } from "./versioned-map";

export type BatchStatus = "OPEN" | BatchOutcome;

export interface BatchState {
  readonly created: BatchCreated["data"] | null;
  /** The batch's job ids, so a settle checks membership in O(1) rather than scanning the items. */
  readonly jobIds: ReadonlySet<string>;
  /** jobId -> outcome of every settled job; the batch completes when all jobs are here. */
  readonly settled: VersionedMap<string, JobOutcome>;
  /** jobId -> newest job generation seen (0 unless retried); workflow events may arrive out of order. */
  readonly generations: VersionedMap<string, number>;
  readonly status: BatchStatus;
  readonly cancelRequested: boolean;
  /** How many times completion was declared (re-opened batches complete again). */
  readonly completions: number;
}

export function countsOf(s: BatchState): BatchCounts {
  const c = { total: s.created?.items.length ?? 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const o of s.settled.values()) c[o] += 1;
  return c;
}

export function outcomeOf(counts: BatchCounts, cancelRequested: boolean): BatchOutcome {
  if (counts.succeeded === counts.total) return "COMPLETED";
  if (cancelRequested) return "CANCELLED";
  if (counts.succeeded === 0) return counts.cancelled === counts.total ? "CANCELLED" : "FAILED";
  return "PARTIAL";
}

function requireBatch(s: BatchState): BatchCreated["data"] {
  if (!s.created) throw notFound("Batch not found.");
  return s.created;
}

function completion(s: BatchState, counts: BatchCounts): BatchCompleted {
  return { type: "BatchCompleted", data: { outcome: outcomeOf(counts, s.cancelRequested), counts } };
}

/** The settle of a job that is not settled at this generation yet, and the completion when it is the last. */
function settleNew(s: BatchState, batch: BatchCreated["data"], command: Extract<BatchCommand, { type: "SettleJob" }>): BatchEvent[] {
  const settled: BatchEvent = {
    type: "BatchJobSettled",
    data: { jobId: command.jobId, outcome: command.outcome, generation: command.generation },
  };
  // decided on sizes, not on an evolved copy: O(1) per settle (counting runs once, at completion)
  if (s.settled.size + 1 < batch.items.length) return [settled];
  const before = countsOf(s);
  const counts = { ...before, [command.outcome]: before[command.outcome] + 1 };
  return [settled, completion(s, counts)];
}

function decide(command: BatchCommand, s: BatchState): BatchEvent[] {
  if (command.type === "CreateBatch") {
    if (s.created) throw conflict(`Batch ${command.batchId} already exists.`);
    const v = validateCreateBatch(command);
    return [
      {
        type: "BatchCreated",
        data: {
          batchId: command.batchId,
          name: v.name,
          template: v.template,
          formats: v.formats,
          options: command.options,
          items: v.items,
          idempotencyKey: command.idempotencyKey,
        },
      },
    ];
  }
  const batch = requireBatch(s);
  switch (command.type) {
    case "SettleJob": {
      if (!s.jobIds.has(command.jobId)) return [];
      const known = s.generations.get(command.jobId) ?? 0;
      if (command.generation < known) return []; // outcome of a run that was retried since
      if (s.settled.has(command.jobId)) {
        // settling twice is a redelivery, not a new fact: this is what makes completion exactly-once.
        // One repair: appends of several events are chained, not atomic, so a writer slipping in
        // between BatchJobSettled and BatchCompleted can leave every job settled on an OPEN batch;
        // the redelivered settle then declares the completion that was lost (once: status moves on).
        if (command.generation === known) return s.status === "OPEN" && s.settled.size === batch.items.length ? [completion(s, countsOf(s))] : [];
        // A retried job finished before its JobRetried reached the workflow (two instances share the
        // settle consumer, or the reopen waits for a redelivery): reopen and settle in one decision,
        // or the late ReopenJob would drop this settle and leave the batch open for ever.
        const reopened: BatchEvent = { type: "BatchJobReopened", data: { jobId: command.jobId, generation: command.generation } };
        return [reopened, ...settleNew(evolve(s, reopened), batch, command)];
      }
      return settleNew(s, batch, command);
    }
    case "ReopenJob":
      if (command.generation <= (s.generations.get(command.jobId) ?? 0)) return [];
      return [{ type: "BatchJobReopened", data: { jobId: command.jobId, generation: command.generation } }];
    case "CancelBatch":
      if (s.status !== "OPEN") throw conflict(`Batch is already ${s.status.toLowerCase()}: there is nothing to cancel.`);
      if (s.cancelRequested) return [];
      return [{ type: "BatchCancelRequested", data: { reason: command.reason } }];
    case "RequestSheetsExport":
      return [{ type: "BatchExportRequested", data: { target: "sheets" } }];
  }
}

function evolve(s: BatchState, e: BatchEvent): BatchState {
  switch (e.type) {
    case "BatchCreated":
      return { ...s, created: e.data, jobIds: new Set(e.data.items.map((i) => i.jobId)), status: "OPEN" };
    case "BatchJobSettled":
      return {
        ...s,
        settled: s.settled.set(e.data.jobId, e.data.outcome),
        generations: s.generations.set(e.data.jobId, e.data.generation),
      };
    case "BatchJobReopened":
      return {
        ...s,
        settled: s.settled.delete(e.data.jobId),
        generations: s.generations.set(e.data.jobId, e.data.generation),
        status: "OPEN",
        cancelRequested: false,
      };
    case "BatchCompleted":
      return { ...s, status: e.data.outcome, completions: s.completions + 1 };
    case "BatchCancelRequested":
      return { ...s, cancelRequested: true };
    case "BatchExportRequested":
      return s;
  }
}

export const batchDecider: Decider<BatchCommand, BatchEvent, BatchState> = {
  aggregateType: "batch",
  decide,
  evolve,
  initialState: () => ({
    created: null,
    jobIds: new Set(),
    settled: VersionedMap.empty(),
    generations: VersionedMap.empty(),
    status: "OPEN",
    cancelRequested: false,
    completions: 0,
  }),
};
