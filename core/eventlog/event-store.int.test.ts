import { describe, expect, it } from "vitest";
import { DiscardPolicy, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { uniqueNames, TEST_METADATA, useTestNats } from "../../test-support/nats";
import { ConcurrencyConflictError } from "./errors";
import { EventStore } from "./event-store";
import { ensureEventStream } from "./stream-setup";

const meta = TEST_METADATA;
const ev = (type: string, data: unknown = {}) => ({ type, data });

const testNats = useTestNats();

describe("EventStore", () => {
  it("appends with optimistic concurrency and loads the aggregate back in order", async () => {
    const store = await testNats.store();
    const first = await store.append("job", "j1", [ev("RenderStarted", { attempt: 1, worker: "w" })], { expectedVersion: 0, metadata: meta });
    const second = await store.append("job", "j1", [ev("JobCancelled", { batchId: "b", reason: "x" })], {
      expectedVersion: first.position,
      metadata: meta,
    });
    await store.append("job", "other", [ev("RenderStarted", { attempt: 1, worker: "w" })], { expectedVersion: 0, metadata: meta });
    const loaded = await store.load("job", "j1");
    expect(loaded.events.map((e) => e.type)).toEqual(["RenderStarted", "JobCancelled"]);
    expect(loaded.version).toBe(second.position);
    expect(loaded.events[0]!.metadata).toEqual(meta);
    const tail = await store.load("job", "j1", first.position);
    expect(tail.events.map((e) => e.seq)).toEqual([second.position]);
  });

  it("rejects a stale expected version with a ConcurrencyConflictError", async () => {
    const store = await testNats.store();
    const a = await store.append("batch", "b1", [ev("BatchExportRequested", { target: "sheets" })], { expectedVersion: 0, metadata: meta });
    await store.append("batch", "b1", [ev("BatchExportRequested", { target: "sheets" })], { expectedVersion: a.position, metadata: meta });
    await expect(
      store.append("batch", "b1", [ev("BatchExportRequested", { target: "sheets" })], { expectedVersion: a.position, metadata: meta }),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);
    await expect(
      store.append("batch", "b1", [ev("BatchExportRequested", { target: "sheets" })], { expectedVersion: 0, metadata: meta }),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);
  });

  it("treats a re-published event id as the same fact (Nats-Msg-Id dedup)", async () => {
    const store = await testNats.store();
    const ids = ["0190f0f0-0000-7000-8000-000000000001"];
    const a = await store.append("job", "dup", [ev("RenderStarted", { attempt: 1, worker: "w" })], { expectedVersion: "any", metadata: meta, ids });
    const b = await store.append("job", "dup", [ev("RenderStarted", { attempt: 1, worker: "w" })], { expectedVersion: "any", metadata: meta, ids });
    expect(b.position).toBe(a.position);
    expect((await store.load("job", "dup")).events).toHaveLength(1);
  });

  it("loads nothing for an unknown aggregate and reads single events by position", async () => {
    const store = await testNats.store();
    expect(await store.load("job", "nope")).toEqual({ events: [], version: 0 });
    const a = await store.append("job", "g", [ev("RenderStarted", { attempt: 1, worker: "w" })], { expectedVersion: 0, metadata: meta });
    expect((await store.get(a.position))?.type).toBe("RenderStarted");
    expect(await store.get(a.position + 100)).toBeNull();
    expect(await store.lastPosition()).toBe(a.position);
  });

  it("loads aggregates longer than one direct-get batch", async () => {
    const store = await testNats.store();
    let v = 0;
    for (let i = 0; i < 600; i++) v = (await store.append("job", "long", [ev("RenderStarted", { attempt: i + 1, worker: "w" })], { expectedVersion: v, metadata: meta })).position;
    const loaded = await store.load("job", "long");
    expect(loaded.events).toHaveLength(600);
    expect(loaded.version).toBe(v);
  });

  it("loads exactly one aggregate's events from a log where others interleave and follow", async () => {
    const store = await testNats.store();
    const versions = new Map<string, number>();
    const append = async (id: string, attempt: number) =>
      versions.set(id, (await store.append("job", id, [ev("RenderStarted", { attempt, worker: "w" })], { expectedVersion: versions.get(id) ?? 0, metadata: meta })).position);
    for (let i = 1; i <= 5; i++) for (const id of ["a", "ab", "b"]) await append(id, i);
    for (let i = 0; i < 50; i++) await append(`other${i}`, 1); // after a's last event: the load must not miss or overrun
    const all = await store.load("job", "a");
    expect(all.events.map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(all.events.every((e) => e.aggregateId === "a")).toBe(true);
    expect(all.version).toBe(versions.get("a"));
    const tail = await store.load("job", "a", all.events[2]!.seq);
    expect(tail.events.map((e) => (e.data as { attempt: number }).attempt)).toEqual([4, 5]);
    expect(await store.load("job", "a", all.version)).toEqual({ events: [], version: all.version });
  });

  it("brings a stream someone else created up to an event log's settings, keeping their subjects", async () => {
    const names = uniqueNames("foreign");
    const store = await EventStore.open(testNats.nc(), names);
    await store.jsm.streams.add({ name: names.stream, subjects: [`${names.prefix}-other.>`], max_age: 3_600 * 1e9, max_msgs: 1000, allow_direct: false, discard: DiscardPolicy.Old });
    expect(await ensureEventStream(store.jsm, { names, replicas: 1 })).toBe("updated");
    const c = (await store.jsm.streams.info(names.stream)).config;
    expect(c.subjects).toEqual([`${names.prefix}-other.>`, `${names.prefix}.>`]);
    expect(c).toMatchObject({ max_age: 0, max_msgs: -1, allow_direct: true, discard: DiscardPolicy.New, deny_delete: true, deny_purge: true });
    expect(await ensureEventStream(store.jsm, { names, replicas: 1 })).toBe("unchanged");
    await store.append("job", "f", [ev("RenderStarted", { attempt: 1, worker: "w" })], { expectedVersion: 0, metadata: meta });
    expect((await store.load("job", "f")).events).toHaveLength(1);
  });

  it("refuses, with what to do, a stream whose storage or retention would lose events", async () => {
    const mem = uniqueNames("mem");
    const s1 = await EventStore.open(testNats.nc(), mem);
    await s1.jsm.streams.add({ name: mem.stream, subjects: [`${mem.prefix}.>`], storage: StorageType.Memory });
    await expect(ensureEventStream(s1.jsm, { names: mem, replicas: 1 })).rejects.toThrow(/memory storage; the event log needs file storage\. Migrate it by hand/);
    const wq = uniqueNames("wq");
    const s2 = await EventStore.open(testNats.nc(), wq);
    await s2.jsm.streams.add({ name: wq.stream, subjects: [`${wq.prefix}.>`], retention: RetentionPolicy.Workqueue });
    await expect(ensureEventStream(s2.jsm, { names: wq, replicas: 1 })).rejects.toThrow(/workqueue retention.*needs limits retention/);
  });

  it("sets the stream up idempotently and upgrades an existing stream's settings in place", async () => {
    const names = uniqueNames("setup");
    const store = await EventStore.open(testNats.nc(), names);
    expect(await ensureEventStream(store.jsm, { names, replicas: 1 })).toBe("created");
    expect(await ensureEventStream(store.jsm, { names, replicas: 1 })).toBe("unchanged");
    await store.append("job", "k", [ev("RenderStarted", { attempt: 1, worker: "w" })], { expectedVersion: 0, metadata: meta });
    expect(await ensureEventStream(store.jsm, { names, replicas: 1, duplicateWindowMs: 60_000 })).toBe("updated");
    const info = await store.jsm.streams.info(names.stream);
    expect(info.config.duplicate_window).toBe(60_000 * 1_000_000);
    expect(info.state.messages).toBe(1);
  });
});
