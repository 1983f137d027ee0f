import type { Logger } from "../../core/log/logger";
import type { RecordedEvent } from "../../domain/shared/envelope";
import type { ReadModelQueries } from "../../projections/read-model-types";
import type { ProjectorHandle } from "../projector-handle";
import { Topics, type Channel } from "./channel";
import type { ProgressHub } from "./progress-hub";

/**
 * Pushes a batch to its batchUpdated subscribers after this node's projector has applied events
 * touching the batch or its jobs (so what is pushed is what a query would read), and job
 * milestones to jobProgress subscribers. Not an in-memory PubSub of facts: the log is the source,
 * the projector is the only trigger, and every node runs its own hub.
 */
export class BatchUpdateHub {
  private readonly topics = new Topics<string>();
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly projector: ProjectorHandle,
    private readonly readModel: ReadModelQueries,
    private readonly progress: ProgressHub,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopListening = this.projector.onApplied((b) => {
      try {
        this.applied(b.events);
      } catch (err) {
        this.logger.error("live update failed", { error: err });
      }
    });
  }

  /** Yields batch ids; the subscription resolver reads the fresh view (through its loaders). */
  subscribe(batchId: string): Channel<string> {
    // capacity 1: only the newest state of a batch matters to a subscriber that fell behind
    return this.topics.subscribe(batchId, 1);
  }

  get subscribers(): number {
    return this.topics.size;
  }

  private applied(events: readonly RecordedEvent[]): void {
    if (this.topics.size === 0 && this.progress.subscribers === 0) return;
    const batches = new Set<string>();
    const jobs = new Map<string, string>(); // jobId -> occurredAt of its last event here
    for (const e of events) {
      const data = e.data as { batchId?: unknown };
      if (e.aggregateType === "batch") batches.add(e.aggregateId);
      else if (e.aggregateType === "job") jobs.set(e.aggregateId, e.metadata.occurredAt);
      else if (typeof data?.batchId === "string") batches.add(data.batchId);
    }
    if (jobs.size > 0) {
      for (const job of this.readModel.jobsByIds([...jobs.keys()])) {
        if (!job) continue;
        batches.add(job.batchId);
        if (this.progress.wants(job.batchId)) this.progress.milestone(job, jobs.get(job.id)!);
      }
    }
    for (const id of batches) if (this.topics.has(id)) this.topics.publish(id, id);
  }

  stop(): void {
    this.stopListening?.();
    this.topics.closeAll();
  }
}

