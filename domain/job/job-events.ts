import type { FormatId, Fps, Quality, VideoCodec } from "../formats";
import type { TemplateId } from "../templates";
import type { DomainEvent } from "../shared/envelope";

/** The upload a job works on, as accepted by POST /uploads (content-addressed by sha256). */
export interface UploadRef {
  readonly uploadId: string;
  readonly fileName: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly durationSeconds: number | null;
}

export interface BatchOptions {
  readonly transcribe: boolean;
  readonly syncToDrive: boolean;
  readonly notify: boolean;
  readonly exportToSheets: boolean;
  readonly fps: Fps;
  readonly quality: Quality;
  /** Forces a codec for every output; null lets each format choose (HEVC for 4K and up). */
  readonly codec: VideoCodec | null;
}

export type JobStage = "render" | "transcribe";

export interface RenderedOutput {
  readonly format: FormatId;
  readonly fileName: string;
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
  readonly codec: VideoCodec;
  readonly durationSeconds: number;
  readonly posterFileName: string | null;
}

export interface TranscriptSegment {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Transcript {
  readonly text: string;
  readonly language: string;
  readonly languageProbability: number | null;
  readonly durationSeconds: number;
  readonly segments: readonly TranscriptSegment[];
  readonly description: string;
}

export interface JobFailure {
  readonly stage: JobStage;
  readonly code: string;
  readonly message: string;
}

/** Everything a worker needs is in the first event, so workers never query a read model. */
export type JobQueued = DomainEvent<
  "JobQueued",
  {
    readonly jobId: string;
    readonly batchId: string;
    readonly index: number;
    readonly batchName: string;
    readonly batchCreatedAt: string;
    readonly upload: UploadRef;
    readonly template: TemplateId;
    readonly formats: readonly FormatId[];
    readonly options: BatchOptions;
  }
>;
export type RenderStarted = DomainEvent<"RenderStarted", { readonly attempt: number; readonly worker: string }>;
export type OutputRendered = DomainEvent<"OutputRendered", { readonly output: RenderedOutput }>;
export type TranscriptCompleted = DomainEvent<"TranscriptCompleted", { readonly transcript: Transcript }>;
/** An attempt failed and will be retried: no notification, no webhook, the job is not failed. */
export type JobAttemptFailed = DomainEvent<
  "JobAttemptFailed",
  JobFailure & { readonly attempt: number; readonly retryInSeconds: number | null }
>;
/** The last attempt failed, or the failure cannot be retried: the job is over. */
/** `generation` (0, then +1 per retry) lets the batch workflow ignore a stale outcome that arrives late. */
export type JobFailed = DomainEvent<"JobFailed", JobFailure & { readonly attempts: number; readonly batchId: string; readonly generation: number }>;
export type JobCompleted = DomainEvent<"JobCompleted", { readonly batchId: string; readonly generation: number }>;
export type JobCancelled = DomainEvent<"JobCancelled", { readonly batchId: string; readonly reason: string; readonly generation: number }>;
/** A failed or cancelled job is queued again; finished parts (outputs, transcript) are kept. */
export type JobRetried = DomainEvent<"JobRetried", { readonly batchId: string; readonly generation: number }>;

export type JobEvent =
  | JobQueued
  | RenderStarted
  | OutputRendered
  | TranscriptCompleted
  | JobAttemptFailed
  | JobFailed
  | JobCompleted
  | JobCancelled
  | JobRetried;

export type JobEventType = JobEvent["type"];

/** Events after which no worker will touch the job again (until a retry). */
export const TERMINAL_JOB_EVENTS = ["JobCompleted", "JobFailed", "JobCancelled"] as const satisfies readonly JobEventType[];
