import { describe, expect, it } from "vitest";
import { TEST_METADATA, useTestNats } from "../../test-support/nats";
import { batchDecider } from "../../domain/batch/batch-decider";
import { options, upload } from "../../domain/job/fixtures";
import { AggregateRepository } from "./aggregate-repository";
import { RetriesExhaustedError } from "./errors";

const meta = TEST_METADATA;

const testNats = useTestNats();

describe("AggregateRepository command groups", () => {
  it("settles a batch from two processes at once: every job once, BatchCompleted exactly once", async () => {
    const store = await testNats.store();
    // two repositories = two processes with their own caches and queues, racing on one aggregate
    // (the loser of a race retries while the winner chains its group, hence the generous budget)
    const [a, b] = [0, 1].map(() => new AggregateRepository(store, batchDecider, "batch", { maxRetries: 1000 }));
    const jobIds = Array.from({ length: 120 }, (_, i) => `j${i}`);
    await a!.handle("b1", {
      type: "CreateBatch",
      batchId: "b1",
      name: "n",
      template: "flame",
      formats: ["flat_1080p"],
      options: options(),
      items: jobIds.map((jobId, i) => ({ jobId, uploadId: `u${i}`, upload: upload(i) })),
      idempotencyKey: null,
      maxItems: 1000,
    }, meta);
    const settle = (jobId: string) => ({ type: "SettleJob" as const, jobId, outcome: "succeeded" as const, generation: 0 });
    // every job settled by both processes (a redelivery), all commands in flight together
    const results = await Promise.all(jobIds.flatMap((j) => [a!.handle("b1", settle(j), meta), b!.handle("b1", settle(j), meta)]));
    const events = (await store.load("batch", "b1")).events;
    expect(events.filter((e) => e.type === "BatchJobSettled")).toHaveLength(120);
    expect(events.filter((e) => e.type === "BatchCompleted")).toHaveLength(1);
    expect(results.flatMap((r) => r.events).filter((e) => e.type === "BatchJobSettled")).toHaveLength(120);
    // fewer appends than commands: the commands queued behind one append went out together
    expect(store.appended).toBe(events.length);
  });

  it("fails a refused command alone and still appends the rest of its group", async () => {
    const store = await testNats.store();
    const repo = new AggregateRepository(store, batchDecider, "batch");
    const created = repo.handle("b2", {
      type: "CreateBatch",
      batchId: "b2",
      name: "n",
      template: "flame",
      formats: ["flat_1080p"],
      options: options(),
      items: [{ jobId: "j1", uploadId: "u1", upload: upload(1) }],
      idempotencyKey: null,
      maxItems: 10,
    }, meta);
    // same tick: one group; the second CreateBatch is refused on the state the first one leaves
    const again = repo.handle("b2", { type: "CreateBatch", batchId: "b2", name: "n", template: "flame", formats: ["flat_1080p"], options: options(), items: [{ jobId: "j1", uploadId: "u1", upload: upload(1) }], idempotencyKey: null, maxItems: 10 }, meta);
    const export_ = repo.handle("b2", { type: "RequestSheetsExport" }, meta);
    await expect(again).rejects.toMatchObject({ code: "CONFLICT" });
    const [c, e] = await Promise.all([created, export_]);
    expect(c.events.map((x) => x.type)).toEqual(["BatchCreated"]);
    expect(e.events.map((x) => x.type)).toEqual(["BatchExportRequested"]);
    expect(e.position).toBeGreaterThan(c.position);
  });

  it("gives up with RetriesExhaustedError when another writer wins every race, after the bounded retries", async () => {
    const store = await testNats.store();
    const rival = new AggregateRepository(store, batchDecider, "batch");
    await rival.handle("b3", { type: "CreateBatch", batchId: "b3", name: "n", template: "flame", formats: ["flat_1080p"], options: options(), items: [{ jobId: "j1", uploadId: "u1", upload: upload(1) }], idempotencyKey: null, maxItems: 10 }, meta);
    // before each of our appends, the rival appends first: every attempt meets a newer version
    const append = store.append.bind(store);
    let races = 0;
    const racing = Object.assign(Object.create(store) as typeof store, {
      append: async (...args: Parameters<typeof store.append>) => {
        races++;
        await rival.handle("b3", { type: "RequestSheetsExport" }, meta);
        return append(...args);
      },
    });
    const repo = new AggregateRepository(racing, batchDecider, "batch", { maxRetries: 3 });
    await repo.load("b3");
    const err = await repo.handle("b3", { type: "RequestSheetsExport" }, meta).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as Error).message).toMatch(/batch\.b3/);
    expect(races).toBe(3);
    // nothing of ours was stored: only the rival's three exports follow the creation
    expect((await store.load("batch", "b3")).events.map((e) => e.type)).toEqual(["BatchCreated", "BatchExportRequested", "BatchExportRequested", "BatchExportRequested"]);
  });
});
