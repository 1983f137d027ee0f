import type { NatsConnection } from "@nats-io/transport-node";
import { jobDecider, missingFormats, isTerminal } from "../../domain/job/job-decider";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { causedBy } from "../../core/eventlog/metadata";
import { eventTypeFilter } from "../../core/eventlog/subjects";
import { backoffDelay } from "../../core/consumers/backoff";
import { CONSUMER_DEFAULTS, type ConsumerSpec } from "../../core/consumers/durable-consumer";
import { errorCode, errorMessage } from "../../core/consumers/handler-errors";
import { RetryableError } from "../../core/consumers/handler-errors";
import type { Logger } from "../../core/log/logger";
import { publishProgress } from "../../core/progress/progress-channel";
import { uploadBlobPath, type MediaRoots } from "../../core/storage/media-paths";
import { OUTPUT_FORMATS, renderSize, type FormatId, type Quality } from "../../domain/formats";
import { isRenderError } from "./errors";
import { jobEtaSeconds } from "./job-eta";
import { renderOutput, type RendererCommand } from "./render-output";
import { retryDeadLetteredJob } from "../jobs/dead-letter-retry";
import { jobToWorkOn, watchCancellation } from "../jobs/job-pickup";

export interface RenderReactorOptions {
  readonly nc: NatsConnection;
  readonly roots: MediaRoots;
  readonly logger: Logger;
  readonly workerId: string;
  readonly concurrency: number;
  readonly maxAttempts: number;
  /** For the whole job (every format it renders), not per format. */
  readonly timeoutMs: number;
  readonly renderer?: RendererCommand;
  readonly ackWaitMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

const ACTOR = "worker:render";

/** Pixels per frame of a format as rendered at this quality: what the job ETA scales by. */
const pixels = (format: FormatId, quality: Quality) => {
  const { width, height } = renderSize(OUTPUT_FORMATS[format], quality);
  return width * height;
};

/**
 * The render worker: for each queued (or retried) job, renders every format it still lacks and
 * records each output as a milestone event. Live percent/ETA go over core NATS (4/s at most), not
 * into the log. A JobCancelled published while rendering aborts FFmpeg at once (the event is also
 * a plain NATS message on its subject, so a core subscription sees it without a consumer); the
 * subscription is made before the job is read, so a cancel arriving around pickup is never missed.
 */
export function renderReactor(store: EventStore, o: RenderReactorOptions): ConsumerSpec {
  const jobs = new AggregateRepository(store, jobDecider, "job");
  return {
    ...CONSUMER_DEFAULTS,
    name: "render",
    concurrency: o.concurrency,
    maxAttempts: o.maxAttempts,
    ackWaitMs: o.ackWaitMs ?? 60_000,
    backoffBaseMs: o.backoffBaseMs ?? 10_000,
    backoffMaxMs: o.backoffMaxMs ?? 120_000,
    filterSubjects: [eventTypeFilter(store.names, "job", "JobQueued"), eventTypeFilter(store.names, "job", "JobRetried")],

    async handle(event, ctx) {
      const jobId = event.aggregateId;
      // one deadline for the job: RENDER_TIMEOUT_MS bounds all its formats together, not each one
      const deadline = Date.now() + o.timeoutMs;
      const cancelled = await watchCancellation(o.nc, store.names, jobId);
      const stopped = () => o.logger.info("render stopped: job cancelled", { jobId });
      try {
        const { state } = await jobs.load(jobId);
        const job = jobToWorkOn(event, state);
        if (!job) return;
        const todo = missingFormats(state);
        if (todo.length === 0) return;
        const meta = () => causedBy(event, `${ACTOR}:${o.workerId}`);
        const started = await jobs.handle(jobId, { type: "StartRender", attempt: ctx.attempt, worker: o.workerId }, meta());
        // A cancel that landed after our load: the decider appended nothing and the state says so,
        // even if its message has not reached the subscription yet.
        if (isTerminal(started.state) || cancelled.signal.aborted) return stopped();

        const signal = AbortSignal.any([ctx.signal, cancelled.signal]);
        const parts = job.formats.length + (job.options.transcribe ? 1 : 0);
        const audioPath = uploadBlobPath(o.roots, job.upload.sha256);
        try {
          for (const [i, format] of todo.entries()) {
            // renderOutput checks the signal too, but as a CANCELLED failure; this is the plain stop
            if (cancelled.signal.aborted) return stopped();
            const done = job.formats.length - todo.length + i;
            const formatStartedAt = Date.now();
            const currentPixels = pixels(format, job.options.quality);
            const remainingPixels = todo.slice(i + 1).map((f) => pixels(f, job.options.quality));
            const result = await renderOutput({
              audioPath,
              audioDurationSeconds: job.upload.durationSeconds ?? undefined,
              template: job.template,
              formatId: format,
              fps: job.options.fps,
              quality: job.options.quality,
              codec: job.options.codec ?? undefined,
              outputDir: o.roots.outputDir,
              batchCreatedAt: job.batchCreatedAt,
              displayName: job.upload.fileName,
              jobId,
              contentHash: job.upload.sha256,
              signal,
              deadline,
              timeoutMs: o.timeoutMs,
              renderer: o.renderer,
              onProgress: (p) => {
                ctx.working();
                const overall = ((done + p.percent / 100) / parts) * 100;
                const eta = jobEtaSeconds({ formatEtaSeconds: p.etaSeconds, formatElapsedMs: Date.now() - formatStartedAt, currentPixels, remainingPixels });
                publishProgress(o.nc, store.names, {
                  batchId: job.batchId,
                  jobId,
                  stage: "render",
                  format,
                  percent: Math.min(100, Math.round(overall * 10) / 10),
                  etaSeconds: eta ?? null,
                  at: new Date().toISOString(),
                });
              },
            });
            const posterFileName = result.posterPath.split("/").pop() ?? null;
            await jobs.handle(jobId, {
              type: "RecordOutput",
              output: {
                format,
                fileName: result.fileName,
                bytes: result.bytes,
                width: result.width,
                height: result.height,
                codec: result.codec,
                durationSeconds: result.durationSeconds,
                posterFileName,
              },
            }, meta());
          }
        } catch (err) {
          if (cancelled.signal.aborted && !ctx.signal.aborted) return stopped();
          if (ctx.signal.aborted) throw err; // shutting down: the runtime releases the message
          const retryable = isRenderError(err) ? err.retryable : true;
          const final = !retryable || ctx.isLastAttempt;
          await jobs.handle(jobId, {
            type: "RecordFailure",
            stage: "render",
            code: isRenderError(err) ? err.code : errorCode(err),
            message: errorMessage(err),
            attempt: ctx.attempt,
            final,
            retryInSeconds: final ? null : Math.round(backoffDelay(ctx.attempt, o.backoffBaseMs ?? 10_000, o.backoffMaxMs ?? 120_000) / 1000),
          }, meta());
          if (!final) throw new RetryableError(isRenderError(err) ? err.code : "RENDER_FAILED", errorMessage(err));
          // a final failure is a recorded fact (JobFailed): ack, nothing left to retry here
        }
      } finally {
        cancelled.stop();
      }
    },

    // an operator's retry of this consumer's dead letter retries the failed job (workers/jobs)
    retryDeadLetter(event, ctx) {
      return retryDeadLetteredJob(jobs, (e, c) => this.handle(e, c), ACTOR)(event, ctx);
    },

    async onFinalFailure({ event, error, attempts }) {
      // an unexpected error (not a RenderError) on the last delivery: the job fails, visibly
      await jobs.handle(event.aggregateId, {
        type: "RecordFailure",
        stage: "render",
        code: errorCode(error),
        message: errorMessage(error),
        attempt: attempts,
        final: true,
        retryInSeconds: null,
      }, causedBy(event, ACTOR));
    },
  };
}
