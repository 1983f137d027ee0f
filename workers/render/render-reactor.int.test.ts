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
import { makeAudio, tempDir } from "./test-helpers";
import { renderReactor } from "./render-reactor";

const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" };
let nats: TestNats;
let nc: NatsConnection;
let work: string;
beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  work = await tempDir("reactor");
});
afterAll(async () => {
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

  it("a worker killed with SIGKILL mid-job: the job is redelivered and finishes with one output per format", { timeout: 240_000 }, async () => {
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
    const start = (): ChildProcess =>
      spawn(process.execPath, ["--import", "tsx", resolve("workers/main.ts"), "render"], { env, stdio: "ignore" });
    const first = start();
    await queueJob(store, "job-d", upload, ["flat_1080p", "flat_1080p_vertical"], "draft");
    await until(async () => (await types(store, "job-d")).includes("RenderStarted"));
    await sleep(1_000);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const second = start();
    try {
      await until(async () => (await types(store, "job-d")).includes("JobCompleted"), 200_000);
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }
    const events = await types(store, "job-d");
    expect(events.filter((t) => t === "OutputRendered")).toHaveLength(2);
    expect(events.filter((t) => t === "JobCompleted")).toHaveLength(1);
    await sleep(500);
    // the killed worker's hidden temporary stays until a worker start-up removes stale ones; published names are exact
    const mp4s = (await readdir(roots.outputDir)).filter((f) => f.endsWith(".mp4") && !f.startsWith("."));
    expect(mp4s.sort()).toEqual(["20261201_mr_smith_talk_flat_1080p_v1.mp4", "20261201_mr_smith_talk_flat_1080p_vertical_v1.mp4"]);
  });
});
