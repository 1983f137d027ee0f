/**
 * Test helpers for the integration reactors: drive the domain through the deciders (as the API and
 * workers would), with real output files, and run reactors with the production runtime.
 */
import { writeFile } from "node:fs/promises";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { startReactor } from "../../core/consumers/reactor";
import type { ConsumerSpec, RunningConsumer } from "../../core/consumers/durable-consumer";
import { quietLogger } from "../../core/log/logger";
import { outputPath, type MediaRoots } from "../../core/storage/media-paths";
import { batchDecider } from "../../domain/batch/batch-decider";
import type { JobOutcome } from "../../domain/batch/batch-events";
import { jobDecider } from "../../domain/job/job-decider";
import { options as batchOptions, transcript, upload } from "../../domain/job/fixtures";
import type { BatchOptions, RenderedOutput } from "../../domain/job/job-events";
import type { FormatId } from "../../domain/formats";
import type { IntegrationTuning } from "./integration-reactors.js";

export const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" };
/** Short enough that retries happen within a test, long enough not to spin. */
export const FAST: IntegrationTuning = {
  consumer: { ackWaitMs: 5_000, backoffBaseMs: 150, backoffMaxMs: 600, maxAttempts: 6, concurrency: 2 },
  httpTimeoutMs: 2_000,
  driveWaitMs: 150,
  sheetsBackoff: { maxAttempts: 2, baseDelayMs: 10 },
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function until(check: () => Promise<boolean> | boolean, ms = 15_000, what = "condition") {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met in time`);
    await sleep(50);
  }
}

export function domain(store: EventStore, roots: MediaRoots) {
  const batches = new AggregateRepository(store, batchDecider, "batch");
  const jobs = new AggregateRepository(store, jobDecider, "job");
  return {
    batches,
    jobs,
    /** CreateBatch plus the JobQueued events the workflow would write. */
    async createBatch(batchId: string, n: number, o: Partial<BatchOptions> = {}, formats: FormatId[] = ["flat_1080p"]) {
      const opts = batchOptions({ transcribe: false, ...o });
      const items = Array.from({ length: n }, (_, i) => ({ jobId: `${batchId}-j${i + 1}`, uploadId: `u${i}`, upload: upload(i + 1) }));
      await batches.handle(batchId, { type: "CreateBatch", batchId, name: `Batch ${batchId} 雨`, template: "flame", formats, options: opts, items, idempotencyKey: null, maxItems: 100 }, meta);
      for (const [index, item] of items.entries()) {
        await jobs.handle(item.jobId, {
          type: "QueueJob",
          data: { jobId: item.jobId, batchId, index, batchName: `Batch ${batchId} 雨`, batchCreatedAt: "2026-12-01T00:00:00.000Z", upload: item.upload, template: "flame", formats, options: opts },
        }, meta);
      }
      return items.map((i) => i.jobId);
    },
    /** Writes a real small output file and records it (JobCompleted follows when it was the last). */
    async render(jobId: string, format: FormatId = "flat_1080p", bytes = 4096) {
      const fileName = `${jobId}_${format}_v1.mp4`;
      await writeFile(outputPath(roots, fileName), Buffer.alloc(bytes, jobId.length));
      const output: RenderedOutput = { format, fileName, bytes, width: 480, height: 270, codec: "h264", durationSeconds: 3, posterFileName: null };
      await jobs.handle(jobId, { type: "StartRender", attempt: 1, worker: "w" }, meta);
      return jobs.handle(jobId, { type: "RecordOutput", output }, meta);
    },
    transcribe: (jobId: string) => jobs.handle(jobId, { type: "RecordTranscript", transcript: transcript() }, meta),
    failAttempt: (jobId: string, attempt: number) =>
      jobs.handle(jobId, { type: "RecordFailure", stage: "render", code: "FFMPEG_FAILED", message: "boom", attempt, final: false, retryInSeconds: 1 }, meta),
    failFinal: (jobId: string, attempt: number) =>
      jobs.handle(jobId, { type: "RecordFailure", stage: "render", code: "FFMPEG_FAILED", message: "boom", attempt, final: true, retryInSeconds: null }, meta),
    /** What the batch workflow does when a job ends; the last one appends BatchCompleted. */
    settle: (batchId: string, jobId: string, outcome: JobOutcome = "succeeded") =>
      batches.handle(batchId, { type: "SettleJob", jobId, outcome, generation: 0 }, meta),
    requestExport: (batchId: string) => batches.handle(batchId, { type: "RequestSheetsExport" }, meta),
  };
}

export async function startAll(store: EventStore, specs: readonly ConsumerSpec[]): Promise<{ running: RunningConsumer[]; stop(): Promise<void> }> {
  const running = await Promise.all(specs.map((s) => startReactor(store, s, { logger: quietLogger(), actor: "worker:integrations" })));
  return { running, stop: async () => void (await Promise.all(running.map((r) => r.stop(2_000)))) };
}

/** Event types of one delivery aggregate, in order. */
export const deliveryTypes = async (store: EventStore, id: string) => (await store.load("delivery", id)).events.map((e) => e.type);
export const deliveryEvents = async (store: EventStore, id: string) => (await store.load("delivery", id)).events;
/** Every delivery event in the log (tests use a private stream). */
export async function allDeliveryEvents(store: EventStore) {
  const last = await store.lastPosition();
  const out = [];
  for (let seq = 1; seq <= last; seq++) {
    const e = await store.get(seq);
    if (e?.aggregateType === "delivery") out.push(e);
  }
  return out;
}
