import { createHash } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../test-support/nats";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { runConsumer } from "../../core/consumers/durable-consumer";
import { quietLogger } from "../../core/log/logger";
import { allProgressFilter, subscribeProgress, type ProgressTick } from "../../core/progress/progress-channel";
import { mediaRoots, uploadBlobPath, type MediaRoots } from "../../core/storage/media-paths";
import { jobDecider } from "../../domain/job/job-decider";
import { jobQueued, options } from "../../domain/job/fixtures";
import type { FormatId } from "../../domain/formats";
import { makeAudio, storeWithHook, tempDir, type StoreCall } from "./test-helpers";
import { renderReactor } from "./render-reactor";

const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" };
let nats: TestNats;
let nc: NatsConnection;
let work: string;
const children: ChildProcess[] = []; // worker processes: killed in afterAll even when a test fails midway
beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  work = await tempDir("reactor");
});
afterAll(async () => {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  await nats?.stop();
  await rm(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(100);
  }
}

/** Puts an audio file into content-addressed upload storage, as POST /uploads would. */
async function storeUpload(roots: MediaRoots, file: string) {
  const bytes = await readFile(file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const blob = uploadBlobPath(roots, sha256);
  await mkdir(dirname(blob), { recursive: true });
  await copyFile(file, blob);
  return { uploadId: `u-${sha256.slice(0, 8)}`, fileName: "Mr. Smith Talk.mp3", size: bytes.length, sha256, contentType: "audio/wav", durationSeconds: null };
}

async function queueJob(store: EventStore, jobId: string, upload: Awaited<ReturnType<typeof storeUpload>>, formats: FormatId[], quality: "draft" | "balanced" = "draft") {
  const jobs = new AggregateRepository(store, jobDecider, "job");
  await jobs.handle(jobId, { type: "QueueJob", data: jobQueued({ jobId, upload, formats, options: options({ transcribe: false, quality }) }).data }, meta);
}
const types = async (store: EventStore, id: string) => (await store.load("job", id)).events.map((e) => e.type);

describe("render worker on the event log", () => {
  it("renders every format, records each output once, streams throttled progress, completes the job", async () => {
    const store = await openTestStore(nc);
    const roots = mediaRoots(join(work, "a"));
    const upload = await storeUpload(roots, await makeAudio(work, 2));
    const ticks: ProgressTick[] = [];
    const sub = subscribeProgress(nc, allProgressFilter(store.names), (t) => ticks.push(t));
    const spec = renderReactor(store, { nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 1, maxAttempts: 3, timeoutMs: 60_000 });
    const c = await runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
    await queueJob(store, "job-a", upload, ["flat_1080p", "flat_1080p_square"]);
    await until(async () => (await types(store, "job-a")).includes("JobCompleted"));
    const events = (await store.load("job", "job-a")).events;
    expect(events.map((e) => e.type)).toEqual(["JobQueued", "RenderStarted", "OutputRendered", "OutputRendered", "JobCompleted"]);
    const names = events.filter((e) => e.type === "OutputRendered").map((e) => (e.data as { output: { fileName: string } }).output.fileName);
    expect(names).toEqual(["20261201_mr_smith_talk_flat_1080p_v1.mp4", "20261201_mr_smith_talk_flat_1080p_square_v1.mp4"]);
    const files = await readdir(roots.outputDir);
    expect(files.filter((f) => f.endsWith(".mp4")).sort()).toEqual([...names].sort());
    expect(files.some((f) => f.includes(".tmp") || f.includes("partial"))).toBe(false);
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.every((t) => t.jobId === "job-a" && t.stage === "render" && t.percent >= 0 && t.percent <= 100)).toBe(true);
    sub.unsubscribe();
    await c.stop();
  });

  it("fails undecodable audio at once with a clear code, without retries", async () => {
    const store = await openTestStore(nc);
    const roots = mediaRoots(join(work, "b"));
    const junk = join(work, "junk.mp3");
    await writeFile(junk, Buffer.from("ID3 this is not really audio at all ".repeat(50)));
    const upload = await storeUpload(roots, junk);
    const spec = renderReactor(store, { nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 1, maxAttempts: 3, timeoutMs: 60_000 });
    const c = await runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
    await queueJob(store, "job-b", upload, ["flat_1080p"]);
    await until(async () => (await types(store, "job-b")).includes("JobFailed"));
    const failed = (await store.load("job", "job-b")).events.at(-1)!;
    expect(failed.data).toMatchObject({ code: "AUDIO_UNDECODABLE", stage: "render", attempts: 1 });
    expect(await types(store, "job-b")).not.toContain("JobAttemptFailed");
    expect((await readdir(roots.outputDir).catch(() => [])).length).toBe(0);
    await c.stop();
  });

  it("stops FFmpeg within 2 s when the job is cancelled, leaving no partial file", async () => {
    const store = await openTestStore(nc);
    const roots = mediaRoots(join(work, "c"));
    const upload = await storeUpload(roots, await makeAudio(work, 60, "long.wav"));
    const spec = renderReactor(store, { nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 1, maxAttempts: 3, timeoutMs: 120_000 });
    const c = await runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
    await queueJob(store, "job-c", upload, ["flat_1080p"], "balanced");
    await until(async () => (await types(store, "job-c")).includes("RenderStarted"));
    await sleep(1_000);
    const jobs = new AggregateRepository(store, jobDecider, "job");
    const t0 = Date.now();
    await jobs.handle("job-c", { type: "CancelJob", reason: "test" }, meta);
    await until(async () => c.stats.handled === 1, 5_000);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await readdir(roots.outputDir).catch(() => [])).toEqual([]);
    expect(await types(store, "job-c")).toEqual(["JobQueued", "RenderStarted", "JobCancelled"]);
    await c.stop();
  });

  // A cancel landing in the worker's own steps around pickup: after it read the job, and after it
  // recorded RenderStarted. Either way nothing renders and nothing is published.
  for (const [label, lands] of [
    ["after the worker read the job", (c: StoreCall) => c.method === "load"],
    ["after RenderStarted was recorded", (c: StoreCall) => c.method === "append" && c.eventTypes.includes("RenderStarted")],
  ] as const) {
    it(`a cancel landing ${label} is not missed: no render, no output`, async () => {
      const store = await openTestStore(nc);
      const roots = mediaRoots(join(work, `x-${label.length}`));
      const upload = await storeUpload(roots, await makeAudio(work, 2));
      const canceller = new AggregateRepository(store, jobDecider, "job");
      let fired = false;
      const hooked = storeWithHook(store, async (call) => {
        if (fired || call.type !== "job" || call.id !== "job-x" || !lands(call)) return;
        fired = true;
        await canceller.handle("job-x", { type: "CancelJob", reason: "test" }, meta);
      });
      const spec = renderReactor(hooked, { nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 1, maxAttempts: 3, timeoutMs: 60_000 });
      const c = await runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
      await queueJob(store, "job-x", upload, ["flat_1080p"]);
      await until(async () => c.stats.handled === 1, 30_000);
      expect(fired).toBe(true);
      const seen = await types(store, "job-x");
      expect(seen).not.toContain("OutputRendered");
      expect(seen.at(-1)).toBe("JobCancelled");
      expect(await readdir(roots.outputDir).catch(() => [])).toEqual([]);
      await c.stop();
    });
  }

  it("RENDER_TIMEOUT_MS bounds the whole job, not each format: two formats that each fit, together do not", async () => {
    const store = await openTestStore(nc);
    const roots = mediaRoots(join(work, "t"));
    const upload = await storeUpload(roots, await makeAudio(work, 2));
    // each format takes 3 s (+ a quick encode) against a 5 s limit: one fits, two do not
    const render =
      "ffmpeg -hide_banner -loglevel error -nostdin -y -i {input} -f lavfi -i color=c=orange:s={width}x{height}:r={fps} " +
      "-map 1:v -map 0:a -shortest -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac {output}";
    const renderer = ["sh", "-c", `sleep 3; exec ${render}`];
    const spec = renderReactor(store, { nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 1, maxAttempts: 1, timeoutMs: 5_000, renderer });
    const c = await runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
    const t0 = Date.now();
    await queueJob(store, "job-t", upload, ["flat_1080p", "flat_1080p_square"]);
    await until(async () => (await types(store, "job-t")).some((t) => t === "JobFailed" || t === "JobCompleted"), 30_000);
    expect(Date.now() - t0).toBeLessThan(9_000); // 5 s and the failure recorded, not two full formats
    const events = (await store.load("job", "job-t")).events;
    expect(events.map((e) => e.type)).toEqual(["JobQueued", "RenderStarted", "OutputRendered", "JobFailed"]);
    expect(events[3]!.data).toMatchObject({ stage: "render", code: "TIMEOUT", message: expect.stringContaining("within 5 s") });
    const mp4s = (await readdir(roots.outputDir)).filter((f) => f.endsWith(".mp4"));
    expect(mp4s).toEqual(["20261201_mr_smith_talk_flat_1080p_v1.mp4"]);
    await c.stop();
  });

  it("options the engine does not know fail the job at once (INVALID_OPTIONS), without retries", async () => {
    const store = await openTestStore(nc);
    const roots = mediaRoots(join(work, "i"));
    const upload = await storeUpload(roots, await makeAudio(work, 2));
    const spec = renderReactor(store, {
      nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 1, maxAttempts: 3, timeoutMs: 60_000, backoffBaseMs: 200, backoffMaxMs: 400,
    });
    const c = await runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
    const jobs = new AggregateRepository(store, jobDecider, "job");
    // a template this worker does not have (an older worker than the server that queued it, say)
    const data = jobQueued({ jobId: "job-i", upload, formats: ["flat_1080p"], template: "ember" as never, options: options({ transcribe: false, quality: "draft" }) }).data;
    await jobs.handle("job-i", { type: "QueueJob", data }, meta);
    await until(async () => (await types(store, "job-i")).includes("JobFailed"), 20_000);
    expect(await types(store, "job-i")).toEqual(["JobQueued", "RenderStarted", "JobFailed"]);
    expect((await store.load("job", "job-i")).events.at(-1)!.data).toMatchObject({ code: "INVALID_OPTIONS", attempts: 1, message: "Unknown template: ember" });
    await c.stop();
  });

  it("a retryable render failure is retried on redelivery and then succeeds: JobAttemptFailed, then the output, no JobFailed", async () => {
    const store = await openTestStore(nc);
    const roots = mediaRoots(join(work, "r"));
    const upload = await storeUpload(roots, await makeAudio(work, 2));
    // an external engine that fails once (leaving a marker) and renders on the next attempt: a real
    // non-zero exit of a real process, so the reactor sees the same FFMPEG_FAILED a crashing engine gives
    const marker = join(work, "failed-once");
    const render =
      "ffmpeg -hide_banner -loglevel error -nostdin -y -i {input} -f lavfi -i color=c=orange:s={width}x{height}:r={fps} " +
      "-map 1:v -map 0:a -shortest -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac {output}";
    const renderer = ["sh", "-c", `if [ -e ${marker} ]; then exec ${render}; fi; touch ${marker}; echo 'engine lost its GPU' >&2; exit 1`];
    const spec = renderReactor(store, {
      nc, roots, logger: quietLogger(), workerId: "w1", concurrency: 1, maxAttempts: 3, timeoutMs: 60_000, renderer, backoffBaseMs: 1_000, backoffMaxMs: 2_000,
    });
    const c = await runConsumer(store, spec, { logger: quietLogger(), deadLetters: { record: async () => {} } });
    await queueJob(store, "job-r", upload, ["flat_1080p"]);
    await until(async () => (await types(store, "job-r")).includes("JobCompleted"));
    await sleep(500); // a stray extra delivery would show up as more events
    const events = (await store.load("job", "job-r")).events;
    expect(events.map((e) => e.type)).toEqual(["JobQueued", "RenderStarted", "JobAttemptFailed", "RenderStarted", "OutputRendered", "JobCompleted"]);
    expect(events[2]!.data).toMatchObject({ stage: "render", code: "FFMPEG_FAILED", attempt: 1, retryInSeconds: 1 });
    expect((events[2]!.data as { message: string }).message).toContain("engine lost its GPU");
    expect(events.filter((e) => e.type === "RenderStarted").map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2]);
    expect(c.stats).toMatchObject({ handled: 1, failedAttempts: 1, redeliveries: 1, deadLettered: 0 });
    const mp4s = (await readdir(roots.outputDir)).filter((f) => f.endsWith(".mp4"));
    expect(mp4s).toEqual(["20261201_mr_smith_talk_flat_1080p_v1.mp4"]);
    await c.stop();
  });

  it("a worker killed with SIGKILL mid-render: the job is redelivered and finishes with one output per format", { timeout: 240_000 }, async () => {
    const store = await openTestStore(nc);
    const dataDir = join(work, "d");
    const roots = mediaRoots(dataDir);
    const upload = await storeUpload(roots, await makeAudio(work, 30, "medium.wav"));
    const env = {
      ...process.env,
      NATS_URL: nats.server.url,
      EVENT_STREAM: store.names.stream,
      EVENT_SUBJECT_PREFIX: store.names.prefix,
      DATA_DIR: dataDir,
      ACK_WAIT_MS: "2000",
      BACKOFF_BASE_MS: "200",
      LOG_LEVEL: "error",
    };
    const start = (workerId: string): ChildProcess => {
      const p = spawn(process.execPath, ["--import", "tsx", resolve("workers/main.ts"), "render"], { env: { ...env, WORKER_ID: workerId }, stdio: "ignore" });
      children.push(p);
      return p;
    };
    // the kill lands on FFmpeg's first progress tick for the first format: provably mid-render
    const ticks: ProgressTick[] = [];
    const sub = subscribeProgress(nc, allProgressFilter(store.names), (t) => ticks.push(t));
    const first = start("killed");
    await queueJob(store, "job-d", upload, ["flat_1080p", "flat_1080p_vertical"], "draft");
    await until(async () => ticks.some((t) => t.jobId === "job-d" && t.format === "flat_1080p"));
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    sub.unsubscribe();
    // read after the process is gone, so nothing it did can land later: it had started, finished nothing
    expect(await types(store, "job-d")).toEqual(["JobQueued", "RenderStarted"]);
    const second = start("survivor");
    try {
      await until(async () => (await types(store, "job-d")).includes("JobCompleted"), 200_000);
      await sleep(2_500); // longer than ACK_WAIT_MS: a duplicate redelivery would have appended by now
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }
    const events = (await store.load("job", "job-d")).events;
    expect(events.map((e) => e.type)).toEqual(["JobQueued", "RenderStarted", "RenderStarted", "OutputRendered", "OutputRendered", "JobCompleted"]);
    expect(events.filter((e) => e.type === "RenderStarted").map((e) => e.data)).toEqual([{ attempt: 1, worker: "killed" }, { attempt: 2, worker: "survivor" }]);
    const formats = events.filter((e) => e.type === "OutputRendered").map((e) => (e.data as { output: { format: string } }).output.format);
    expect(formats.sort()).toEqual(["flat_1080p", "flat_1080p_vertical"]);
    // the killed worker's hidden temporary stays until a worker start-up removes stale ones; published names are exact
    const mp4s = (await readdir(roots.outputDir)).filter((f) => f.endsWith(".mp4") && !f.startsWith("."));
    expect(mp4s.sort()).toEqual(["20261201_mr_smith_talk_flat_1080p_v1.mp4", "20261201_mr_smith_talk_flat_1080p_vertical_v1.mp4"]);
  });
});
