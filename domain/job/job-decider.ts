import type { FormatId } from "../formats";
import { conflict, notFound } from "../shared/domain-error";
import type { Decider } from "../shared/decider";
import type { JobCommand } from "./job-commands";
import type { JobEvent, JobFailure, JobQueued, RenderedOutput, Transcript } from "./job-events";

export type JobStatus = "QUEUED" | "RENDERING" | "TRANSCRIBING" | "RETRYING" | "COMPLETED" | "FAILED" | "CANCELLED";
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ["COMPLETED", "FAILED", "CANCELLED"];

export interface JobState {
  readonly queued: JobQueued["data"] | null;
  readonly status: JobStatus;
  readonly outputs: Readonly<Partial<Record<FormatId, RenderedOutput>>>;
  readonly transcript: Transcript | null;
  /** Highest render attempt that announced itself, so redeliveries do not repeat RenderStarted. */
  readonly renderAttempt: number;
  /** Attempts that failed across all generations (shown as `attempts` in GraphQL). */
  readonly failedAttempts: number;
  /** Bumped by each retry, so workers can tell a retry from a redelivery. */
  readonly generation: number;
  readonly error: JobFailure | null;
}

export const isTerminal = (s: JobState) => TERMINAL_JOB_STATUSES.includes(s.status);

/** Formats still to render; the transcript is owed when the batch asked for one. */
export function missingFormats(s: JobState): FormatId[] {
  return (s.queued?.formats ?? []).filter((f) => !s.outputs[f]);
}
export const transcriptOwed = (s: JobState) => Boolean(s.queued?.options.transcribe) && s.transcript === null;
const workDone = (s: JobState) => missingFormats(s).length === 0 && !transcriptOwed(s);

function inProgressStatus(s: JobState): JobStatus {
  if (missingFormats(s).length > 0) return s.renderAttempt > 0 ? "RENDERING" : "QUEUED";
  return transcriptOwed(s) ? "TRANSCRIBING" : "COMPLETED";
}

function requireJob(s: JobState): JobQueued["data"] {
  if (!s.queued) throw notFound("Job not found: it was never queued.");
  return s.queued;
}

/**
 * A part recorded again (a redelivery, or the same decision again after a conflict). Appends of
 * several events are chained, not atomic: a writer slipping in between OutputRendered and its
 * JobCompleted (a JobAttemptFailed, say) leaves a job with all its work done that never completes.
 * Deciding again then declares the completion that was lost; otherwise the part adds nothing.
 */
function completionLost(s: JobState, job: JobQueued["data"]): JobEvent[] {
  return workDone(s) ? [{ type: "JobCompleted", data: { batchId: job.batchId, generation: s.generation } }] : [];
}

function decide(command: JobCommand, s: JobState): JobEvent[] {
  if (command.type === "QueueJob") {
    if (s.queued) return []; // the workflow may queue twice after a crash; the first one stands
    return [{ type: "JobQueued", data: command.data }];
  }
  const job = requireJob(s);
  switch (command.type) {
    case "StartRender":
      if (isTerminal(s) || command.attempt <= s.renderAttempt || missingFormats(s).length === 0) return [];
      return [{ type: "RenderStarted", data: { attempt: command.attempt, worker: command.worker } }];
    case "RecordOutput": {
      if (isTerminal(s) || !job.formats.includes(command.output.format)) return [];
      if (s.outputs[command.output.format]) return completionLost(s, job);
      const events: JobEvent[] = [{ type: "OutputRendered", data: { output: command.output } }];
      const next = events.reduce(evolve, s);
      return workDone(next) ? [...events, { type: "JobCompleted", data: { batchId: job.batchId, generation: s.generation } }] : events;
    }
    case "RecordTranscript": {
      if (isTerminal(s)) return [];
      if (!transcriptOwed(s)) return completionLost(s, job);
      const events: JobEvent[] = [{ type: "TranscriptCompleted", data: { transcript: command.transcript } }];
      const next = events.reduce(evolve, s);
      return workDone(next) ? [...events, { type: "JobCompleted", data: { batchId: job.batchId, generation: s.generation } }] : events;
    }
    case "RecordFailure": {
      if (isTerminal(s)) return [];
      const failure = { stage: command.stage, code: command.code, message: command.message };
      if (command.final)
        return [{ type: "JobFailed", data: { ...failure, attempts: s.failedAttempts + 1, batchId: job.batchId, generation: s.generation } }];
      return [
        { type: "JobAttemptFailed", data: { ...failure, attempt: command.attempt, retryInSeconds: command.retryInSeconds } },
      ];
    }
    case "CancelJob":
      if (isTerminal(s)) return [];
      return [{ type: "JobCancelled", data: { batchId: job.batchId, reason: command.reason, generation: s.generation } }];
    case "RetryJob":
      if (s.status === "COMPLETED") throw conflict("Job already completed: there is nothing to retry.");
      if (!isTerminal(s)) throw conflict(`Job is ${s.status.toLowerCase()}: only a failed or cancelled job can be retried.`);
      return [{ type: "JobRetried", data: { batchId: job.batchId, generation: s.generation + 1 } }];
  }
}

function evolve(s: JobState, e: JobEvent): JobState {
  switch (e.type) {
    case "JobQueued":
      return { ...s, queued: e.data, status: "QUEUED" };
    case "RenderStarted":
      return { ...s, renderAttempt: e.data.attempt, status: "RENDERING" };
    case "OutputRendered":
      return afterProgress(s, { ...s, outputs: { ...s.outputs, [e.data.output.format]: e.data.output } });
    case "TranscriptCompleted":
      return afterProgress(s, { ...s, transcript: e.data.transcript });
    case "JobAttemptFailed":
      return { ...s, status: "RETRYING", failedAttempts: s.failedAttempts + 1, error: pickFailure(e.data) };
    case "JobFailed":
      return { ...s, status: "FAILED", failedAttempts: s.failedAttempts + 1, error: pickFailure(e.data) };
    case "JobCompleted":
      // a success clears the error of an earlier attempt (the seed kept it forever)
      return { ...s, status: "COMPLETED", error: null };
    case "JobCancelled":
      return { ...s, status: "CANCELLED" };
    case "JobRetried":
      return { ...s, status: "QUEUED", generation: e.data.generation, renderAttempt: 0, error: null };
  }
}

/** Progress clears RETRYING; "all done" waits for the JobCompleted event that always follows. */
function afterProgress(prev: JobState, next: JobState): JobState {
  const st = inProgressStatus(next);
  return { ...next, status: st === "COMPLETED" ? prev.status : st };
}

const pickFailure = (d: JobFailure): JobFailure => ({ stage: d.stage, code: d.code, message: d.message });

export const jobDecider: Decider<JobCommand, JobEvent, JobState> = {
  aggregateType: "job",
  decide,
  evolve,
  initialState: () => ({
    queued: null,
    status: "QUEUED",
    outputs: {},
    transcript: null,
    renderAttempt: 0,
    failedAttempts: 0,
    generation: 0,
    error: null,
  }),
};
