import type { NatsConnection } from "@nats-io/transport-node";
import { jobDecider, transcriptOwed, type JobState } from "../../domain/job/job-decider";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { causedBy } from "../../core/eventlog/metadata";
import { eventTypeFilter } from "../../core/eventlog/subjects";
import { backoffDelay } from "../../core/consumers/backoff";
import { CONSUMER_DEFAULTS, type ConsumerSpec } from "../../core/consumers/durable-consumer";
import { PermanentError, RetryableError, errorCode, errorMessage } from "../../core/consumers/handler-errors";
import type { Logger } from "../../core/log/logger";
import { publishProgress } from "../../core/progress/progress-channel";
import { uploadBlobPath, type MediaRoots } from "../../core/storage/media-paths";
import { formatDescription } from "./description";
import { createWhisperClient, type WhisperClient } from "./whisper-client";
import { retryDeadLetteredJob } from "../jobs/dead-letter-retry";
import { jobToWorkOn, watchCancellation } from "../jobs/job-pickup";

export interface TranscribeReactorOptions {
  readonly nc: NatsConnection;
  readonly roots: MediaRoots;
  readonly logger: Logger;
  readonly workerId: string;
  readonly concurrency: number;
  /** High by default (30): an outage of the whisper-service should make jobs wait, not fail. */
  readonly maxAttempts: number;
  readonly whisperUrl: string;
  readonly ackWaitMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Limit for one transcription request (upload + inference). */
  readonly requestTimeoutMs?: number;
  /** For tests and benches; built from whisperUrl otherwise. */
  readonly client?: WhisperClient;
}

const ACTOR = "worker:transcribe";

/**
 * The transcription worker: one whisper-service call per job (the seed transcribed once per
 * format), running beside the render worker on its own durable consumer, so a long render never
 * delays the transcript nor the other way round. RecordTranscript completes the job when the
 * renders are already done.
 *
 * While the service is down or busy, the message is nak'ed with a capped backoff for up to
 * `maxAttempts` deliveries and nothing is recorded: a JobAttemptFailed would turn a job that is
 * rendering fine into RETRYING and count towards its failed attempts, for what is only a wait.
 * Only a permanent refusal (undecodable audio, ...) or the last attempt records JobFailed.
 */
export function transcribeReactor(store: EventStore, o: TranscribeReactorOptions): ConsumerSpec {
  const jobs = new AggregateRepository(store, jobDecider, "job");
  const backoffBaseMs = o.backoffBaseMs ?? 5_000;
  const backoffMaxMs = o.backoffMaxMs ?? 60_000;
  const ackWaitMs = o.ackWaitMs ?? 60_000;
  const client = o.client ?? createWhisperClient({ baseUrl: o.whisperUrl, timeoutMs: o.requestTimeoutMs ?? 60 * 60_000 });
  const log = o.logger.child({ worker: "transcribe" });

  return {
    ...CONSUMER_DEFAULTS,
    name: "transcribe",
    concurrency: o.concurrency,
    maxAttempts: o.maxAttempts,
    ackWaitMs,
    backoffBaseMs,
    backoffMaxMs,
    filterSubjects: [eventTypeFilter(store.names, "job", "JobQueued"), eventTypeFilter(store.names, "job", "JobRetried")],

    async handle(event, ctx) {
      const jobId = event.aggregateId;
      const cancelled = await watchCancellation(o.nc, store.names, jobId);
      let heartbeat: NodeJS.Timeout | undefined;
      try {
        const { state } = await jobs.load(jobId);
        const job = jobToWorkOn(event, state);
        if (!job) return;
        // batch asked for no transcript, or a retry of a job whose transcript is already recorded
        if (!transcriptOwed(state)) return;
        if (cancelled.signal.aborted) return void log.info("transcription stopped: job cancelled", { jobId });
        const meta = () => causedBy(event, `${ACTOR}:${o.workerId}`);
        const tick = (percent: number) =>
          publishProgress(o.nc, store.names, {
            batchId: job.batchId, jobId, stage: "transcribe", format: null, percent, etaSeconds: null, at: new Date().toISOString(),
          });
        tick(jobPercent(state));

        // the runtime heartbeats too; this keeps a long inference alive even with a short ackWait
        heartbeat = setInterval(() => ctx.working(), Math.max(200, Math.floor(ackWaitMs / 3)));
        try {
          const r = await client.transcribe(uploadBlobPath(o.roots, job.upload.sha256), {
            fileName: job.upload.fileName,
            signal: AbortSignal.any([ctx.signal, cancelled.signal]),
          });
          ctx.working();
          const done = await jobs.handle(jobId, {
            type: "RecordTranscript",
            transcript: {
              text: r.text,
              language: r.language,
              languageProbability: r.languageProbability,
              durationSeconds: r.durationSeconds,
              segments: r.segments.map((s) => ({ id: s.id, start: s.start, end: s.end, text: s.text })),
              description: formatDescription({ fileName: job.upload.fileName, text: r.text, durationSeconds: r.durationSeconds, language: r.language }),
            },
          }, meta());
          tick(jobPercent(done.state));
          log.info("transcript recorded", { jobId, seconds: r.durationSeconds, language: r.language, attempt: ctx.attempt });
        } catch (err) {
          if (cancelled.signal.aborted && !ctx.signal.aborted) {
            log.info("transcription stopped: job cancelled", { jobId });
            return;
          }
          if (ctx.signal.aborted) throw err; // shutting down: the runtime releases the message
          const permanent = err instanceof PermanentError;
          if (permanent || ctx.isLastAttempt) {
            await jobs.handle(jobId, {
              type: "RecordFailure",
              stage: "transcribe",
              code: errorCode(err),
              message: permanent ? errorMessage(err) : `${errorMessage(err)} (gave up after ${ctx.attempt} attempts)`,
              attempt: ctx.attempt,
              final: true,
              retryInSeconds: null,
            }, meta());
            return; // JobFailed is the recorded outcome: ack, nothing left to retry
          }
          const code = errorCode(err);
          const wait = delayFor(err, ctx.attempt, backoffBaseMs, backoffMaxMs);
          log.warn("transcription deferred", { jobId, attempt: ctx.attempt, of: ctx.maxAttempts, code, retryInMs: wait, error: errorMessage(err) });
          throw new RetryableError(code === "INTERNAL" ? "TRANSCRIBE_FAILED" : code, errorMessage(err), wait, { cause: err });
        }
      } finally {
        clearInterval(heartbeat);
        cancelled.stop();
      }
    },

    // an operator's retry of this consumer's dead letter retries the failed job (workers/jobs)
    retryDeadLetter(event, ctx) {
      return retryDeadLetteredJob(jobs, (e, c) => this.handle(e, c), ACTOR)(event, ctx);
    },

    async onFinalFailure({ event, error, attempts }) {
      // an unexpected error on the last delivery (NATS hiccup while recording, a bug): fail visibly
      await jobs.handle(event.aggregateId, {
        type: "RecordFailure",
        stage: "transcribe",
        code: errorCode(error),
        message: errorMessage(error),
        attempt: attempts,
        final: true,
        retryInSeconds: null,
      }, causedBy(event, ACTOR));
    },
  };
}

/**
 * Redelivery delay: exponential backoff capped at backoffMaxMs; a Retry-After from the service
 * is honoured when longer, but never beyond the cap (a stuck header must not park jobs for hours).
 */
export function delayFor(err: unknown, attempt: number, baseMs: number, maxMs: number): number {
  const backoff = backoffDelay(attempt, baseMs, maxMs);
  const hinted = err instanceof RetryableError ? err.retryAfterMs : undefined;
  return Math.min(maxMs, Math.max(backoff, hinted ?? 0));
}

/** Job-wide percent as the render worker counts it: each format and the transcript are one part. */
function jobPercent(s: JobState): number {
  const job = s.queued;
  if (!job) return 0;
  const parts = job.formats.length + (job.options.transcribe ? 1 : 0);
  const done = Object.keys(s.outputs).length + (s.transcript ? 1 : 0);
  return parts === 0 ? 100 : Math.min(100, Math.round((done / parts) * 1000) / 10);
}
