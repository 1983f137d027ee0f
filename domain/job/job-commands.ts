import type { JobQueued, JobStage, RenderedOutput, Transcript } from "./job-events";

export type QueueJob = { readonly type: "QueueJob"; readonly data: JobQueued["data"] };
export type StartRender = { readonly type: "StartRender"; readonly attempt: number; readonly worker: string };
export type RecordOutput = { readonly type: "RecordOutput"; readonly output: RenderedOutput };
export type RecordTranscript = { readonly type: "RecordTranscript"; readonly transcript: Transcript };
export type RecordFailure = {
  readonly type: "RecordFailure";
  readonly stage: JobStage;
  readonly code: string;
  readonly message: string;
  readonly attempt: number;
  /** True on the last delivery or for a failure that retrying cannot fix. */
  readonly final: boolean;
  readonly retryInSeconds: number | null;
};
export type CancelJob = { readonly type: "CancelJob"; readonly reason: string };
export type RetryJob = { readonly type: "RetryJob" };

export type JobCommand = QueueJob | StartRender | RecordOutput | RecordTranscript | RecordFailure | CancelJob | RetryJob;
