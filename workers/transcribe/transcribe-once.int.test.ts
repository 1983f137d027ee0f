/**
 * "Transcribes each audio file once": the seed called the transcription service once per output
 * format. Here the render and transcription reactors run side by side on a real nats-server, the
 * REAL whisper-service sits behind a counting HTTP proxy, and every POST /transcribe is counted.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, startTestNats, type TestNats } from "../../test-support/nats";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { runConsumer, type RunningConsumer } from "../../core/consumers/durable-consumer";
import { quietLogger } from "../../core/log/logger";
import { freePort } from "../../core/nats/local-server";
import { mediaRoots, uploadBlobPath, type MediaRoots } from "../../core/storage/media-paths";
import { jobDecider } from "../../domain/job/job-decider";
import { jobQueued, options, upload } from "../../domain/job/fixtures";
import type { FormatId } from "../../domain/formats";
import { renderReactor } from "../render/render-reactor";
import type { RendererCommand } from "../render/render-output";
import { transcribeReactor } from "./transcribe-reactor";
import { sha256Of, speech, whisperService, type WhisperService } from "./test-helpers";

const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" };
let nats: TestNats;
let nc: NatsConnection;
let svc: WhisperService;
let proxy: { url: string; calls: string[]; server: Server };
let dir: string;
let roots: MediaRoots;
let sha: string;
let size: number;

/** Forwards everything to the service unchanged and records each transcription request. */
async function countingProxy(target: string) {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    if (req.method === "POST" && req.url?.startsWith("/transcribe")) calls.push(req.url);
    const up = request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ef-transcribe-once-"));
  roots = mediaRoots(join(dir, "data"));
  const wav = await speech(join(dir, "talk.wav"), "One file, three formats, and a single transcript of this sentence.");
  sha = await sha256Of(wav);
  size = (await stat(wav)).size;
  const blob = uploadBlobPath(roots, sha);
  await mkdir(dirname(blob), { recursive: true });
  await copyFile(wav, blob);
  [nats, svc] = await Promise.all([startTestNats(), freePort().then((p) => whisperService(p))]);
  nc = await nats.connect();
  await svc.start();
  proxy = await countingProxy(svc.url);
});
afterAll(async () => {
  proxy?.server.close();
  await svc?.stop();
  await nats?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, ms = 90_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(100);
  }
}
const types = async (store: EventStore, id: string) => (await store.load("job", id)).events.map((e) => e.type);
const count = (list: string[], type: string) => list.filter((t) => t === type).length;

const opts = { logger: quietLogger(), deadLetters: { record: async () => {} } };
function transcriber(store: EventStore): Promise<RunningConsumer> {
  return runConsumer(store, transcribeReactor(store, {
    nc, roots, logger: quietLogger(), workerId: "t1", concurrency: 2, maxAttempts: 30, whisperUrl: proxy.url,
    ackWaitMs: 2_000, backoffBaseMs: 200, backoffMaxMs: 1_000, requestTimeoutMs: 60_000,
  }), opts);
}
function renderer(store: EventStore, o: { renderer?: RendererCommand; maxAttempts?: number } = {}): Promise<RunningConsumer> {
  return runConsumer(store, renderReactor(store, {
    nc, roots, logger: quietLogger(), workerId: "r1", concurrency: 1, maxAttempts: o.maxAttempts ?? 3, timeoutMs: 60_000,
    renderer: o.renderer, backoffBaseMs: 200, backoffMaxMs: 1_000,
  }), opts);
}
async function queue(store: EventStore, jobId: string, formats: FormatId[]) {
  const up = { ...upload(1), fileName: "Talk.wav", sha256: sha, size, durationSeconds: null };
  const data = jobQueued({ jobId, upload: up, formats, options: options({ transcribe: true, quality: "draft" }) }).data;
  await new AggregateRepository(store, jobDecider, "job").handle(jobId, { type: "QueueJob", data }, meta);
}

describe("one transcription per job, whatever the number of formats", () => {
  it("a job with three formats, rendered while it is transcribed: one whisper call, three outputs, one transcript", async () => {
    const store = await openTestStore(nc);
    const before = proxy.calls.length;
    const [t, r] = await Promise.all([transcriber(store), renderer(store)]);
    const formats: FormatId[] = ["flat_1080p", "flat_1080p_vertical", "flat_1080p_square"];
    await queue(store, "three", formats);
    await until(async () => (await types(store, "three")).includes("JobCompleted"));
    await sleep(1_000); // a second call (e.g. one per format) would have been made by now
    const ev = await types(store, "three");
    expect(count(ev, "OutputRendered")).toBe(3);
    expect(count(ev, "TranscriptCompleted")).toBe(1);
    expect(count(ev, "JobCompleted")).toBe(1);
    expect(proxy.calls.length - before).toBe(1);
    const transcript = (await store.load("job", "three")).events.find((e) => e.type === "TranscriptCompleted")!;
    expect((transcript.data as { transcript: { text: string } }).transcript.text.toLowerCase()).toContain("transcript");
    await Promise.all([t.stop(2_000), r.stop(2_000)]);
  });

  it("a job retried after its render failed keeps its transcript: still one whisper call across both generations", async () => {
    const store = await openTestStore(nc);
    const before = proxy.calls.length;
    // the engine fails until the marker exists: the first generation's render fails for good (1 attempt)
    const marker = join(dir, "engine-fixed");
    const render =
      "ffmpeg -hide_banner -loglevel error -nostdin -y -i {input} -f lavfi -i color=c=teal:s={width}x{height}:r={fps} " +
      "-map 1:v -map 0:a -shortest -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac {output}";
    const command = ["sh", "-c", `if [ -e ${marker} ]; then exec ${render}; fi; echo 'engine broken' >&2; exit 1`];
    const t = await transcriber(store);
    await queue(store, "retry", ["flat_1080p", "flat_1080p_vertical"]);
    await until(async () => (await types(store, "retry")).includes("TranscriptCompleted"));
    const r = await renderer(store, { renderer: command, maxAttempts: 1 });
    await until(async () => (await types(store, "retry")).includes("JobFailed"));
    await writeFile(marker, "");
    await new AggregateRepository(store, jobDecider, "job").handle("retry", { type: "RetryJob" }, meta);
    await until(async () => (await types(store, "retry")).includes("JobCompleted"));
    // the transcriber has seen both JobQueued and JobRetried, so a second call would already be counted
    await until(async () => t.stats.handled === 2, 10_000);
    expect(await types(store, "retry")).toEqual([
      "JobQueued", "TranscriptCompleted", "RenderStarted", "JobFailed", "JobRetried", "RenderStarted", "OutputRendered", "OutputRendered", "JobCompleted",
    ]);
    expect(proxy.calls.length - before).toBe(1);
    await Promise.all([t.stop(2_000), r.stop(2_000)]);
  });
});
