import type { Logger } from "../../core/log/logger";
import type { RecordedEvent } from "../../domain/shared/envelope";
import type { ReadModelQueries } from "../../projections/read-model-types";
import type { ProjectorHandle } from "../projector-handle";
import { Topics, type Channel } from "./channel";
import type { ProgressHub } from "./progress-hub";

/** The one key of the list-level topics (batch ids are UUIDs, so it cannot clash with one). */
const ALL = "*";
/** Most distinct batch ids waiting for one batchesChanged client before the oldest are dropped. */
const LIST_CAPACITY = 10_000;

/**
 * Pushes a batch to its batchUpdated subscribers after this node's projector has applied events
 * touching the batch or its jobs (so what is pushed is what a query would read), job milestones
 * to jobProgress subscribers, every touched batch id to batchesChanged subscribers, and a signal
 * per commit to queueStatsUpdated subscribers. Not an in-memory PubSub of facts: the log is the
 * source, the projector is the only trigger, and every node runs its own hub.
 */
export class BatchUpdateHub {
  private readonly topics = new Topics<string>();
  private readonly lists = new Topics<string>();
  private readonly commits = new Topics<number>();
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
        this.applied(b);
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

  /** Every batch created or changed from now on (ids, one entry per batch while the client catches up). */
  subscribeAll(): Channel<string> {
    return this.lists.subscribe(ALL, LIST_CAPACITY, true);
  }

  /** The position of each commit; capacity 1 because a reader only needs to know "something changed". */
  subscribeCommits(): Channel<number> {
    return this.commits.subscribe(ALL, 1);
  }

  get subscribers(): number {
    return this.topics.size + this.lists.size + this.commits.size;
  }

  private applied(b: { to: number; events: readonly RecordedEvent[] }): void {
    this.commits.publish(ALL, b.to);
    if (this.topics.size === 0 && this.lists.size === 0 && this.progress.subscribers === 0) return;
    const events = b.events;
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
    for (const id of batches) {
      if (this.topics.has(id)) this.topics.publish(id, id);
      this.lists.publish(ALL, id);
    }
  }

  stop(): void {
    this.stopListening?.();
    this.topics.closeAll();
    this.lists.closeAll();
    this.commits.closeAll();
  }
}

