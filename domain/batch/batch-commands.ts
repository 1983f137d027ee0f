import type { BatchOptions, UploadRef } from "../job/job-events";
import type { JobOutcome } from "./batch-events";

export interface CreateBatchItem {
  readonly jobId: string;
  readonly uploadId: string;
  /** Resolved by the command handler from upload storage; null when no such upload exists. */
  readonly upload: UploadRef | null;
}

export type CreateBatch = {
  readonly type: "CreateBatch";
  readonly batchId: string;
  readonly name: string;
  readonly template: string;
  readonly formats: readonly string[];
  readonly options: BatchOptions;
  readonly items: readonly CreateBatchItem[];
  readonly idempotencyKey: string | null;
  readonly maxItems: number;
};
/** `generation` comes from the job event; outcomes of a generation older than the batch knows are stale. */
export type SettleJob = { readonly type: "SettleJob"; readonly jobId: string; readonly outcome: JobOutcome; readonly generation: number };
export type ReopenJob = { readonly type: "ReopenJob"; readonly jobId: string; readonly generation: number };
export type CancelBatch = { readonly type: "CancelBatch"; readonly reason: string };
export type RequestSheetsExport = { readonly type: "RequestSheetsExport" };

export type BatchCommand = CreateBatch | SettleJob | ReopenJob | CancelBatch | RequestSheetsExport;
