import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../../test-support/nats";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test-support/fakes/webhook-receiver.js";
import type { EventStore } from "../../../core/eventlog/event-store";
import { mediaRoots, type MediaRoots } from "../../../core/storage/media-paths";
import { quietLogger } from "../../../core/log/logger";
import type { DeliveryRef } from "../../../domain/delivery/delivery-events";
import { parseIntegrationConfig } from "../integrations-config.js";
import { integrationReactors } from "../integration-reactors.js";
import { deliveryEvents, deliveryTypes, domain, FAST, meta, sleep, startAll, until } from "../reactor-test-kit.js";
import { startedWebhookDeliveryId } from "./webhook-reactor.js";

const SECRET = "whsec_reactor_test_123";
const OPS_SECRET = "whsec_ops_secret_456";
let nats: TestNats;
let nc: NatsConnection;
let n8n: WebhookReceiver;
let ops: WebhookReceiver;
let dir: string;
let roots: MediaRoots;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  dir = await mkdtemp(join(tmpdir(), "ef-webhooks-"));
  roots = mediaRoots(join(dir, "data"));
  await mkdir(roots.outputDir, { recursive: true });
});
afterAll(async () => {
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  n8n = await startWebhookReceiver({ secret: SECRET });
  ops = await startWebhookReceiver({ secret: OPS_SECRET });
});
afterEach(async () => {
  await n8n.stop();
  await ops.stop();
});

const env = (extra: Record<string, string> = {}) => ({
  N8N_WEBHOOK_RENDER_URL: n8n.url,
  N8N_WEBHOOK_SECRET: SECRET,
  WEBHOOKS: JSON.stringify([{ id: "ops", url: `${ops.url}?token=hidden`, secret: OPS_SECRET, events: ["batch.*"] }]),
  ...extra,
});
const lastSeq = async (store: EventStore, type: "job" | "batch", id: string) => (await store.load(type, id)).events.at(-1)!.seq;

describe("webhook reactor", () => {
  it("delivers signed job and batch webhooks, once per subscription, and once across a receiver outage", async () => {
    const store = await openTestStore(nc);
    const config = parseIntegrationConfig(env());
    const reactors = integrationReactors(store, { config, roots, logger: quietLogger(), tuning: FAST });
    expect(reactors.describe()[3]).toBe("webhooks: on, signed deliveries to n8n-render, ops");
    const running = await startAll(store, reactors.specs);
    const d = domain(store, roots);

    const [j1, j2] = await d.createBatch("h1", 2, { transcribe: true });
    await d.render(j1!);
    await d.transcribe(j1!); // JobCompleted: after transcription, so n8n gets the description
    await until(() => n8n.accepted().length === 1);
    const got = n8n.received[0]!;
    expect(got.signatureValid).toBe(true);
    expect(got.json).toMatchObject({ type: "job.completed", jobId: "h1-j1", description: "hello world", audioFile: "Track 1.mp3", driveUrl: null });
    expect(got.eventId).toBe((await store.load("job", j1!)).events.at(-1)!.id);

    // receiver down: attempts recorded as failed; back up: delivered exactly once
    await n8n.down();
    await d.failFinal(j2!, 1);
    const failedSeq = await lastSeq(store, "job", j2!);
    await until(async () => (await deliveryTypes(store, `webhook-n8n-render-${failedSeq}`)).includes("DeliveryAttemptFailed"));
    await n8n.up();
    await until(async () => (await deliveryTypes(store, `webhook-n8n-render-${failedSeq}`)).includes("DeliverySucceeded"));
    await d.settle("h1", j1!);
    await d.settle("h1", j2!, "failed");
    await until(() => ops.accepted().length === 2);
    await sleep(500);
    expect(n8n.accepted().map((r) => (r.json as { type: string }).type)).toEqual(["job.completed", "job.failed"]);
    expect(ops.accepted().map((r) => r.json)).toEqual([
      expect.objectContaining({ type: "batch.started", batchName: "Batch h1 雨", counts: { total: 2, succeeded: 0, failed: 0, cancelled: 0 } }),
      expect.objectContaining({ type: "batch.partial", batchName: "Batch h1 雨", counts: { total: 2, succeeded: 1, failed: 1, cancelled: 0 } }),
    ]);
    expect(ops.received.every((r) => r.signatureValid)).toBe(true);
    const batchSeq = await lastSeq(store, "batch", "h1");
    const opsDelivery = (await deliveryEvents(store, `webhook-ops-${batchSeq}`)).at(-1)!.data as DeliveryRef;
    expect(opsDelivery.target).toBe(ops.url); // the query string (which may hold a token) is not recorded
    await running.stop();
  });

  it("a permanent 4xx is recorded as DeliveryFailed without a retry storm; retryDelivery sends it again", async () => {
    const store = await openTestStore(nc);
    const running = await startAll(store, integrationReactors(store, { config: parseIntegrationConfig(env()), roots, logger: quietLogger(), tuning: FAST }).specs);
    const d = domain(store, roots);
    n8n.respondWith(410);
    const [j1] = await d.createBatch("h2", 1);
    await d.render(j1!);
    const seq = await lastSeq(store, "job", j1!);
    const id = `webhook-n8n-render-${seq}`;
    await until(async () => (await deliveryTypes(store, id)).includes("DeliveryFailed"));
    await sleep(1_000);
    expect(n8n.received).toHaveLength(1);
    expect(await deliveryTypes(store, id)).toEqual(["DeliveryFailed"]);

    // the receiver is fixed and an operator retries (what the retryDelivery mutation appends)
    n8n.respondWith(200);
    const ref = (await deliveryEvents(store, id))[0]!.data as DeliveryRef;
    const { deliveryId, batchId, jobId, integration, target, sourceEventId, sourceEventType } = ref;
    await store.append("delivery", id, [{ type: "DeliveryRetryRequested", data: { deliveryId, batchId, jobId, integration, target, sourceEventId, sourceEventType } }], { expectedVersion: "any", metadata: meta });
    await until(async () => (await deliveryTypes(store, id)).includes("DeliverySucceeded"));
    expect(await deliveryTypes(store, id)).toEqual(["DeliveryFailed", "DeliveryRetryRequested", "DeliverySucceeded"]);
    expect(n8n.accepted().map((r) => r.eventId)).toEqual([sourceEventId]);
    await running.stop();
  });

  it("for a Drive-synced batch, the job webhook waits for the Drive link and carries it", async () => {
    const store = await openTestStore(nc);
    const configPath = join(dir, "rclone.conf");
    await writeFile(configPath, "[testdrive]\ntype = local\n");
    const config = parseIntegrationConfig(env({ GDRIVE_REMOTE: "testdrive", GDRIVE_OUTPUT_FOLDER: join(dir, "remote"), RCLONE_CONFIG: configPath }));
    const running = await startAll(store, integrationReactors(store, { config, roots, logger: quietLogger(), tuning: FAST }).specs);
    const d = domain(store, roots);
    const [j1] = await d.createBatch("h3", 1, { syncToDrive: true });
    await d.render(j1!);
    await until(() => n8n.accepted().length === 1);
    const payload = n8n.accepted()[0]!.json as { driveUrl: string; outputFiles: { driveUrl: string }[] };
    expect(payload.driveUrl).toMatch(/^file:\/\/.*\/remote\/2026\/12\/Batch%20h3%20.*\/h3-j1_flat_1080p_v1\.mp4$/);
    expect(payload.outputFiles[0]!.driveUrl).toBe(payload.driveUrl);
    await running.stop();
  });

  it("batch.started: once per batch on the first job start, for subscribers that want it; retryDelivery resends it", async () => {
    const store = await openTestStore(nc);
    const reactors = integrationReactors(store, { config: parseIntegrationConfig(env()), roots, logger: quietLogger(), tuning: FAST });
    expect(reactors.specs.find((s) => s.name === "integration-webhooks")!.filterSubjects.some((f) => f.endsWith(".RenderStarted"))).toBe(true);
    const running = await startAll(store, reactors.specs);
    const d = domain(store, roots);
    ops.respondWith(410, 1); // the first batch.started is refused for good
    const [j1, j2] = await d.createBatch("h4", 2);
    await d.render(j1!);
    await d.render(j2!); // a second job start: no second batch.started
    const startedId = startedWebhookDeliveryId("ops", "h4");
    await until(async () => (await deliveryTypes(store, startedId)).includes("DeliveryFailed"));
    await d.settle("h4", j1!);
    await d.settle("h4", j2!);
    await until(() => ops.accepted().length === 1);
    await sleep(500);
    expect(ops.received.map((r) => (r.json as { type: string }).type)).toEqual(["batch.started", "batch.completed"]);
    const firstStart = (await store.load("job", j1!)).events.find((e) => e.type === "RenderStarted")!;
    expect(ops.received[0]!.eventId).toBe(firstStart.id);
    expect(ops.received[0]!.json).toMatchObject({ type: "batch.started", status: "started", batchId: "h4", batchName: "Batch h4 雨", counts: { total: 2, succeeded: 0, failed: 0, cancelled: 0 } });
    expect(n8n.accepted().map((r) => (r.json as { type: string }).type)).toEqual(["job.completed", "job.completed"]); // n8n does not subscribe to it

    // retryDelivery: the delivery is keyed by batch, so the reactor finds the job start it came from
    const { deliveryId, batchId, jobId, integration, target, sourceEventId, sourceEventType } = (await deliveryEvents(store, startedId))[0]!.data as DeliveryRef;
    expect({ jobId, sourceEventId, sourceEventType }).toEqual({ jobId: null, sourceEventId: firstStart.id, sourceEventType: "RenderStarted" });
    await store.append("delivery", startedId, [{ type: "DeliveryRetryRequested", data: { deliveryId, batchId, jobId, integration, target, sourceEventId, sourceEventType } }], { expectedVersion: "any", metadata: meta });
    await until(async () => (await deliveryTypes(store, startedId)).includes("DeliverySucceeded"));
    expect(await deliveryTypes(store, startedId)).toEqual(["DeliveryFailed", "DeliveryRetryRequested", "DeliverySucceeded"]);
    expect(ops.accepted().map((r) => [(r.json as { type: string }).type, r.eventId])).toEqual([
      ["batch.completed", expect.any(String)],
      ["batch.started", firstStart.id],
    ]);
    await running.stop();
  });

  it("no subscriber for batch.started: job starts are not consumed at all", () => {
    const config = parseIntegrationConfig({ N8N_WEBHOOK_RENDER_URL: n8n.url, N8N_WEBHOOK_SECRET: SECRET });
    const reactors = integrationReactors({ names: { stream: "X", prefix: "x" } } as never, { config, roots, logger: quietLogger() });
    expect(reactors.specs[0]!.filterSubjects.some((f) => f.endsWith(".RenderStarted"))).toBe(false);
  });

  it("WEBHOOK_PATH_MAP: job payloads carry output paths as the receiver mounts them", async () => {
    const store = await openTestStore(nc);
    const config = parseIntegrationConfig(env({ WEBHOOK_PATH_MAP: `${roots.outputDir}/:/renders` }));
    expect(config.webhooks!.pathMapping).toEqual({ from: roots.outputDir, to: "/renders" });
    const reactors = integrationReactors(store, { config, roots, logger: quietLogger(), tuning: FAST });
    expect(reactors.describe()[3]).toBe(`webhooks: on, signed deliveries to n8n-render, ops; output paths ${roots.outputDir}/... sent as /renders/...`);
    const running = await startAll(store, reactors.specs);
    const d = domain(store, roots);
    const [j1] = await d.createBatch("h5", 1, {}, ["flat_1080p", "flat_1080p_vertical"]);
    await d.render(j1!, "flat_1080p");
    await d.render(j1!, "flat_1080p_vertical");
    await until(() => n8n.accepted().length === 1);
    const payload = n8n.accepted()[0]!.json as { outputFiles: { format: string; path: string }[] };
    expect(payload.outputFiles).toEqual([
      { format: "flat_1080p", path: "/renders/h5-j1_flat_1080p_v1.mp4", driveUrl: null },
      { format: "flat_1080p_vertical", path: "/renders/h5-j1_flat_1080p_vertical_v1.mp4", driveUrl: null },
    ]);
    await running.stop();
  });
});
