import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { startTestNats, uniqueNames, type TestNats } from "../../test-support/nats";
import { InFlightCounter, startHeartbeat } from "./heartbeat";
import { listSeenWorkers } from "./seen-workers";
import { openWorkersBucket, workersBucketName } from "./workers-bucket";

let nats: TestNats;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect("heartbeat-test");
});
afterAll(async () => nats?.stop());

describe("worker heartbeats in NATS KV", () => {
  it("keeps one bucket per event stream, and forgets a silent worker after the bucket's age limit", async () => {
    const names = uniqueNames("hb");
    expect(workersBucketName(names)).toBe(`ef_workers_${names.stream}`);
    const bucket = await openWorkersBucket(nc, names, { forgetAfterMs: 1_000 });
    const hb = await startHeartbeat(bucket.kv, { workerId: "w", host: "h", pid: 1, kinds: ["render"], intervalMs: 100 });
    await new Promise((r) => setTimeout(r, 400));
    expect((await listSeenWorkers(bucket)).map((w) => w.instanceId)).toEqual([hb.instanceId]); // beating refreshes the age
    await hb.stop({ remove: false });
    await expect.poll(async () => (await listSeenWorkers(bucket)).length, { timeout: 5_000, interval: 200 }).toBe(0);
  });

  it("skips values that are not announcements, and opening an existing bucket keeps it", async () => {
    const names = uniqueNames("hb");
    const { kv } = await openWorkersBucket(nc, names);
    await kv.put("junk", new TextEncoder().encode("not json"));
    await kv.put("other", new TextEncoder().encode(JSON.stringify({ hello: "world" })));
    const hb = await startHeartbeat(kv, { workerId: "w2", host: "h", pid: 2, kinds: ["workflow"] });
    const again = await openWorkersBucket(nc, names, { replicas: 1 });
    expect((await listSeenWorkers(again)).map((w) => w.workerId)).toEqual(["w2"]);
    await hb.stop();
    expect(await listSeenWorkers(again)).toEqual([]);
  });

  it("counts work in progress", async () => {
    const c = new InFlightCounter();
    let release!: () => void;
    const work = c.track(() => new Promise<void>((r) => (release = r)));
    const failing = c.track(() => Promise.reject(new Error("boom"))).catch((e: Error) => e.message);
    expect(c.count).toBe(2);
    expect(await failing).toBe("boom");
    release();
    await work;
    expect(c.count).toBe(0);
  });
});
