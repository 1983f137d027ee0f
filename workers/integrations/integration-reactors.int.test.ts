import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../test-support/nats";
import { startWebdav, webdavRemoteSection } from "../../test-support/fakes/rclone-webdav.js";
import { freePort } from "../../core/nats/local-server";
import { startFakeNtfy, type FakeNtfy } from "../../test-support/fakes/fake-ntfy.js";
import { startFakeGoogle, type FakeGoogle } from "../../test-support/fakes/fake-google.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../test-support/fakes/webhook-receiver.js";
import { mediaRoots, type MediaRoots } from "../../core/storage/media-paths";
import { quietLogger } from "../../core/log/logger";
import type { DeliveryRef } from "../../domain/delivery/delivery-events";
import { parseIntegrationConfig } from "./integrations-config.js";
import { integrationReactors } from "./integration-reactors.js";
import { allDeliveryEvents, domain, FAST, sleep, startAll, until } from "./reactor-test-kit.js";

const EMAIL = "sa@test.iam.gserviceaccount.com";
const SECRET = "whsec_all_down_secret";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
let nats: TestNats;
let nc: NatsConnection;
let ntfy: FakeNtfy;
let google: FakeGoogle;
let hooks: WebhookReceiver;
let dir: string;
let roots: MediaRoots;
let davPort: number;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  ntfy = await startFakeNtfy();
  google = await startFakeGoogle({ publicKey, clientEmail: EMAIL });
  google.createSpreadsheet("sheet-x");
  hooks = await startWebhookReceiver({ secret: SECRET });
  dir = await mkdtemp(join(tmpdir(), "ef-all-down-"));
  roots = mediaRoots(join(dir, "data"));
  await mkdir(roots.outputDir, { recursive: true });
  await mkdir(join(dir, "dav"));
  davPort = await freePort();
  await writeFile(join(dir, "rclone.conf"), webdavRemoteSection("dav", davPort));
});
afterAll(async () => {
  await Promise.allSettled([ntfy?.stop(), google?.stop(), hooks?.stop()]);
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("integration reactors", () => {
  it("says what it will do; with nothing configured only the Drive and Sheets 'not configured' notes run", () => {
    const none = integrationReactors({ names: { stream: "X", prefix: "x" } } as never, { config: parseIntegrationConfig({}), roots, logger: quietLogger() });
    expect(none.specs.map((s) => [s.name, s.filterSubjects])).toEqual([
      ["integration-drive-not-configured", ["x.batch.*.BatchCreated", "x.delivery.*.DeliveryRetryRequested"]],
      ["integration-sheets-not-configured", ["x.batch.*.BatchCreated", "x.batch.*.BatchExportRequested", "x.delivery.*.DeliveryRetryRequested"]],
    ]);
    expect(none.describe()).toEqual([
      "ntfy: off (set NTFY_TOPIC; NTFY_URL defaults to https://ntfy.sh)",
      "google drive: off (set GDRIVE_REMOTE); batches with syncToDrive get a FAILED delivery that says so",
      "google sheets: off (set GOOGLE_SHEETS_ID, GOOGLE_SERVICE_ACCOUNT_EMAIL, GOOGLE_PRIVATE_KEY); batches with exportToSheets and exportBatchToSheets requests get a FAILED delivery that says so",
      "webhooks: off (set N8N_WEBHOOK_RENDER_URL or WEBHOOKS)",
    ]);
    // only the topic: the public server, and start-up says so
    const topicOnly = integrationReactors({ names: { stream: "X", prefix: "x" } } as never, { config: parseIntegrationConfig({ NTFY_TOPIC: "t" }), roots, logger: quietLogger() });
    expect(topicOnly.describe()[0]).toBe(
      'ntfy: on, topic "t" at https://ntfy.sh (NTFY_URL not set: the public server, where anyone who knows the topic can read it): batch outcomes and final job failures, for batches with notify',
    );
    // INTEGRATION_* env shortens every integration consumer's retry schedule
    const env = { NTFY_URL: "http://127.0.0.1:9", NTFY_TOPIC: "t", INTEGRATION_MAX_ATTEMPTS: "40", INTEGRATION_BACKOFF_BASE_MS: "200", INTEGRATION_BACKOFF_MAX_MS: "1000" };
    const tuned = integrationReactors({ names: { stream: "X", prefix: "x" } } as never, { config: parseIntegrationConfig(env), roots, logger: quietLogger() });
    expect(tuned.specs[0]).toMatchObject({ name: "integration-ntfy", maxAttempts: 40, backoffBaseMs: 200, backoffMaxMs: 1000 });
    expect(tuned.describe().at(-1)).toBe("integration retries: 40 attempts, backoff 200 ms doubling to 1000 ms");
  });

  it("every integration down: deliveries show failed attempts, and all catch up once they return", async () => {
    const store = await openTestStore(nc);
    const config = parseIntegrationConfig({
      NTFY_URL: ntfy.url,
      NTFY_TOPIC: "ops",
      GDRIVE_REMOTE: "dav",
      GDRIVE_OUTPUT_FOLDER: "Renders",
      RCLONE_CONFIG: join(dir, "rclone.conf"),
      GOOGLE_SHEETS_ID: "sheet-x",
      GOOGLE_SERVICE_ACCOUNT_EMAIL: EMAIL,
      GOOGLE_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      GOOGLE_SHEETS_ROOT_URL: google.rootUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      N8N_WEBHOOK_RENDER_URL: hooks.url,
      N8N_WEBHOOK_SECRET: SECRET,
      WEBHOOKS: JSON.stringify([{ id: "batches", url: hooks.url, secret: SECRET, events: ["batch.*"] }]),
    });
    await Promise.all([ntfy.down(), google.down(), hooks.down()]); // and no webdav server yet
    const tuning = { ...FAST, consumer: { ...FAST.consumer, maxAttempts: 60, backoffBaseMs: 200, backoffMaxMs: 400 } };
    const reactors = integrationReactors(store, { config, roots, logger: quietLogger(), tuning });
    expect(reactors.specs.map((s) => s.name)).toEqual(["integration-ntfy", "integration-drive", "integration-sheets", "integration-webhooks"]);
    const running = await startAll(store, reactors.specs);
    const d = domain(store, roots);

    const [j1] = await d.createBatch("all1", 1, { notify: true, syncToDrive: true, exportToSheets: true });
    await d.render(j1!); // OutputRendered (drive) + JobCompleted (n8n webhook, waits for drive)
    await d.settle("all1", j1!); // BatchCompleted: ntfy, sheets, "batches" webhook
    // the pipeline is not held up: the batch completed while every integration was down
    expect((await store.load("batch", "all1")).events.map((e) => e.type)).toContain("BatchCompleted");

    const byDelivery = async () => {
      const m = new Map<string, string[]>();
      for (const e of await allDeliveryEvents(store)) m.set((e.data as DeliveryRef).deliveryId, [...(m.get((e.data as DeliveryRef).deliveryId) ?? []), e.type]);
      return m;
    };
    const integrationOf = (id: string) => id.split("-")[0];
    await until(async () => {
      const failing = [...(await byDelivery()).entries()].filter(([, t]) => t.includes("DeliveryAttemptFailed")).map(([id]) => integrationOf(id));
      return ["ntfy", "drive", "sheets", "webhook"].every((i) => failing.includes(i));
    }, 25_000, "a failed attempt for every integration");

    const dav = await startWebdav(join(dir, "dav"), davPort, join(dir, "rclone.conf"));
    try {
      await Promise.all([ntfy.up(), google.up(), hooks.up()]);
      await until(async () => {
        const all = [...(await byDelivery()).values()];
        return all.length === 7 && all.every((t) => t.at(-1) === "DeliverySucceeded");
      }, 25_000, "every delivery succeeded");
      await sleep(500);
    } finally {
      await dav.stop();
    }
    const all = await byDelivery();
    // sheets twice: on completion (Drive still down, no link) and when the upload was recorded;
    // webhooks: the n8n job webhook, batch.started and batch.completed for "batches"
    expect([...all.keys()].map(integrationOf).sort()).toEqual(["drive", "ntfy", "sheets", "sheets", "webhook", "webhook", "webhook"]);
    for (const types of all.values()) expect(types.filter((t) => t === "DeliverySucceeded")).toHaveLength(1);
    expect(ntfy.messages.map((m) => m.title)).toEqual(["Batch Complete: 1 videos"]);
    expect(hooks.accepted().map((r) => (r.json as { type: string }).type).sort()).toEqual(["batch.completed", "batch.started", "job.completed"]);
    const job = hooks.accepted().find((r) => (r.json as { type: string }).type === "job.completed")!.json as { driveUrl: string | null };
    expect(job.driveUrl).toMatch(/^rclone:\/\/dav\/Renders\/2026\/12\//); // waited for the upload
    const rows = google.values("sheet-x", "Renders");
    expect(rows).toHaveLength(2);
    expect(rows[1]![6]).toBe(job.driveUrl); // the Drive link reached the sheet too
    await running.stop();
  });
});
