import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../../test-support/nats";
import { startWebdav, webdavRemoteSection } from "../../../test-support/fakes/rclone-webdav.js";
import { freePort } from "../../../core/nats/local-server";
import { mediaRoots, outputPath, type MediaRoots } from "../../../core/storage/media-paths";
import { quietLogger } from "../../../core/log/logger";
import { parseIntegrationConfig } from "../integrations-config.js";
import { integrationReactors } from "../integration-reactors.js";
import { allDeliveryEvents, deliveryTypes, domain, FAST, sleep, startAll, until } from "../reactor-test-kit.js";
import { driveDeliveryId } from "./drive-reactor.js";

let nats: TestNats;
let nc: NatsConnection;
let dir: string;
let roots: MediaRoots;
let configPath: string;
let davPort: number;
const localRoot = () => join(dir, "local-remote");
const davRoot = () => join(dir, "dav-root");

beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  dir = await mkdtemp(join(tmpdir(), "ef-drive-reactor-"));
  roots = mediaRoots(join(dir, "data"));
  await mkdir(roots.outputDir, { recursive: true });
  await mkdir(localRoot());
  await mkdir(davRoot());
  davPort = await freePort();
  configPath = join(dir, "rclone.conf");
  await writeFile(configPath, ["[testdrive]", "type = local", "", webdavRemoteSection("davtest", davPort)].join("\n"));
});
afterAll(async () => {
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

const outputSeqs = async (store: Awaited<ReturnType<typeof openTestStore>>, jobId: string) =>
  (await store.load("job", jobId)).events.filter((e) => e.type === "OutputRendered").map((e) => e.seq);

describe("drive reactor", () => {
  it("copies each output of a syncToDrive batch to the remote, verified, and records the link", async () => {
    const store = await openTestStore(nc);
    const config = parseIntegrationConfig({ GDRIVE_REMOTE: "testdrive:", GDRIVE_OUTPUT_FOLDER: `${localRoot()}/Renders`, RCLONE_CONFIG: configPath });
    const reactors = integrationReactors(store, { config, roots, logger: quietLogger(), tuning: FAST });
    expect(reactors.describe()[1]).toMatch(/^google drive: on/);
    const running = await startAll(store, reactors.specs);
    const d = domain(store, roots);
    const [j1] = await d.createBatch("d1", 1, { syncToDrive: true }, ["flat_1080p", "flat_1080p_vertical"]);
    await d.render(j1!, "flat_1080p", 50_000);
    await d.render(j1!, "flat_1080p_vertical", 60_000);
    const [q1] = await d.createBatch("d2", 1, { syncToDrive: false });
    await d.render(q1!);

    const seqs = await outputSeqs(store, j1!);
    for (const seq of seqs) await until(async () => (await deliveryTypes(store, driveDeliveryId(config.drive!, seq))).includes("DeliverySucceeded"));
    const folder = `${localRoot()}/Renders/2026/12/Batch d1 雨 (d1)`;
    expect((await readdir(folder)).sort()).toEqual(["d1-j1_flat_1080p_v1.mp4", "d1-j1_flat_1080p_vertical_v1.mp4"]);
    expect(await readFile(join(folder, "d1-j1_flat_1080p_v1.mp4"))).toEqual(await readFile(outputPath(roots, "d1-j1_flat_1080p_v1.mp4")));

    const ok = (await store.load("delivery", driveDeliveryId(config.drive!, seqs[0]!))).events.at(-1)!;
    expect(ok.data).toMatchObject({
      integration: "drive",
      jobId: j1,
      batchId: "d1",
      attempts: 1,
      detail: {
        format: "flat_1080p",
        fileName: "d1-j1_flat_1080p_v1.mp4",
        driveUrl: new URL(`file://${folder}/d1-j1_flat_1080p_v1.mp4`).href,
        remotePath: `testdrive:${folder}/d1-j1_flat_1080p_v1.mp4`,
        verifiedBy: "md5",
      },
    });
    await sleep(300);
    // the batch without syncToDrive: no delivery at all
    expect((await allDeliveryEvents(store)).filter((e) => (e.data as { batchId: string }).batchId === "d2")).toEqual([]);
    await running.stop();
  });

  it("remote unavailable, then back: attempts are recorded as failed, then it is copied exactly once", async () => {
    const store = await openTestStore(nc);
    const config = parseIntegrationConfig({ GDRIVE_REMOTE: "davtest", GDRIVE_OUTPUT_FOLDER: "Renders", RCLONE_CONFIG: configPath });
    const tuning = { ...FAST, consumer: { ...FAST.consumer, maxAttempts: 30, backoffBaseMs: 200, backoffMaxMs: 500 } };
    const running = await startAll(store, integrationReactors(store, { config, roots, logger: quietLogger(), tuning }).specs);
    const d = domain(store, roots);
    const [j1] = await d.createBatch("w1", 1, { syncToDrive: true });
    await d.render(j1!, "flat_1080p", 100_000);
    const id = driveDeliveryId(config.drive!, (await outputSeqs(store, j1!))[0]!);
    await until(async () => (await deliveryTypes(store, id)).includes("DeliveryAttemptFailed"), 20_000);

    const server = await startWebdav(davRoot(), davPort, configPath);
    try {
      await until(async () => (await deliveryTypes(store, id)).includes("DeliverySucceeded"), 20_000);
      await sleep(500);
    } finally {
      await server.stop();
    }
    const types = await deliveryTypes(store, id);
    expect(types.filter((t) => t === "DeliverySucceeded")).toHaveLength(1);
    expect(types.at(-1)).toBe("DeliverySucceeded");
    expect(types.slice(0, -1).every((t) => t === "DeliveryAttemptFailed")).toBe(true);
    const files = (await readdir(davRoot(), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.map((f) => join(f.parentPath, f.name))).toEqual([join(davRoot(), "Renders/2026/12/Batch w1 雨 (w1)/w1-j1_flat_1080p_v1.mp4")]);
    const last = (await store.load("delivery", id)).events.at(-1)!;
    expect(last.data).toMatchObject({ detail: { driveUrl: "rclone://davtest/Renders/2026/12/Batch%20w1%20%E9%9B%A8%20(w1)/w1-j1_flat_1080p_v1.mp4" } });
    await running.stop();
  });

  it("GDRIVE_FOLDER_NAMING and GDRIVE_LINK_TEMPLATE reach the uploads and the recorded links", async () => {
    const store = await openTestStore(nc);
    const config = parseIntegrationConfig({
      GDRIVE_REMOTE: "testdrive",
      GDRIVE_OUTPUT_FOLDER: `${localRoot()}/Named`,
      RCLONE_CONFIG: configPath,
      GDRIVE_FOLDER_NAMING: "id",
      GDRIVE_LINK_TEMPLATE: "https://files.example.com/{remote}/{encodedPath}?n={name}",
    });
    const reactors = integrationReactors(store, { config, roots, logger: quietLogger(), tuning: FAST });
    expect(reactors.describe()[1]).toBe(`google drive: on, each output of batches with syncToDrive is copied to testdrive:${localRoot()}/Named/<YYYY>/<MM>/<batch id>/ with rclone, links from GDRIVE_LINK_TEMPLATE`);
    const running = await startAll(store, reactors.specs);
    const d = domain(store, roots);
    const [j1] = await d.createBatch("n1", 1, { syncToDrive: true });
    await d.render(j1!);
    const id = driveDeliveryId(config.drive!, (await outputSeqs(store, j1!))[0]!);
    await until(async () => (await deliveryTypes(store, id)).includes("DeliverySucceeded"));
    const folder = `${localRoot()}/Named/2026/12/n1`; // the batch id alone, not "Batch n1 雨 (n1)"
    expect(await readdir(folder)).toEqual(["n1-j1_flat_1080p_v1.mp4"]);
    const ok = (await store.load("delivery", id)).events.at(-1)!;
    const encoded = `${localRoot()}/Named/2026/12/n1/n1-j1_flat_1080p_v1.mp4`.split("/").map(encodeURIComponent).join("/");
    expect(ok.data).toMatchObject({
      target: `testdrive:${folder}/n1-j1_flat_1080p_v1.mp4`,
      detail: { driveUrl: `https://files.example.com/testdrive/${encoded}?n=n1-j1_flat_1080p_v1.mp4` },
    });
    await running.stop();
  });
});
