import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openReadModel, type ReadModel } from "../read-model";
import { EventFactory, withSeqs } from "../testing/event-factory";
import { dumpReadModel } from "../sqlite/dump";
import type { EventEnvelope } from "../../domain/shared/envelope";

describe("batches projection", () => {
  let rm: ReadModel;
  let f: EventFactory;
  let seq: number;
  const apply = (...events: EventEnvelope[]) => {
    rm.applyEvents(withSeqs(events, seq + 1));
    seq += events.length;
  };
  beforeEach(() => {
    rm = openReadModel(":memory:");
    f = new EventFactory("b");
    seq = 0;
  });
  afterEach(() => rm.close());

  it("is QUEUED until a job starts rendering, then RUNNING; counts and progress move with the jobs", () => {
    const b = f.batchCreated(2, { options: { transcribe: false }, idempotencyKey: "k1" });
    apply(b.event);
    expect(rm.batch(b.batchId)).toMatchObject({
      status: "QUEUED", progress: 0, idempotencyKey: "k1", completedAt: null, version: 1,
      counts: { total: 2, queued: 2, running: 0, succeeded: 0, failed: 0, cancelled: 0 },
    });
    const [j1, j2] = b.jobIds as [string, string];
    apply(f.event("JobQueued", j1, {
      jobId: j1, batchId: b.batchId, index: 0, batchName: b.data.name, batchCreatedAt: "x", upload: b.data.items[0]!.upload,
      template: "flame", formats: b.data.formats, options: b.data.options,
    }));
    expect(rm.batch(b.batchId)!.counts).toMatchObject({ total: 2, queued: 2 });
    apply(f.event("RenderStarted", j1, { attempt: 1, worker: "w" }));
    expect(rm.batch(b.batchId)).toMatchObject({ status: "RUNNING", counts: { queued: 1, running: 1 } });
    apply(f.event("OutputRendered", j1, { output: { format: "flat_1080p", fileName: "a", bytes: 1, width: 1, height: 1, codec: "h264", durationSeconds: 1, posterFileName: null } }));
    apply(f.event("JobCompleted", j1, { batchId: b.batchId, generation: 0 }));
    apply(f.event("JobCancelled", j2, { batchId: b.batchId, reason: "user", generation: 0 }));
    expect(rm.batch(b.batchId)).toMatchObject({ progress: 50, counts: { total: 2, queued: 0, running: 0, succeeded: 1, cancelled: 1 } });
    const done = f.event("BatchCompleted", b.batchId, { outcome: "PARTIAL", counts: { total: 2, succeeded: 1, failed: 0, cancelled: 1 } });
    apply(done);
    expect(rm.batch(b.batchId)).toMatchObject({ status: "PARTIAL", completedAt: done.metadata.occurredAt, version: seq });
    apply(f.event("JobRetried", j2, { batchId: b.batchId, generation: 1 }), f.event("BatchJobReopened", b.batchId, { jobId: j2, generation: 1 }));
    expect(rm.batch(b.batchId)).toMatchObject({ status: "RUNNING", completedAt: null, counts: { queued: 1, cancelled: 0, succeeded: 1 } });
    expect(rm.batchByIdempotencyKey("k1")!.id).toBe(b.batchId);
    expect(rm.batchByIdempotencyKey("nope")).toBeNull();
  });

  it("agrees with the lifecycle's own outcome", () => {
    apply(...f.batchLifecycle(10, { failEvery: 3, failHard: 5 }));
    const [batch] = rm.listBatches({ first: 1 }).items;
    expect(batch).toMatchObject({ status: "PARTIAL", progress: 80, counts: { total: 10, succeeded: 8, failed: 2, running: 0, queued: 0 } });
    expect(rm.queueStats()).toMatchObject({ batches: { PARTIAL: 1, RUNNING: 0 }, jobs: { COMPLETED: 8, FAILED: 2 }, position: seq });
  });

  it("pages newest first with opaque cursors, filtered by status", () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const b = f.batchCreated(1);
      apply(b.event);
      ids.push(b.batchId);
      if (i % 2 === 0) apply(f.event("BatchCompleted", b.batchId, { outcome: "COMPLETED", counts: { total: 1, succeeded: 1, failed: 0, cancelled: 0 } }));
    }
    const p1 = rm.listBatches({ first: 2 });
    expect(p1.items.map((b) => b.id)).toEqual([ids[4], ids[3]]);
    expect(p1).toMatchObject({ hasNextPage: true, totalCount: 5 });
    const p2 = rm.listBatches({ first: 2, after: p1.endCursor });
    const p3 = rm.listBatches({ first: 2, after: p2.endCursor });
    expect([...p2.items, ...p3.items].map((b) => b.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(p3.hasNextPage).toBe(false);
    const done = rm.listBatches({ first: 10, status: "COMPLETED" });
    expect(done.items.map((b) => b.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect(done.totalCount).toBe(3);
    expect(() => rm.listBatches({ first: 1, after: "garbage" })).toThrow(/Invalid cursor/);
    expect(rm.listBatches({ first: 0 })).toMatchObject({ items: [], endCursor: null, hasNextPage: true });
    expect(rm.batchesByIds([ids[1]!, "x", ids[0]!]).map((b) => b?.id ?? null)).toEqual([ids[1], null, ids[0]]);
  });

  it("skips events at or below the checkpoint: the same run twice changes nothing", () => {
    const events = withSeqs(f.batchLifecycle(5, { failEvery: 2 }));
    rm.applyEvents(events.slice(0, 20));
    const once = rm.applyEvents(events);
    expect(once.applied).toBe(events.length - 20);
    const before = dumpReadModel(rm.db);
    expect(rm.applyEvents(events)).toEqual({ applied: 0, position: events.length });
    expect(dumpReadModel(rm.db)).toEqual(before);
    expect(rm.batch(events[0]!.aggregateId)!.counts).toMatchObject({ total: 5, succeeded: 5 });
  });

  it("ends with the same rows however the log is cut into runs (one event per run, random runs, one run)", () => {
    const b = f.batchCreated(3, { options: { transcribe: false } });
    const [j1, j2, j3] = b.jobIds as [string, string, string];
    const out = { output: { format: "flat_1080p" as const, fileName: "a", bytes: 1, width: 1, height: 1, codec: "h264" as const, durationSeconds: 1, posterFileName: null } };
    const log = withSeqs([
      ...f.batchLifecycle(7, { failEvery: 2, failHard: 3 }),
      b.event,
      f.event("JobCancelled", j3, { batchId: b.batchId, reason: "user", generation: 0 }),
      f.event("RenderStarted", j1, { attempt: 1, worker: "w" }),
      f.event("OutputRendered", j1, out),
      f.event("JobCompleted", j1, { batchId: b.batchId, generation: 0 }),
      f.event("JobFailed", j2, { stage: "render", code: "X", message: "x", attempts: 1, batchId: b.batchId, generation: 0 }),
      f.event("BatchCompleted", b.batchId, { outcome: "PARTIAL", counts: { total: 3, succeeded: 1, failed: 1, cancelled: 1 } }),
      f.event("JobRetried", j2, { batchId: b.batchId, generation: 1 }),
      f.event("BatchJobReopened", b.batchId, { jobId: j2, generation: 1 }),
      f.event("RenderStarted", j2, { attempt: 1, worker: "w" }),
    ]);
    const build = (cut: (i: number) => boolean) => {
      const m = openReadModel(":memory:");
      let run: typeof log = [];
      log.forEach((e, i) => {
        run.push(e);
        if (cut(i)) {
          m.applyEvents(run);
          run = [];
        }
      });
      m.applyEvents(run);
      const dump = dumpReadModel(m.db);
      m.close();
      return dump;
    };
    let x = 7;
    const random = () => ((x = (x * 48271) % 2147483647) % 5) === 0;
    const whole = build(() => false);
    expect(build(() => true)).toEqual(whole);
    expect(build(random)).toEqual(whole);
    rm.applyEvents(log);
    expect(rm.batch(b.batchId)).toMatchObject({ status: "RUNNING", completedAt: null, counts: { succeeded: 1, running: 1, cancelled: 1, failed: 0 } });
  });

  it("tolerates gaps in sequences", () => {
    const events = f.batchLifecycle(2).map((e, i) => ({ ...e, seq: 10 + i * 7 }));
    rm.applyEvents(events);
    expect(rm.position()).toBe(events.at(-1)!.seq);
    expect(rm.batch(events[0]!.aggregateId)!.status).toBe("COMPLETED");
  });
});
