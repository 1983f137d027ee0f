import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../../test-support/nats";
import { startFakeGoogle, type FakeGoogle } from "../../../test-support/fakes/fake-google.js";
import { startWebdav, webdavRemoteSection } from "../../../test-support/fakes/rclone-webdav.js";
import { freePort } from "../../../core/nats/local-server";
import { mediaRoots, type MediaRoots } from "../../../core/storage/media-paths";
import { quietLogger } from "../../../core/log/logger";
import { parseIntegrationConfig } from "../integrations-config.js";
import { integrationReactors } from "../integration-reactors.js";
import { allDeliveryEvents, deliveryEvents, deliveryTypes, domain, FAST, sleep, startAll, until } from "../reactor-test-kit.js";
import { driveDeliveryId } from "../google-drive/drive-reactor.js";
import { SHEET_HEADERS } from "./sheet-rows.js";

const EMAIL = "emberflow@test-project.iam.gserviceaccount.com";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
// as a .env file carries it: one line, literal \n
const PEM_ENV = privateKey.export({ type: "pkcs8", format: "pem" }).toString().replace(/\n/g, "\\n");
let nats: TestNats;
let nc: NatsConnection;
let google: FakeGoogle;
let dir: string;
let roots: MediaRoots;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  google = await startFakeGoogle({ publicKey, clientEmail: EMAIL });
  google.createSpreadsheet("sheet-1", ["Sheet1"]);
  google.createSpreadsheet("sheet-2", ["Sheet1"]);
  dir = await mkdtemp(join(tmpdir(), "ef-sheets-"));
  roots = mediaRoots(dir);
  await mkdir(roots.outputDir, { recursive: true });
});
afterAll(async () => {
  await google?.stop();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("sheets reactor", () => {
  it("exports a completed batch (inserts), re-exports on request (updates in place), rides out 429s", async () => {
    const store = await openTestStore(nc);
    const config = parseIntegrationConfig({
      GOOGLE_SHEETS_ID: "https://docs.google.com/spreadsheets/d/sheet-1/edit#gid=0",
      GOOGLE_SHEETS_TAB: "Exports",
      GOOGLE_SERVICE_ACCOUNT_EMAIL: EMAIL,
      GOOGLE_PRIVATE_KEY: PEM_ENV,
      GOOGLE_SHEETS_ROOT_URL: google.rootUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
    });
    expect(config.sheets).toMatchObject({ spreadsheetId: "sheet-1", tab: "Exports" });
    expect(config.sheets!.privateKey).toContain("-----BEGIN PRIVATE KEY-----\n");
    const running = await startAll(store, integrationReactors(store, { config, roots, logger: quietLogger(), tuning: FAST }).specs);
    const d = domain(store, roots);

    const [j1, j2] = await d.createBatch("s1", 2, { exportToSheets: true, transcribe: true });
    for (const j of [j1!, j2!]) {
      await d.render(j);
      await d.transcribe(j);
      await d.settle("s1", j);
    }
    const completedSeq = (await store.load("batch", "s1")).events.at(-1)!.seq;
    const first = `sheets-exports-${completedSeq}`;
    await until(async () => (await deliveryTypes(store, first)).includes("DeliverySucceeded"));
    const values = google.values("sheet-1", "Exports");
    expect(values[0]).toEqual([...SHEET_HEADERS]);
    expect(values.slice(1).map((r) => [r[1], r[3], r[4], r[5], r[7], r[9], r[10], r[11]])).toEqual([
      ["Track 1.mp3", "flat_1080p", "COMPLETED", "s1-j1_flat_1080p_v1.mp4", "hello world", "s1", "s1-j1", "en"],
      ["Track 2.mp3", "flat_1080p", "COMPLETED", "s1-j2_flat_1080p_v1.mp4", "hello world", "s1", "s1-j2", "en"],
    ]);
    expect((await deliveryEvents(store, first)).at(-1)!.data).toMatchObject({ integration: "sheets", target: "sheet-1/Exports", detail: { inserted: "2", updated: "0" } });

    // exportBatchToSheets: Sheets answers 429 more often than the adapter's own retries cover,
    // so one attempt is recorded as failed and the reactor's backoff finishes the job
    google.failNext(3, 429, { "retry-after": "0" });
    const requested = await d.requestExport("s1");
    const second = `sheets-exports-${requested.position}`;
    await until(async () => (await deliveryTypes(store, second)).includes("DeliverySucceeded"));
    expect(await deliveryTypes(store, second)).toEqual(["DeliveryAttemptFailed", "DeliverySucceeded"]);
    expect((await deliveryEvents(store, second)).at(-1)!.data).toMatchObject({ attempts: 2, detail: { inserted: "0", updated: "2" } });
    expect(google.values("sheet-1", "Exports")).toHaveLength(3); // updated in place, no duplicates

    // a batch without exportToSheets is not exported on completion
    const [k1] = await d.createBatch("s2", 1, { exportToSheets: false });
    await d.render(k1!);
    await d.settle("s2", k1!);
    await sleep(500);
    expect(google.values("sheet-1", "Exports")).toHaveLength(3);
    await running.stop();
  });

  it("Drive slower than the batch: the rows get their Drive links once the uploads are recorded", async () => {
    const store = await openTestStore(nc);
    const davPort = await freePort(); // nothing listens here yet: Drive is "slow"
    const davRoot = join(dir, "dav");
    await mkdir(davRoot);
    const configPath = join(dir, "rclone.conf");
    await writeFile(configPath, webdavRemoteSection("dav", davPort));
    const config = parseIntegrationConfig({
      GOOGLE_SHEETS_ID: "sheet-2",
      GOOGLE_SERVICE_ACCOUNT_EMAIL: EMAIL,
      GOOGLE_PRIVATE_KEY: PEM_ENV,
      GOOGLE_SHEETS_ROOT_URL: google.rootUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GDRIVE_REMOTE: "dav",
      GDRIVE_OUTPUT_FOLDER: "Renders",
      RCLONE_CONFIG: configPath,
    });
    const tuning = { ...FAST, consumer: { ...FAST.consumer, maxAttempts: 60, backoffBaseMs: 200, backoffMaxMs: 400 } };
    const running = await startAll(store, integrationReactors(store, { config, roots, logger: quietLogger(), tuning }).specs);
    const d = domain(store, roots);
    const [j1, j2] = await d.createBatch("late1", 2, { exportToSheets: true, syncToDrive: true }, ["flat_1080p", "flat_1080p_vertical"]);
    for (const j of [j1!, j2!]) {
      await d.render(j, "flat_1080p");
      await d.render(j, "flat_1080p_vertical");
      await d.settle("late1", j);
    }
    // the completion export goes out while every upload is still failing: rows, no links yet
    const completedSeq = (await store.load("batch", "late1")).events.at(-1)!.seq;
    await until(async () => (await deliveryTypes(store, `sheets-renders-${completedSeq}`)).includes("DeliverySucceeded"));
    const driveIds = [];
    for (const j of [j1!, j2!]) {
      for (const e of (await store.load("job", j)).events) if (e.type === "OutputRendered") driveIds.push(driveDeliveryId(config.drive!, e.seq));
    }
    expect(driveIds).toHaveLength(4);
    for (const id of driveIds) expect(await deliveryTypes(store, id)).not.toContain("DeliverySucceeded");
    const rows = () => google.values("sheet-2", "Renders").slice(1);
    expect(rows()).toHaveLength(4);
    expect(rows().every((r) => !r[6])).toBe(true); // Google Drive URL column empty

    // Drive catches up after the batch completed: the sheet is re-exported with the links
    const dav = await startWebdav(davRoot, davPort, configPath);
    try {
      await until(async () => rows().every((r) => typeof r[6] === "string" && r[6].startsWith("rclone://dav/Renders/")), 30_000, "drive links in the sheet");
      const links = new Map<string, string>();
      for (const id of driveIds) {
        const last = (await deliveryEvents(store, id)).at(-1)!;
        expect(last.type).toBe("DeliverySucceeded");
        const detail = (last.data as { detail: Record<string, string> }).detail;
        links.set(detail.fileName!, detail.driveUrl!);
      }
      expect(rows().map((r) => r[6])).toEqual(rows().map((r) => links.get(r[5] as string)));
      expect(rows()).toHaveLength(4); // updated in place
      // re-exports come from drive outcomes (one per batch unless uploads finish together)
      await sleep(500);
      const reExports = (await allDeliveryEvents(store)).filter((e) => e.type === "DeliverySucceeded" && (e.data as { integration: string }).integration === "sheets" && (e.data as { sourceEventType: string }).sourceEventType === "DeliverySucceeded");
      expect(reExports.length).toBeGreaterThanOrEqual(1);
      expect(reExports.length).toBeLessThanOrEqual(4);
    } finally {
      await dav.stop();
    }
    await running.stop();
  });
});
