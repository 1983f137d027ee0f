import { readFile } from "node:fs/promises";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHeartbeat } from "../core/heartbeat/heartbeat";
import { openWorkersBucket } from "../core/heartbeat/workers-bucket";
import {
  BatchesChangedDocument,
  CreateBatchDocument,
  ProjectorDocument,
  QueueStatsDocument,
  QueueStatsUpdatedDocument,
  WorkersDocument,
  type BatchesChangedSubscription,
  type QueueStatsUpdatedSubscription,
} from "../schema/generated/graphql";
import { collect, makeWav, startServerHarness, type ServerHarness } from "./testing/server-harness";

/** Query.workers (heartbeats in NATS KV), Query.projector, and the list-level subscriptions of the dashboard. */
let h: ServerHarness;
let wav: Buffer;

beforeAll(async () => {
  h = await startServerHarness();
  wav = await readFile(await makeWav(h.dataDir, 1));
});
afterAll(async () => h?.stop());

async function createBatch(name: string): Promise<string> {
  const up = await h.upload([{ name: `${name}.wav`, content: wav, type: "audio/wav" }]);
  expect(up.status).toBe(201);
  const r = await h.gql(CreateBatchDocument, { input: { name, items: [{ uploadId: up.body[0].id }], template: "FLAME", formats: ["FLAT_1080P"], options: { notify: false } } });
  expect(r.errors).toBeUndefined();
  return r.data!.createBatch.batch.id;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Query.workers", () => {
  it("lists a worker from its heartbeat, then marks it stale when the beats stop, and forgets one that stopped gracefully", async () => {
    const { kv } = await openWorkersBucket(h.nc, h.names);
    let handled = 0;
    const crashed = await startHeartbeat(kv, { workerId: "render-1", host: "box-a", pid: 4242, kinds: ["render", "transcribe"], intervalMs: 200, inFlight: () => 2, handled: () => handled });
    const graceful = await startHeartbeat(kv, { workerId: "workflow-1", host: "box-b", pid: 77, kinds: ["workflow"], intervalMs: 200 });
    handled = 5;
    await crashed.beat();

    const first = await h.gql(WorkersDocument, {});
    expect(first.errors).toBeUndefined();
    const render = first.data!.workers.find((w) => w.workerId === "render-1");
    expect(render).toMatchObject({ id: crashed.instanceId, host: "box-a", pid: 4242, kinds: ["render", "transcribe"], stale: false, inFlight: 2, handled: 5, heartbeatIntervalSeconds: 0.2 });
    expect(Date.now() - Date.parse(render!.lastSeenAt)).toBeLessThan(5_000);
    expect(first.data!.workers.find((w) => w.workerId === "workflow-1")).toMatchObject({ kinds: ["workflow"], stale: false, inFlight: null, handled: null });

    // a crash: the last beat stays in the bucket and ages past three intervals
    await crashed.stop({ remove: false });
    await graceful.stop();
    await expect
      .poll(async () => (await h.gql(WorkersDocument, {})).data!.workers.map((w) => `${w.workerId}:${w.stale}`), { timeout: 5_000, interval: 100 })
      .toEqual(["render-1:true"]);
    expect((await h.gql(WorkersDocument, { includeStale: false })).data!.workers).toEqual([]);
  });
});

describe("Query.projector", () => {
  it("reports this node's position, the log's, and the lag between them", async () => {
    await createBatch("projector check");
    const logPosition = await h.store.lastPosition();
    await h.projector.waitFor(logPosition, 5_000);
    const r = await h.gql(ProjectorDocument, {});
    expect(r.errors).toBeUndefined();
    expect(r.data!.projector).toEqual({ position: logPosition, logPosition, lag: 0 });
  });
});

describe("Subscription.batchesChanged", () => {
  it("pushes a batch created elsewhere to list subscribers, respecting the status filter, and lets go at unsubscribe", async () => {
    const ws = h.wsClient();
    const services = h.app.services;
    const before = services.batchUpdates.subscribers;
    const all = collect<BatchesChangedSubscription>(ws, print(BatchesChangedDocument), {}, (got) => got.some((g) => g.batchesChanged.name === "from outside"));
    const queued = collect<BatchesChangedSubscription>(ws, print(BatchesChangedDocument), { status: "QUEUED" }, (got) => got.some((g) => g.batchesChanged.name === "from outside"));
    const running = collect<BatchesChangedSubscription>(ws, print(BatchesChangedDocument), { status: "RUNNING" }, () => false, 30_000);
    await expect.poll(() => services.batchUpdates.subscribers).toBe(before + 3);

    const id = await createBatch("from outside");
    const [a, q] = await Promise.all([all.done, queued.done]);
    expect(a.find((g) => g.batchesChanged.id === id)!.batchesChanged).toMatchObject({ name: "from outside", status: "QUEUED", counts: { total: 1 } });
    expect(q.every((g) => g.batchesChanged.status === "QUEUED")).toBe(true);
    await settle(300);
    expect(running.got).toEqual([]); // a QUEUED batch is not pushed to a RUNNING list

    // no event comes after this: the channel must still be released at once
    running.dispose();
    running.done.catch(() => {});
    await expect.poll(() => services.batchUpdates.subscribers).toBe(before);
  });
});

describe("Subscription.queueStatsUpdated", () => {
  it("pushes the stats at once, then again after a change", async () => {
    const ws = h.wsClient();
    const queuedBefore = (await h.gql(QueueStatsDocument, {})).data!.queueStats.batches.QUEUED;
    const stats = collect<QueueStatsUpdatedSubscription>(ws, print(QueueStatsUpdatedDocument), {}, (got) => got.some((g) => g.queueStatsUpdated.batches.QUEUED > queuedBefore));
    await expect.poll(() => stats.got.length).toBe(1);
    expect(stats.got[0]!.queueStatsUpdated.batches.QUEUED).toBe(queuedBefore);
    await createBatch("counted");
    const got = await stats.done;
    expect(got.at(-1)!.queueStatsUpdated.batches.QUEUED).toBe(queuedBefore + 1);
  });
});
