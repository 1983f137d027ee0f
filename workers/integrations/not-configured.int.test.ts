import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../test-support/nats";
import { startFakeGoogle, type FakeGoogle } from "../../test-support/fakes/fake-google.js";
import type { EventStore } from "../../core/eventlog/event-store";
import { mediaRoots, type MediaRoots } from "../../core/storage/media-paths";
import { quietLogger } from "../../core/log/logger";
import type { DeliveryRef } from "../../domain/delivery/delivery-events";
import { parseIntegrationConfig } from "./integrations-config.js";
import { integrationReactors } from "./integration-reactors.js";
import { NOT_CONFIGURED_MESSAGES, notConfiguredDeliveryId } from "./not-configured.js";
import { allDeliveryEvents, deliveryEvents, deliveryTypes, domain, FAST, meta, sleep, startAll, until } from "./reactor-test-kit.js";

const EMAIL = "emberflow@test-project.iam.gserviceaccount.com";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
let nats: TestNats;
let nc: NatsConnection;
let google: FakeGoogle;
let dir: string;
let roots: MediaRoots;
let configPath: string;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  google = await startFakeGoogle({ publicKey, clientEmail: EMAIL });
  google.createSpreadsheet("sheet-n", ["Sheet1"]);
  dir = await mkdtemp(join(tmpdir(), "ef-not-configured-"));
  roots = mediaRoots(join(dir, "data"));
  await mkdir(roots.outputDir, { recursive: true });
  await mkdir(join(dir, "remote"));
  configPath = join(dir, "rclone.conf");
  await writeFile(configPath, "[testdrive]\ntype = local\n");
});
afterAll(async () => {
  await google?.stop();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

const OFF = parseIntegrationConfig({});
const ON = () =>
  parseIntegrationConfig({
    GDRIVE_REMOTE: "testdrive",
    GDRIVE_OUTPUT_FOLDER: join(dir, "remote"),
    RCLONE_CONFIG: configPath,
    GOOGLE_SHEETS_ID: "sheet-n",
    GOOGLE_SERVICE_ACCOUNT_EMAIL: EMAIL,
    GOOGLE_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    GOOGLE_SHEETS_ROOT_URL: google.rootUrl,
    GOOGLE_TOKEN_URL: google.tokenUrl,
  });
const batchSeqs = async (store: EventStore, id: string, type: string) => (await store.load("batch", id)).events.filter((e) => e.type === type).map((e) => e.seq);
const batchDeliveries = async (store: EventStore, batchId: string) =>
  (await allDeliveryEvents(store)).filter((e) => (e.data as DeliveryRef).batchId === batchId).map((e) => `${(e.data as DeliveryRef).deliveryId} ${e.type}`);
const retry = async (store: EventStore, id: string) => {
  const { deliveryId, batchId, jobId, integration, target, sourceEventId, sourceEventType } = (await deliveryEvents(store, id))[0]!.data as DeliveryRef;
  await store.append("delivery", id, [{ type: "DeliveryRetryRequested", data: { deliveryId, batchId, jobId, integration, target, sourceEventId, sourceEventType } }], { expectedVersion: "any", metadata: meta });
};

describe("integrations asked for but not configured", () => {
  it("are on record as FAILED deliveries that name the variables; once configured, the worker catches up", { timeout: 60_000 }, async () => {
    const store = await openTestStore(nc);
    const off = integrationReactors(store, { config: OFF, roots, logger: quietLogger(), tuning: FAST });
    expect(off.specs.map((s) => s.name)).toEqual(["integration-drive-not-configured", "integration-sheets-not-configured"]);
    expect(off.describe()[1]).toBe("google drive: off (set GDRIVE_REMOTE); batches with syncToDrive get a FAILED delivery that says so");
    let running = await startAll(store, off.specs);
    const d = domain(store, roots);

    // 1. both off: a batch asking for both, a batch asking for neither, then exportBatchToSheets
    const [j1] = await d.createBatch("o1", 1, { syncToDrive: true, exportToSheets: true });
    const [k1] = await d.createBatch("o2", 1);
    const [created1] = await batchSeqs(store, "o1", "BatchCreated");
    const driveNotice = notConfiguredDeliveryId("drive", created1!);
    const sheetsNotice = notConfiguredDeliveryId("sheets", created1!);
    await until(async () => (await deliveryTypes(store, driveNotice)).length > 0 && (await deliveryTypes(store, sheetsNotice)).length > 0);
    const failed = (await deliveryEvents(store, driveNotice))[0]!;
    expect(failed.type).toBe("DeliveryFailed");
    expect(failed.data).toMatchObject({ integration: "drive", batchId: "o1", jobId: null, target: "not configured", sourceEventType: "BatchCreated", error: NOT_CONFIGURED_MESSAGES.drive });
    expect(NOT_CONFIGURED_MESSAGES.drive).toMatch(/set GDRIVE_REMOTE/);
    expect((await deliveryEvents(store, sheetsNotice))[0]!.data).toMatchObject({ integration: "sheets", error: expect.stringMatching(/set GOOGLE_SHEETS_ID, GOOGLE_SERVICE_ACCOUNT_EMAIL and GOOGLE_PRIVATE_KEY/) });
    await d.requestExport("o2");
    const [exportSeq] = await batchSeqs(store, "o2", "BatchExportRequested");
    await until(async () => (await deliveryTypes(store, notConfiguredDeliveryId("sheets", exportSeq!))).includes("DeliveryFailed"));
    // the pipeline goes on; retryDelivery while still off says the same again
    await d.render(j1!);
    await d.settle("o1", j1!);
    await d.render(k1!);
    await d.settle("o2", k1!);
    await retry(store, driveNotice);
    await until(async () => (await deliveryTypes(store, driveNotice)).length === 3);
    await sleep(300);
    expect(await deliveryTypes(store, driveNotice)).toEqual(["DeliveryFailed", "DeliveryRetryRequested", "DeliveryFailed"]);
    expect(await batchDeliveries(store, "o2")).toEqual([`${notConfiguredDeliveryId("sheets", exportSeq!)} DeliveryFailed`]);
    await running.stop();

    // 2. configured: the new consumers start from the beginning of the log and do what was missed
    const on = ON();
    running = await startAll(store, integrationReactors(store, { config: on, roots, logger: quietLogger(), tuning: FAST }).specs);
    await until(async () => google.values("sheet-n", "Renders").length === 3, 20_000, "both batches exported"); // o1 on completion, o2 as requested
    const folder = join(dir, "remote", "2026", "12", "Batch o1 雨 (o1)");
    await until(async () => (await readdir(folder).catch(() => [])).length === 1, 20_000, "o1 uploaded");
    // and a retried notice now does the work: Sheets exports, Drive uploads (already there: skipped)
    await retry(store, sheetsNotice);
    await retry(store, driveNotice);
    await until(async () => (await deliveryTypes(store, sheetsNotice)).at(-1) === "DeliverySucceeded" && (await deliveryTypes(store, driveNotice)).at(-1) === "DeliverySucceeded");
    expect((await deliveryEvents(store, sheetsNotice)).at(-1)!.data).toMatchObject({ target: "sheet-n/Renders", detail: { rows: "1", updated: "1" } });
    expect((await deliveryEvents(store, driveNotice)).at(-1)!.data).toMatchObject({ target: `testdrive:${join(dir, "remote")}`, detail: { outputs: "1" } });
    expect(google.values("sheet-n", "Renders")).toHaveLength(3);
    // a batch made while both are on: delivered, no notice
    const [m1] = await d.createBatch("o3", 1, { syncToDrive: true, exportToSheets: true });
    await d.render(m1!);
    await d.settle("o3", m1!);
    await until(async () => google.values("sheet-n", "Renders").length === 4, 20_000, "o3 exported");
    await until(async () => (await batchDeliveries(store, "o3")).filter((x) => x.startsWith("drive-") && x.endsWith("DeliverySucceeded")).length === 1);
    await sleep(300);
    await running.stop();

    // 3. off again, with the notice consumers made afresh (they replay the whole log): what the
    // configured run handled is not marked; a new request is
    for (const name of ["integration-drive-not-configured", "integration-sheets-not-configured"]) await store.jsm.consumers.delete(store.names.stream, name);
    running = await startAll(store, integrationReactors(store, { config: OFF, roots, logger: quietLogger(), tuning: FAST }).specs);
    await d.createBatch("o4", 1, { syncToDrive: true });
    const [created4] = await batchSeqs(store, "o4", "BatchCreated");
    await until(async () => (await deliveryTypes(store, notConfiguredDeliveryId("drive", created4!))).includes("DeliveryFailed"));
    await sleep(300);
    expect((await batchDeliveries(store, "o3")).filter((x) => x.includes("not_configured"))).toEqual([]);
    expect(await deliveryTypes(store, driveNotice)).toEqual(["DeliveryFailed", "DeliveryRetryRequested", "DeliveryFailed", "DeliveryRetryRequested", "DeliverySucceeded"]);
    await running.stop();
  });
});
