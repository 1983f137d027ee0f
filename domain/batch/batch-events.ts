import type { FormatId } from "../formats";
import type { TemplateId } from "../templates";
import type { DomainEvent } from "../shared/envelope";
import type { BatchOptions, UploadRef } from "../job/job-events";

export interface BatchItem {
  readonly jobId: string;
  readonly upload: UploadRef;
}

export type JobOutcome = "succeeded" | "failed" | "cancelled";
export type BatchOutcome = "COMPLETED" | "PARTIAL" | "FAILED" | "CANCELLED";

export interface BatchCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
}

/** One event holds everything the batch needs, so a half-created batch cannot exist. */
export type BatchCreated = DomainEvent<
  "BatchCreated",
  {
    readonly batchId: string;
    readonly name: string;
    readonly template: TemplateId;
    readonly formats: readonly FormatId[];
    readonly options: BatchOptions;
    readonly items: readonly BatchItem[];
    readonly idempotencyKey: string | null;
  }
>;
/** Written by the batch workflow when one of its jobs reaches a terminal state. */
export type BatchJobSettled = DomainEvent<
  "BatchJobSettled",
  { readonly jobId: string; readonly outcome: JobOutcome; readonly generation: number }
>;
/** A settled job was retried: the batch is open again until it settles anew. */
export type BatchJobReopened = DomainEvent<"BatchJobReopened", { readonly jobId: string; readonly generation: number }>;
/** Declared exactly once per time all jobs become terminal. */
export type BatchCompleted = DomainEvent<"BatchCompleted", { readonly outcome: BatchOutcome; readonly counts: BatchCounts }>;
export type BatchCancelRequested = DomainEvent<"BatchCancelRequested", { readonly reason: string }>;
export type BatchExportRequested = DomainEvent<"BatchExportRequested", { readonly target: "sheets" }>;

export type BatchEvent =
  | BatchCreated
  | BatchJobSettled
  | BatchJobReopened
  | BatchCompleted
  | BatchCancelRequested
  | BatchExportRequested;
export type BatchEventType = BatchEvent["type"];
