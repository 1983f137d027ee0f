import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestNats, openTestStore, type TestNats } from "../test-support/nats";
import { quietLogger } from "../core/log/logger";
import type { EventStore } from "../core/eventlog/event-store";
import { openReadModel } from "./read-model";
import { startProjector, type AppliedBatch } from "./projector";
import { rebuildAndSwap, rebuildReadModel } from "./rebuild";
import { dumpReadModel } from "./sqlite/dump";
import { EventFactory, publishPipelined, withSeqs } from "./testing/event-factory";
import { startLogReader } from "./log-reader";
import type { RecordedEvent } from "../domain/shared/envelope";

describe("projector against a real nats-server", () => {
  let nats: TestNats;
  let store: EventStore;
  const dir = mkdtempSync(join(tmpdir(), "ef-proj-"));
  const f = new EventFactory("p");
  const envelopes = [...f.batchLifecycle(20, { failEvery: 4, failHard: 7 }), ...f.batchLifecycle(15), ...f.batchLifecycle(5, { transcribe: false })];

  beforeAll(async () => {
    nats = await startTestNats();
    store = await openTestStore(await nats.connect());
    await publishPipelined(store, envelopes);
  });
  afterAll(async () => {
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function readAll(): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    const last = await store.lastPosition();
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const reader = await startLogReader({ store, fromSeq: 1, onBatch: (b) => { all.push(...b); if (all.at(-1)!.seq >= last) resolve(); } });
    await done;
    await reader.stop();
    return all;
  }

  it("catches up, notifies after commit in order, and matches a pure in-memory build", async () => {
    const rm = openReadModel(join(dir, "live.sqlite"));
    const batches: AppliedBatch[] = [];
    const projector = await startProjector({ store, readModel: rm, logger: quietLogger() });
    projector.onApplied((b) => {
      expect(rm.position()).toBe(b.to); // already committed when listeners run
      batches.push(b);
    });
    expect(await projector.waitFor(envelopes.length, 10_000)).toBe(true);
    expect(await projector.lag()).toBe(0);
    const seqs = batches.flatMap((b) => b.events.map((e) => e.seq));
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));

    const pure = openReadModel(":memory:");
    pure.applyEvents(withSeqs(envelopes));
    expect(dumpReadModel(rm.db)).toEqual(dumpReadModel(pure.db));
    pure.close();

    // a live append through the real EventStore path shows up, and waitFor reports it
    const b = f.batchCreated(2);
    const { position } = await store.append("batch", b.batchId, [{ type: "BatchCreated", data: b.data }], {
      expectedVersion: 0, metadata: b.event.metadata,
    });
    expect(await projector.waitFor(position, 5_000)).toBe(true);
    expect(rm.batch(b.batchId)).toMatchObject({ status: "QUEUED", counts: { total: 2 }, version: position });
    expect(batches.at(-1)).toMatchObject({ from: position, to: position });
    expect(await projector.waitFor(position + 1000, 50)).toBe(false);

    await projector.stop();
    expect(await projector.waitFor(position + 1, 1000)).toBe(false);
    rm.close();
  });

  it("is idempotent on redelivery and restarts from its checkpoint", async () => {
    const rm = openReadModel(join(dir, "live.sqlite"));
    const before = dumpReadModel(rm.db);
    const all = await readAll();
    expect(rm.applyEvents(all).applied).toBe(0);
    expect(dumpReadModel(rm.db)).toEqual(before);

    const seen: number[] = [];
    const projector = await startProjector({ store, readModel: rm, logger: quietLogger() });
    projector.onApplied((b) => seen.push(...b.events.map((e) => e.seq)));
    const extra = f.batchLifecycle(3);
    const last = await publishPipelined(store, extra);
    expect(await projector.waitFor(last, 5_000)).toBe(true);
    expect(seen[0]).toBe(all.at(-1)!.seq + 1); // nothing before the checkpoint came back
    await projector.stop();
    rm.close();
  });

  it("rebuilds into a fresh file identical to the incrementally built one, then swaps it in", async () => {
    const live = join(dir, "live.sqlite");
    const progress: number[] = [];
    const built = await rebuildReadModel({ store, path: live, onProgress: (p) => progress.push(p.percent) });
    expect(built.file).toBe(`${live}.rebuild-1`);
    expect(progress.at(-1)).toBe(100);
    const rebuilt = openReadModel(built.file);
    const rm = openReadModel(live);
    expect(dumpReadModel(rebuilt.db)).toEqual(dumpReadModel(rm.db));
    rebuilt.close();

    const { result, readModel } = await rebuildAndSwap({ store, path: live, beforeSwap: () => rm.close() });
    expect(result).toMatchObject({ file: live, position: await store.lastPosition() });
    expect(readModel.position()).toBe(await store.lastPosition());
    expect(readModel.queueStats().batches.COMPLETED + readModel.queueStats().batches.PARTIAL).toBe(4);
    readModel.close();
  });

  it("stops, strictly, at an event it cannot read, keeping the checkpoint before it", async () => {
    const other = await openTestStore(await nats.connect());
    const g = new EventFactory("s");
    const good = g.batchLifecycle(2);
    const tooNew = { ...g.event("BatchExportRequested", "b-x", { target: "sheets" }), schemaVersion: 99 };
    await publishPipelined(other, [...good, tooNew, ...g.batchLifecycle(1)]);
    const rm = openReadModel(":memory:");
    const projector = await startProjector({ store: other, readModel: rm, logger: quietLogger() });
    expect(await projector.waitFor(good.length + 1, 1500)).toBe(false);
    expect(rm.position()).toBe(good.length);
    expect(projector.failure()?.message).toContain(`stream seq ${good.length + 1}`);
    expect(projector.failure()?.message).toMatch(/newer than this code knows/);
    expect(await projector.lag()).toBeGreaterThan(0);
    await projector.stop();
    rm.close();
  });
});
