/**
 * The read model's public shape: what GraphQL, the CLI and the dashboard read. Each read model
 * folder (batches/, jobs/, audit/, dead-letters/, deliveries/) implements its part of
 * `ReadModelQueries`; `read-model.ts` composes them over one SQLite file per server node.
 */
import type { BatchOptions } from "../domain/job/job-events";
import type { JobStatus } from "../domain/job/job-decider";

export type BatchStatusView = "QUEUED" | "RUNNING" | "COMPLETED" | "PARTIAL" | "FAILED" | "CANCELLED";

export interface BatchCountsView {
  readonly total: number;
  readonly queued: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
}

export interface BatchView {
  readonly id: string;
  readonly name: string;
  readonly status: BatchStatusView;
  readonly template: string;
  readonly formats: readonly string[];
  readonly options: BatchOptions;
  /** ISO-8601, from the BatchCreated event. */
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly counts: BatchCountsView;
  /** 0..100, the mean of its jobs' progress. */
  readonly progress: number;
  readonly idempotencyKey: string | null;
  /** Stream sequence of the last event applied to this batch or one of its jobs. */
  readonly version: number;
}

export interface OutputView {
  readonly format: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
  readonly codec: string;
  readonly durationSeconds: number;
  readonly posterFileName: string | null;
  readonly driveUrl: string | null;
}

export interface TranscriptView {
  readonly text: string;
  readonly language: string;
  readonly durationSeconds: number;
  readonly description: string;
  readonly segments: readonly { id: number; start: number; end: number; text: string }[];
}

export interface JobView {
  readonly id: string;
  readonly batchId: string;
  readonly index: number;
  readonly uploadId: string;
  readonly fileName: string;
  readonly status: JobStatus;
  /** 0..100 from milestones (outputs and transcript done); live FFmpeg ticks go over subscriptions only. */
  readonly progress: number;
  /** Failed attempts so far, across retries. */
  readonly attempts: number;
  readonly outputs: readonly OutputView[];
  readonly transcript: TranscriptView | null;
  readonly error: { readonly code: string; readonly message: string; readonly stage: string } | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly version: number;
}

export interface AuditEventView {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** For job events the batch they belong to, so a batch's history includes its jobs. */
  readonly batchId: string | null;
  readonly occurredAt: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: unknown;
}

export type DeadLetterStatus = "OPEN" | "RETRYING" | "RESOLVED";
export interface DeadLetterView {
  readonly id: string;
  readonly consumer: string;
  readonly streamSeq: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly aggregateId: string;
  readonly deliveries: number;
  readonly error: string;
  readonly status: DeadLetterStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type DeliveryStatus = "SUCCEEDED" | "RETRYING" | "FAILED" | "PENDING";
export interface DeliveryView {
  readonly id: string;
  readonly batchId: string;
  readonly jobId: string | null;
  readonly integration: string;
  readonly target: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly detail: Readonly<Record<string, string>>;
  readonly sourceEventId: string;
  readonly sourceEventType: string;
  readonly updatedAt: string;
}

export interface QueueStatsView {
  readonly batches: Readonly<Record<BatchStatusView, number>>;
  readonly jobs: Readonly<Record<JobStatus, number>>;
  readonly openDeadLetters: number;
  /** Stream sequence the read model has applied. */
  readonly position: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
  readonly totalCount: number;
}

export interface ReadModelQueries {
  batch(id: string): BatchView | null;
  /** Same order as `ids`, null where missing: shaped for DataLoader. */
  batchesByIds(ids: readonly string[]): (BatchView | null)[];
  /** Newest first; `after` is an opaque cursor from a previous page. */
  listBatches(args: { first: number; after?: string | null; status?: BatchStatusView | null }): Page<BatchView>;
  batchByIdempotencyKey(key: string): BatchView | null;
  job(id: string): JobView | null;
  jobsByIds(ids: readonly string[]): (JobView | null)[];
  /** One array per batch id, jobs in item order: one query for all batches of a GraphQL operation. */
  jobsByBatchIds(batchIds: readonly string[]): JobView[][];
  /** The audit trail of a batch (its own and its jobs' events) or of any other aggregate id, in log order. */
  events(args: { aggregateId: string; after?: number | null; first: number }): AuditEventView[];
  deadLetters(args: { status?: DeadLetterStatus | null; first: number }): DeadLetterView[];
  deadLetter(id: string): DeadLetterView | null;
  deliveriesByBatchIds(batchIds: readonly string[]): DeliveryView[][];
  delivery(id: string): DeliveryView | null;
  queueStats(): QueueStatsView;
  /** Last applied stream sequence (the checkpoint). */
  position(): number;
}
