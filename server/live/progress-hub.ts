import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { allProgressFilter, subscribeProgress } from "../../core/progress/progress-channel";
import type { EventLogNames } from "../../core/eventlog/subjects";
import type { JobView } from "../../projections/read-model-types";
import { Topics, type Channel } from "./channel";

export interface JobProgressView {
  readonly batchId: string;
  readonly jobId: string;
  readonly stage: string | null;
  readonly format: string | null;
  readonly percent: number;
  readonly etaSeconds: number | null;
  readonly status: string | null;
  readonly at: string;
  readonly source: "LIVE" | "MILESTONE";
}

/**
 * Fan-out of job progress to jobProgress subscribers on this node. One core-NATS subscription per
 * node (not one per client) carries every worker's live ticks; milestones come from the projector
 * via BatchUpdateHub. 1,000 subscribers cost 1,000 channel pushes, not 1,000 NATS subscriptions.
 */
export class ProgressHub {
  private readonly topics = new Topics<JobProgressView>();
  private sub: Subscription | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
  ) {}

  start(): void {
    this.sub = subscribeProgress(this.nc, allProgressFilter(this.names), (t) => {
      if (!this.topics.has(t.batchId)) return;
      this.topics.publish(t.batchId, {
        batchId: t.batchId,
        jobId: t.jobId,
        stage: t.stage,
        format: t.format,
        percent: t.percent,
        etaSeconds: t.etaSeconds,
        status: null,
        at: t.at,
        source: "LIVE",
      });
    });
  }

  subscribe(batchId: string): Channel<JobProgressView> {
    return this.topics.subscribe(batchId, 256);
  }

  wants(batchId: string): boolean {
    return this.topics.has(batchId);
  }

  milestone(job: JobView, at: string): void {
    this.topics.publish(job.batchId, {
      batchId: job.batchId,
      jobId: job.id,
      stage: null,
      format: null,
      percent: job.progress,
      etaSeconds: null,
      status: job.status,
      at,
      source: "MILESTONE",
    });
  }

  get subscribers(): number {
    return this.topics.size;
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.topics.closeAll();
  }
}
