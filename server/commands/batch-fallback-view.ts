import type { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { BatchCommand } from "../../domain/batch/batch-commands";
import { countsOf, type BatchState } from "../../domain/batch/batch-decider";
import type { BatchEvent } from "../../domain/batch/batch-events";
import type { BatchView } from "../../projections/read-model-types";

/**
 * The batch as the event log has it, for a mutation answer when this node's projector has not
 * caught up within READ_YOUR_WRITES_TIMEOUT_MS (the payload's batch is non-null by contract).
 * Job-level detail (running, progress) is unknown here, so it reports what the batch aggregate knows.
 */
export async function batchViewFromLog(
  repo: AggregateRepository<BatchCommand, BatchEvent, BatchState>,
  id: string,
  createdAt: string,
): Promise<BatchView | null> {
  const { state, version } = await repo.load(id);
  const c = state.created;
  if (!c) return null;
  const counts = countsOf(state);
  const settled = counts.succeeded + counts.failed + counts.cancelled;
  return {
    id,
    name: c.name,
    status: state.status === "OPEN" ? (settled > 0 ? "RUNNING" : "QUEUED") : state.status,
    template: c.template,
    formats: c.formats,
    options: c.options,
    createdAt,
    completedAt: null,
    counts: { ...counts, queued: counts.total - settled, running: 0 },
    progress: counts.total === 0 ? 0 : (100 * settled) / counts.total,
    idempotencyKey: c.idempotencyKey,
    version,
  };
}
