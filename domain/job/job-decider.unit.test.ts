import { describe, it } from "vitest";
import { deciderSpec } from "../shared/decider-spec";
import { jobDecider } from "./job-decider";
import { jobQueued, output, transcript } from "./fixtures";
import type { JobEvent } from "./job-events";

const given = deciderSpec(jobDecider);
const started: JobEvent = { type: "RenderStarted", data: { attempt: 1, worker: "w1" } };
const out1080: JobEvent = { type: "OutputRendered", data: { output: output("flat_1080p") } };
const outVertical: JobEvent = { type: "OutputRendered", data: { output: output("flat_1080p_vertical") } };
const transcribed: JobEvent = { type: "TranscriptCompleted", data: { transcript: transcript() } };
const failure = (final: boolean) => ({ type: "RecordFailure", stage: "render", code: "FFMPEG_FAILED", message: "boom", attempt: 1, final, retryInSeconds: final ? null : 2 }) as const;

describe("job decider", () => {
  it("queues a job once; a second QueueJob after a crash is a no-op", () => {
    given([]).when({ type: "QueueJob", data: jobQueued().data }).then([jobQueued()]);
    given([jobQueued()]).when({ type: "QueueJob", data: jobQueued().data }).then([]);
  });

  it("announces a render attempt once per attempt (redeliveries do not repeat it)", () => {
    given([jobQueued()]).when({ type: "StartRender", attempt: 1, worker: "w1" }).then([started]);
    given([jobQueued(), started]).when({ type: "StartRender", attempt: 1, worker: "w2" }).then([]);
    given([jobQueued(), started]).when({ type: "StartRender", attempt: 2, worker: "w2" }).thenTypes(["RenderStarted"]);
  });

  it("completes only when every format and the transcript are done", () => {
    given([jobQueued(), started]).when({ type: "RecordOutput", output: output("flat_1080p") }).then([out1080]);
    given([jobQueued(), started, out1080]).when({ type: "RecordOutput", output: output("flat_1080p_vertical") }).then([outVertical]);
    given([jobQueued(), started, out1080, outVertical])
      .when({ type: "RecordTranscript", transcript: transcript() })
      .then([transcribed, { type: "JobCompleted", data: { batchId: "b1", generation: 0 } }]);
  });

  it("does not wait for a transcript the batch did not ask for", () => {
    const noTranscript = jobQueued({ formats: ["flat_1080p"], options: { ...jobQueued().data.options, transcribe: false } });
    given([noTranscript, started])
      .when({ type: "RecordOutput", output: output("flat_1080p") })
      .then([out1080, { type: "JobCompleted", data: { batchId: "b1", generation: 0 } }]);
    given([noTranscript]).when({ type: "RecordTranscript", transcript: transcript() }).then([]);
  });

  it("records an output once: a redelivered render does not add a duplicate", () => {
    given([jobQueued(), started, out1080]).when({ type: "RecordOutput", output: output("flat_1080p") }).then([]);
  });

  it("declares a completion lost between chained appends when the last part is recorded again", () => {
    // OutputRendered was stored, then a JobAttemptFailed slipped in before JobCompleted: all work done, job not terminal
    const attemptFailed: JobEvent = { type: "JobAttemptFailed", data: { stage: "transcribe", code: "X", message: "m", attempt: 1, retryInSeconds: 5 } };
    const allDone = [jobQueued(), started, out1080, outVertical, transcribed, attemptFailed];
    const completed: JobEvent = { type: "JobCompleted", data: { batchId: "b1", generation: 0 } };
    given(allDone).when({ type: "RecordOutput", output: output("flat_1080p_vertical") }).then([completed]);
    given(allDone).when({ type: "RecordTranscript", transcript: transcript() }).then([completed]);
    given([...allDone, completed]).when({ type: "RecordOutput", output: output("flat_1080p_vertical") }).then([]);
  });

  it("a retryable failure is an attempt, not a failed job; the final one fails the job", () => {
    given([jobQueued(), started]).when(failure(false)).thenTypes(["JobAttemptFailed"]);
    given([jobQueued(), started]).when(failure(true)).then([
      { type: "JobFailed", data: { stage: "render", code: "FFMPEG_FAILED", message: "boom", attempts: 1, batchId: "b1", generation: 0 } },
    ]);
  });

  it("ignores work reported after the job was cancelled", () => {
    const cancelled: JobEvent = { type: "JobCancelled", data: { batchId: "b1", reason: "user", generation: 0 } };
    given([jobQueued(), started, cancelled]).when({ type: "RecordOutput", output: output("flat_1080p") }).then([]);
    given([jobQueued(), cancelled]).when({ type: "CancelJob", reason: "again" }).then([]);
  });

  it("retries failed or cancelled jobs only, keeping finished parts", () => {
    const failed: JobEvent = { type: "JobFailed", data: { stage: "render", code: "X", message: "m", attempts: 3, batchId: "b1", generation: 0 } };
    given([jobQueued(), started, out1080, failed]).when({ type: "RetryJob" }).then([
      { type: "JobRetried", data: { batchId: "b1", generation: 1 } },
    ]);
    given([jobQueued(), started]).when({ type: "RetryJob" }).thenThrows("CONFLICT", /only a failed or cancelled job/);
    given([jobQueued(), started, out1080, outVertical, transcribed, { type: "JobCompleted", data: { batchId: "b1", generation: 0 } }])
      .when({ type: "RetryJob" })
      .thenThrows("CONFLICT", /already completed/);
    // after the retry only the missing format is rendered
    given([jobQueued(), started, out1080, failed, { type: "JobRetried", data: { batchId: "b1", generation: 1 } }, { ...started, data: { attempt: 1, worker: "w" } }])
      .when({ type: "RecordOutput", output: output("flat_1080p_vertical") })
      .then([outVertical]);
  });

  it("refuses commands for a job that was never queued", () => {
    given([]).when({ type: "CancelJob", reason: "x" }).thenThrows("NOT_FOUND");
  });
});
