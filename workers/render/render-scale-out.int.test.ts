/**
 * Scale-out: two real render worker processes (`workers/main.ts render`, as `docker compose --scale
 * worker-render=2` runs them) on one nats-server share the durable "render" consumer. Both must do
 * work, and each job x format must be rendered and recorded exactly once.
 */
import { createHash } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../test-support/nats";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { mediaRoots, uploadBlobPath } from "../../core/storage/media-paths";
import { jobDecider } from "../../domain/job/job-decider";
import { jobQueued, options, upload } from "../../domain/job/fixtures";
import type { FormatId } from "../../domain/formats";
import { makeAudio, tempDir } from "./test-helpers";

const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" };
const FORMATS: FormatId[] = ["flat_1080p", "flat_1080p_vertical"];
const JOBS = 4;
let nats: TestNats;
let nc: NatsConnection;
let work: string;
const workers: ChildProcess[] = [];
const stderr: string[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  work = await tempDir("scale-out");
});
afterAll(async () => {
  await Promise.all(workers.map(stop));
  await nats?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    // the workers' stderr is the only clue when they never start or never finish
    if (Date.now() > end) throw new Error(`${what}: not in ${ms} ms\n${stderr.slice(-20).join("")}`);
    await sleep(150);
  }
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  const t = setTimeout(() => p.kill("SIGKILL"), 10_000);
  await gone;
  clearTimeout(t);
}

function startWorker(store: EventStore, dataDir: string, workerId: string): ChildProcess {
  const env = {
    ...process.env,
    NATS_URL: nats.server.url,
    EVENT_STREAM: store.names.stream,
    EVENT_SUBJECT_PREFIX: store.names.prefix,
    DATA_DIR: dataDir,
    WORKER_ID: workerId,
    RENDER_CONCURRENCY: "1",
    LOG_LEVEL: "error",
  };
  const p = spawn(process.execPath, ["--import", "tsx", resolve("workers/main.ts"), "render"], { env, stdio: ["ignore", "ignore", "pipe"] });
  p.stderr!.on("data", (c: Buffer) => stderr.push(`[${workerId}] ${c.toString()}`));
  workers.push(p);
  return p;
}

/** Pull requests waiting on the shared durable: one per idle worker loop (concurrency 1 each). */
async function waitingPulls(store: EventStore): Promise<number> {
  try {
    return (await store.jsm.consumers.info(store.names.stream, "render")).num_waiting;
  } catch {
    return 0; // not created yet: no worker has started
  }
}

describe("several render worker processes on one NATS", () => {
  it("share the queued jobs: both render, every job x format is recorded exactly once", { timeout: 240_000 }, async () => {
    const store = await openTestStore(nc);
    const dataDir = join(work, "data");
    const roots = mediaRoots(dataDir);
    const audio = await makeAudio(work, 2);
    const bytes = await readFile(audio);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await mkdir(dirname(uploadBlobPath(roots, sha256)), { recursive: true });
    await copyFile(audio, uploadBlobPath(roots, sha256));

    startWorker(store, dataDir, "render-a");
    startWorker(store, dataDir, "render-b");
    // both idle and pulling before anything is queued, so the split is not decided by start-up speed
    await until(async () => (await waitingPulls(store)) >= 2, 60_000, "both workers pulling");

    const jobs = new AggregateRepository(store, jobDecider, "job");
    const ids = Array.from({ length: JOBS }, (_, i) => `job-${i + 1}`);
    for (const [i, jobId] of ids.entries()) {
      const up = { ...upload(i + 1), sha256, size: bytes.length, durationSeconds: null };
      const data = jobQueued({ jobId, upload: up, formats: FORMATS, options: options({ transcribe: false, quality: "draft" }) }).data;
      await jobs.handle(jobId, { type: "QueueJob", data }, meta);
    }
    const load = async (id: string) => (await store.load("job", id)).events;
    await until(async () => (await Promise.all(ids.map(load))).every((ev) => ev.some((e) => e.type === "JobCompleted")), 200_000, "all jobs completed");
    // a duplicate (a second worker rendering a job already taken) would append after completion
    await sleep(1_500);

    const seenWorkers = new Set<string>();
    for (const jobId of ids) {
      const events = await load(jobId);
      expect(events.map((e) => e.type), jobId).toEqual(["JobQueued", "RenderStarted", "OutputRendered", "OutputRendered", "JobCompleted"]);
      for (const e of events.filter((x) => x.type === "RenderStarted")) seenWorkers.add((e.data as { worker: string }).worker);
      const formats = events.filter((e) => e.type === "OutputRendered").map((e) => (e.data as { output: { format: string } }).output.format);
      expect(formats.sort(), jobId).toEqual([...FORMATS].sort());
    }
    expect([...seenWorkers].sort()).toEqual(["render-a", "render-b"]);

    // on disk too: exactly one published version per job x format, no temporaries left behind
    const files = await readdir(roots.outputDir);
    expect(files.filter((f) => f.startsWith("."))).toEqual([]);
    const mp4s = files.filter((f) => f.endsWith(".mp4"));
    const expected = ids.flatMap((_, i) => FORMATS.map((f) => `20261201_track_${i + 1}_${f}_v1.mp4`));
    expect(mp4s.sort()).toEqual(expected.sort());
    for (const p of workers) expect(p.exitCode, "a worker died during the test").toBeNull();
  });
});
