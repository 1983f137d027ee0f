import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, startTestNats, type TestNats } from "../../test-support/nats";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { runConsumer, type RunningConsumer } from "../../core/consumers/durable-consumer";
import { quietLogger } from "../../core/log/logger";
import { allProgressFilter, subscribeProgress, type ProgressTick } from "../../core/progress/progress-channel";
import { mediaRoots, uploadBlobPath, type MediaRoots } from "../../core/storage/media-paths";
import { jobDecider } from "../../domain/job/job-decider";
import type { Transcript } from "../../domain/job/job-events";
import { jobQueued, options, output, upload } from "../../domain/job/fixtures";
import { transcribeReactor } from "./transcribe-reactor";
import type { WhisperClient } from "./whisper-client";
import { sha256Of, speech, whisperService, type WhisperService } from "./test-helpers";
import { freePort } from "../../core/nats/local-server";
import { storeWithHook } from "../render/test-helpers";

/** The reactor with a real nats-server and the REAL whisper-service, which is stopped and restarted mid-test. */
const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" };
let nats: TestNats;
let nc: NatsConnection;
let svc: WhisperService;
let dir: string;
let roots: MediaRoots;
let speechSha: string;
let pngSha: string;

async function putBlob(path: string, sha: string) {
  const to = uploadBlobPath(roots, sha);
  await mkdir(dirname(to), { recursive: true });
  await copyFile(path, to);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ef-transcribe-"));
  roots = mediaRoots(join(dir, "data"));
  const wav = await speech(join(dir, "talk.wav"), "Welcome to the night session. Breathe slowly and watch the flame.");
  speechSha = await sha256Of(wav);
  await putBlob(wav, speechSha);
  const png = join(dir, "cover.png");
  await writeFile(png, Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "binary"), Buffer.alloc(2048, 3)]));
  pngSha = await sha256Of(png);
  await putBlob(png, pngSha);
  [nats, svc] = await Promise.all([startTestNats(), freePort().then((p) => whisperService(p))]);
  nc = await nats.connect();
  await svc.start();
});
afterAll(async () => {
  await svc?.stop();
  await nats?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, ms = 40_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(100);
  }
}
const types = async (store: EventStore, id: string) => (await store.load("job", id)).events.map((e) => e.type);

async function start(store: EventStore, o: { maxAttempts?: number; client?: WhisperClient; reactorStore?: EventStore } = {}): Promise<RunningConsumer> {
  const spec = transcribeReactor(o.reactorStore ?? store, {
    nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 2, maxAttempts: o.maxAttempts ?? 30, whisperUrl: svc.url, client: o.client,
    ackWaitMs: 2_000, backoffBaseMs: 200, backoffMaxMs: 1_000, requestTimeoutMs: 40_000,
  });
  return runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
}

async function queue(store: EventStore, jobId: string, o: { transcribe?: boolean; sha?: string; outputs?: boolean } = {}) {
  const jobs = new AggregateRepository(store, jobDecider, "job");
  const q = jobQueued({
    jobId, formats: ["flat_1080p"], options: options({ transcribe: o.transcribe ?? true }),
    upload: { ...upload(1), fileName: "Night session.final.wav", sha256: o.sha ?? speechSha },
  });
  // the render worker is not running here: record its output first when the test wants a completed job
  if (o.outputs) {
    await jobs.handle(jobId, { type: "QueueJob", data: q.data }, meta);
    await jobs.handle(jobId, { type: "RecordOutput", output: output("flat_1080p") }, meta);
  } else await jobs.handle(jobId, { type: "QueueJob", data: q.data }, meta);
}

describe("transcribe reactor", () => {
  it("transcribes once, records the transcript with its description, completes the job, ticks progress", async () => {
    const store = await openTestStore(nc);
    const ticks: ProgressTick[] = [];
    const sub = subscribeProgress(nc, allProgressFilter(store.names), (t) => ticks.push(t));
    await queue(store, "j1", { outputs: true }); // before the worker starts: it sees the render already done
    const c = await start(store);
    await until(async () => (await types(store, "j1")).includes("JobCompleted"));
    expect(await types(store, "j1")).toEqual(["JobQueued", "OutputRendered", "TranscriptCompleted", "JobCompleted"]);
    const t = (await store.load("job", "j1")).events[2]!.data as { transcript: Transcript };
    const text = t.transcript.text.toLowerCase();
    for (const w of ["welcome", "night", "flame"]) expect(text).toContain(w);
    expect(t.transcript.language).toBe("en");
    expect(t.transcript.segments[0]).toEqual({ id: 0, start: expect.any(Number), end: expect.any(Number), text: expect.any(String) });
    expect(t.transcript.description).toMatch(/^Night session\.final\n\n.*welcome.*\n\nDuration: \d+ seconds\nLanguage: English\n\n---\nCreated with emberflow$/is);
    await sleep(200);
    expect(ticks.map((k) => [k.stage, k.percent])).toEqual([["transcribe", 50], ["transcribe", 100]]);
    sub.unsubscribe();
    await c.stop(2_000);
  });

  it("batch without transcription, undecodable audio: nothing happens, then JobFailed at once", async () => {
    const store = await openTestStore(nc);
    const c = await start(store);
    await queue(store, "off", { transcribe: false });
    await queue(store, "png", { sha: pngSha });
    await until(async () => (await types(store, "png")).includes("JobFailed"));
    const failed = (await store.load("job", "png")).events.at(-1)!;
    expect(failed.data).toMatchObject({ stage: "transcribe", code: "AUDIO_UNDECODABLE", attempts: 1 });
    expect((failed.data as { message: string }).message).toContain("415");
    await sleep(300);
    expect(await types(store, "off")).toEqual(["JobQueued"]);
    expect(c.stats.handled).toBe(2);
    await c.stop(2_000);
  });

  it("whisper-service stopped then restarted during a batch: jobs wait (no failure recorded), then get their transcripts", async () => {
    const store = await openTestStore(nc);
    await svc.stop();
    const c = await start(store);
    await queue(store, "w1");
    await queue(store, "w2", { outputs: true });
    await until(async () => c.stats.failedAttempts >= 4, 20_000); // naked with backoff, again and again
    expect(await types(store, "w1")).toEqual(["JobQueued"]); // no JobAttemptFailed noise, no JobFailed
    expect(await types(store, "w2")).toEqual(["JobQueued", "OutputRendered"]);
    await svc.start();
    await until(async () => (await types(store, "w1")).includes("TranscriptCompleted") && (await types(store, "w2")).includes("JobCompleted"));
    expect(await types(store, "w1")).toEqual(["JobQueued", "TranscriptCompleted"]); // renders still owed: not complete
    expect(await types(store, "w2")).toEqual(["JobQueued", "OutputRendered", "TranscriptCompleted", "JobCompleted"]);
    await c.stop(2_000);
  });

  it("the last attempt while the service is down fails the job, stage transcribe", async () => {
    const store = await openTestStore(nc);
    await svc.stop();
    const c = await start(store, { maxAttempts: 2 });
    await queue(store, "last");
    await until(async () => (await types(store, "last")).includes("JobFailed"), 15_000);
    const failed = (await store.load("job", "last")).events.at(-1)!;
    expect(failed.data).toMatchObject({ stage: "transcribe", code: "WHISPER_DOWN", attempts: 1 });
    expect((failed.data as { message: string }).message).toContain("gave up after 2 attempts");
    await c.stop(2_000);
  });

  it("a cancel landing right after the worker read the job is not missed: no transcription runs", async () => {
    const store = await openTestStore(nc);
    const canceller = new AggregateRepository(store, jobDecider, "job");
    let fired = false;
    // the cancel is appended between the worker's read of the job and anything it does next
    const hooked = storeWithHook(store, async (call) => {
      if (fired || call.method !== "load" || call.type !== "job" || call.id !== "cl") return;
      fired = true;
      await canceller.handle("cl", { type: "CancelJob", reason: "user" }, meta);
    });
    let completed = 0;
    // a service that answers after 300 ms unless the call is aborted first
    const slow: WhisperClient = {
      baseUrl: "fake", ready: async () => true,
      transcribe: (_p, o) => new Promise((resolve, reject) => {
        if (o.signal?.aborted) return reject(o.signal.reason as Error);
        const t = setTimeout(() => {
          completed++;
          resolve({ text: "hello", language: "en", languageProbability: 1, durationSeconds: 1, segments: [] });
        }, 300);
        o.signal?.addEventListener("abort", () => (clearTimeout(t), reject(o.signal?.reason as Error)));
      }),
    };
    const c = await start(store, { client: slow, reactorStore: hooked });
    await queue(store, "cl");
    await until(async () => c.stats.handled === 1, 10_000);
    expect(fired).toBe(true);
    expect(completed).toBe(0);
    expect(await types(store, "cl")).toEqual(["JobQueued", "JobCancelled"]);
    expect(c.stats.failedAttempts).toBe(0);
    await c.stop(2_000);
  });

  it("a JobCancelled aborts the call in flight: acked, nothing recorded", async () => {
    const store = await openTestStore(nc);
    let started = false;
    let abortedWith: unknown = null;
    // a service that never answers, so only the cancellation can end the call
    const hanging: WhisperClient = {
      baseUrl: "fake", ready: async () => true,
      transcribe: (_p, o) => new Promise((_r, reject) => {
        started = true;
        o.signal?.addEventListener("abort", () => reject((abortedWith = o.signal?.reason)));
      }),
    };
    const c = await start(store, { client: hanging });
    await queue(store, "cx");
    await until(async () => started, 10_000);
    await new AggregateRepository(store, jobDecider, "job").handle("cx", { type: "CancelJob", reason: "user" }, meta);
    await until(async () => c.stats.handled === 1, 10_000);
    expect((abortedWith as Error).message).toBe("job cancelled");
    expect(await types(store, "cx")).toEqual(["JobQueued", "JobCancelled"]);
    expect(c.stats.failedAttempts).toBe(0);
    await c.stop(2_000);
  });
});
