import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureEventStream } from "../core/eventlog/stream-setup";
import { quietLogger } from "../core/log/logger";
import { openReadModel } from "../projections/read-model";
import { startProjector } from "../projections/projector";
import { CreateBatchDocument } from "../schema/generated/graphql";
import { createServerApp, type ServerApp } from "./app";
import { loadServerConfig } from "./config";
import { batchIdForKey } from "./commands/keyed-batch-id";
import { makeWav, startServerHarness, type ServerHarness } from "./testing/server-harness";

let h: ServerHarness;
let wav: Buffer;
/** A second server node on the same NATS and media volume, with its own read model (as on a cluster). */
let node2: { app: ServerApp; url: string; stop(): Promise<void> };

beforeAll(async () => {
  h = await startServerHarness();
  wav = await readFile(await makeWav(h.dataDir, 1));
  const config = loadServerConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: h.dataDir, EVENT_STREAM: h.names.stream, EVENT_SUBJECT_PREFIX: h.names.prefix });
  const readModel = openReadModel(join(h.dataDir, "node2.sqlite"));
  const projector = await startProjector({ store: h.store, readModel, logger: quietLogger() });
  const app = await createServerApp({ config, nc: h.nc, store: h.store, readModel, projector, logger: quietLogger(), webDist: join(h.dataDir, "none") });
  const port = await app.listen();
  node2 = {
    app,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
      await projector.stop();
      readModel.close();
    },
  };
});
afterAll(async () => {
  await node2?.stop();
  await h?.stop();
});

async function createOn(url: string, input: object) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: (await import("graphql")).print(CreateBatchDocument), variables: { input } }),
  });
  return (await res.json()) as { data?: { createBatch: { replayed: boolean; batch: { id: string } } }; errors?: unknown[] };
}

const batchCreatedCount = async (batchId: string) => (await h.store.load("batch", batchId)).events.filter((e) => e.type === "BatchCreated").length;

describe("idempotencyKey", () => {
  it("gives one batch to many requests racing with one key on two server nodes", async () => {
    const up = await h.upload([{ name: "race.wav", content: wav }]);
    const input = { name: "Race", items: [{ uploadId: up.body[0].id }], template: "FLAME", formats: ["FLAT_1080P"], idempotencyKey: `race-${Date.now()}` };
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => createOn(i % 2 ? node2.url : h.url, input)));
    for (const a of answers) expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
    const ids = new Set(answers.map((a) => a.data!.createBatch.batch.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !a.data!.createBatch.replayed)).toHaveLength(1);
    const [batchId] = [...ids];
    expect(batchId).toBe(batchIdForKey(input.idempotencyKey));
    expect(await batchCreatedCount(batchId!)).toBe(1);
  });

  it("still returns the same batch after the stream's Nats-Msg-Id dedup window has passed", async () => {
    // shrink the window to 1 s on the live stream: the key must not depend on it
    await ensureEventStream(h.store.jsm, { names: h.names, replicas: 1, duplicateWindowMs: 1000 });
    const up = await h.upload([{ name: "late.wav", content: wav }]);
    const input = { name: "Late", items: [{ uploadId: up.body[0].id }], template: "MIST", formats: ["FLAT_1080P"], idempotencyKey: `late-${Date.now()}` };
    const first = await createOn(h.url, input);
    await new Promise((r) => setTimeout(r, 1500));
    const [again, elsewhere] = [await createOn(h.url, input), await createOn(node2.url, input)];
    expect(again.data!.createBatch).toMatchObject({ replayed: true, batch: { id: first.data!.createBatch.batch.id } });
    expect(elsewhere.data!.createBatch).toMatchObject({ replayed: true, batch: { id: first.data!.createBatch.batch.id } });
    expect(await batchCreatedCount(first.data!.createBatch.batch.id)).toBe(1);
  });

  it("derives distinct, well-formed ids from distinct keys", () => {
    const a = batchIdForKey("n8n-run-42");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(batchIdForKey("n8n-run-42")).toBe(a);
    expect(batchIdForKey("n8n-run-43")).not.toBe(a);
  });
});
