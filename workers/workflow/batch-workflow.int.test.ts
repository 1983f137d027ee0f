import { describe, expect, it } from "vitest";
import { TEST_METADATA, useTestNats } from "../../test-support/nats";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { runConsumer, type RunningConsumer } from "../../core/consumers/durable-consumer";
import { quietLogger } from "../../core/log/logger";
import { batchDecider } from "../../domain/batch/batch-decider";
import { jobDecider } from "../../domain/job/job-decider";
import { options, output, transcript, upload } from "../../domain/job/fixtures";
import { batchWorkflowConsumers } from "./batch-workflow";

const meta = TEST_METADATA;
const testNats = useTestNats();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(50);
  }
}

async function startWorkflow(store: EventStore): Promise<RunningConsumer[]> {
  const deps = { logger: quietLogger(), deadLetters: { record: async () => {} } };
  return Promise.all(batchWorkflowConsumers(store).map((s) => runConsumer(store, s, deps)));
}
const stopAll = (cs: RunningConsumer[]) => Promise.all(cs.map((c) => c.stop(2_000)));

async function createBatch(store: EventStore, batchId: string, n: number) {
  const batches = new AggregateRepository(store, batchDecider, "batch");
  await batches.handle(batchId, {
    type: "CreateBatch",
    batchId,
    name: "seed scenario",
    template: "flame",
    formats: ["flat_1080p"],
    options: options({ transcribe: false }),
    items: Array.from({ length: n }, (_, i) => ({ jobId: `${batchId}-j${i + 1}`, uploadId: `u${i}`, upload: upload(i) })),
    idempotencyKey: null,
    maxItems: 100,
  }, meta);
}

const types = async (store: EventStore, type: "batch" | "job", id: string) => (await store.load(type, id)).events.map((e) => e.type);

describe("batch workflow", () => {
  it("seed §9.1: a batch completes once, only after every job is terminal, never after a retryable failure", async () => {
    const store = await testNats.store();
    // two workflow instances share the durable consumers, as two worker processes would
    const a = await startWorkflow(store);
    const b = await startWorkflow(store);
    await createBatch(store, "b1", 3);
    await until(async () => (await Promise.all([1, 2, 3].map((i) => types(store, "job", `b1-j${i}`)))).every((t) => t[0] === "JobQueued"));

    const jobs = new AggregateRepository(store, jobDecider, "job");
    // job 1 finishes first: the seed announced "Batch Complete: 1 videos" right here
    await jobs.handle("b1-j1", { type: "StartRender", attempt: 1, worker: "w" }, meta);
    await jobs.handle("b1-j1", { type: "RecordOutput", output: output("flat_1080p") }, meta);
    // job 2 fails an attempt that will be retried: not terminal
    await jobs.handle("b1-j2", { type: "StartRender", attempt: 1, worker: "w" }, meta);
    await jobs.handle("b1-j2", { type: "RecordFailure", stage: "render", code: "FFMPEG_FAILED", message: "x", attempt: 1, final: false, retryInSeconds: 1 }, meta);
    await sleep(500);
    expect(await types(store, "batch", "b1")).toEqual(["BatchCreated", "BatchJobSettled"]);

    // restart one instance mid-batch: state lives in the log, not in memory
    await stopAll(a);
    const c = await startWorkflow(store);

    await jobs.handle("b1-j2", { type: "RecordFailure", stage: "render", code: "FFMPEG_FAILED", message: "x", attempt: 3, final: true, retryInSeconds: null }, meta);
    await jobs.handle("b1-j3", { type: "StartRender", attempt: 1, worker: "w" }, meta);
    await jobs.handle("b1-j3", { type: "RecordOutput", output: output("flat_1080p") }, meta);
    await until(async () => (await types(store, "batch", "b1")).includes("BatchCompleted"));
    await sleep(500);
    const events = (await store.load("batch", "b1")).events;
    const completed = events.filter((e) => e.type === "BatchCompleted");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data).toEqual({ outcome: "PARTIAL", counts: { total: 3, succeeded: 2, failed: 1, cancelled: 0 } });
    expect(completed[0]!.metadata.actor).toBe("worker:workflow");
    await stopAll([...b, ...c]);
  });

  it("a retried job re-opens its batch, which completes again when the job succeeds", async () => {
    const store = await testNats.store();
    const wf = await startWorkflow(store);
    await createBatch(store, "b2", 1);
    const jobs = new AggregateRepository(store, jobDecider, "job");
    await until(async () => (await types(store, "job", "b2-j1"))[0] === "JobQueued");
    await jobs.handle("b2-j1", { type: "RecordFailure", stage: "render", code: "AUDIO_UNDECODABLE", message: "x", attempt: 1, final: true, retryInSeconds: null }, meta);
    await until(async () => (await types(store, "batch", "b2")).includes("BatchCompleted"));
    await jobs.handle("b2-j1", { type: "RetryJob" }, meta);
    await until(async () => (await types(store, "batch", "b2")).includes("BatchJobReopened"));
    await jobs.handle("b2-j1", { type: "RecordOutput", output: output("flat_1080p") }, meta);
    await until(async () => (await types(store, "batch", "b2")).filter((t) => t === "BatchCompleted").length === 2);
    const last = (await store.load("batch", "b2")).events.at(-1)!;
    expect(last.data).toMatchObject({ outcome: "COMPLETED" });
    await stopAll(wf);
  });

  it("cancelling a batch cancels its open jobs and completes it as CANCELLED", async () => {
    const store = await testNats.store();
    const wf = await startWorkflow(store);
    await createBatch(store, "b3", 2);
    await until(async () => (await types(store, "job", "b3-j2"))[0] === "JobQueued");
    const batches = new AggregateRepository(store, batchDecider, "batch");
    await batches.handle("b3", { type: "CancelBatch", reason: "user" }, meta);
    await until(async () => (await types(store, "batch", "b3")).includes("BatchCompleted"));
    expect((await store.load("batch", "b3")).events.at(-1)!.data).toMatchObject({ outcome: "CANCELLED" });
    expect(await types(store, "job", "b3-j1")).toEqual(["JobQueued", "JobCancelled"]);
    await stopAll(wf);
    void transcript;
  });

  it("a cancel handled before the fan-out queued the jobs still cancels every one of them", async () => {
    const store = await testNats.store();
    const deps = { logger: quietLogger(), deadLetters: { record: async () => {} } };
    const specs = batchWorkflowConsumers(store);
    const byName = (n: string) => specs.find((s) => s.name === n)!;
    await createBatch(store, "b4", 70); // more than one fan-out chunk of 64
    const batches = new AggregateRepository(store, batchDecider, "batch");
    await batches.handle("b4", { type: "CancelBatch", reason: "user" }, meta);
    // only the cancel handler runs: no job exists yet, and it must finish instead of retrying until one does
    const cancel = await runConsumer(store, byName("workflow-cancel"), deps);
    await until(async () => cancel.stats.handled >= 1, 10_000);
    const rest = await Promise.all([byName("workflow-fanout"), byName("workflow-settle")].map((s) => runConsumer(store, s, deps)));
    await until(async () => (await types(store, "batch", "b4")).includes("BatchCompleted"));
    expect((await store.load("batch", "b4")).events.at(-1)!.data).toMatchObject({ outcome: "CANCELLED", counts: { total: 70, cancelled: 70 } });
    expect(await types(store, "job", "b4-j70")).toEqual(["JobQueued", "JobCancelled"]);
    await stopAll([cancel, ...rest]);
  });
});
