import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NatsConnection } from "@nats-io/transport-node";
import { openTestStore, startTestNats, type TestNats } from "../../../test-support/nats";
import { startFakeNtfy, type FakeNtfy } from "../../../test-support/fakes/fake-ntfy.js";
import { mediaRoots, type MediaRoots } from "../../../core/storage/media-paths";
import { quietLogger } from "../../../core/log/logger";
import { parseIntegrationConfig } from "../integrations-config.js";
import { integrationReactors } from "../integration-reactors.js";
import { deliveryTypes, domain, FAST, meta, sleep, startAll, until } from "../reactor-test-kit.js";

let nats: TestNats;
let nc: NatsConnection;
let ntfy: FakeNtfy;
let dir: string;
let roots: MediaRoots;
const TOKEN = "tk_reactor_test_token";

beforeAll(async () => {
  nats = await startTestNats();
  nc = await nats.connect();
  ntfy = await startFakeNtfy({ token: TOKEN });
  dir = await mkdtemp(join(tmpdir(), "ef-ntfy-"));
  roots = mediaRoots(dir);
  await mkdir(roots.outputDir, { recursive: true });
});
afterAll(async () => {
  await ntfy?.stop();
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

const config = () =>
  parseIntegrationConfig({ NTFY_URL: ntfy.url, NTFY_TOPIC: "emberflow", NTFY_TOKEN: TOKEN, NTFY_NOTIFY_STARTED: "true", PUBLIC_URL: "https://ember.example" });
const titles = () => ntfy.messages.map((m) => m.title);

describe("ntfy reactor", () => {
  it("one push per batch outcome and per final job failure, none per retried attempt, none on redelivery", async () => {
    const store = await openTestStore(nc);
    const reactors = integrationReactors(store, { config: config(), roots, logger: quietLogger(), tuning: FAST });
    // plus the "not configured" notes of the integrations a batch can ask for (Drive, Sheets)
    expect(reactors.specs.map((s) => s.name)).toEqual(["integration-ntfy", "integration-drive-not-configured", "integration-sheets-not-configured"]);
    expect(reactors.describe()[0]).toMatch(/^ntfy: on, topic "emberflow".*batch started/);
    let running = await startAll(store, reactors.specs);
    const d = domain(store, roots);
    ntfy.messages.length = 0;

    const [j1, j2] = await d.createBatch("b1", 2, { notify: true });
    await d.render(j1!); // first RenderStarted of the batch: "started"; then JobCompleted (nothing sent)
    await d.jobs.handle(j2!, { type: "StartRender", attempt: 1, worker: "w" }, meta);
    await d.failAttempt(j2!, 1);
    await d.failAttempt(j2!, 2);
    await until(() => titles().length >= 1);
    await sleep(400);
    expect(titles()).toEqual(["Batch Started: 2 files"]); // attempts that will be retried: silent

    await d.failFinal(j2!, 3);
    await d.settle("b1", j1!);
    await d.settle("b1", j2!, "failed");
    await until(() => titles().length >= 3);
    expect(titles()).toEqual(["Batch Started: 2 files", "Render Failed: Track 2.mp3", "Batch Partial: 1/2 succeeded"]);
    expect(ntfy.messages[2]).toMatchObject({ topic: "emberflow", click: "https://ember.example/#/batches/b1", authorization: `Bearer ${TOKEN}` });

    // redeliver everything: drop the durable consumer and start over from sequence 1
    await running.stop();
    await store.jsm.consumers.delete(store.names.stream, "integration-ntfy");
    running = await startAll(store, integrationReactors(store, { config: config(), roots, logger: quietLogger(), tuning: FAST }).specs);
    await sleep(1_500);
    expect(titles()).toHaveLength(3);

    // ntfy down for two attempts: recorded as retrying, then exactly one push
    const [k1] = await d.createBatch("b2", 1, { notify: true });
    await d.render(k1!);
    await until(async () => (await deliveryTypes(store, "ntfy-started-b2")).includes("DeliverySucceeded"));
    ntfy.failNext(2, 503);
    await d.settle("b2", k1!);
    await until(() => titles().includes("Batch Complete: 1 videos"));
    const completedSeq = (await store.load("batch", "b2")).events.at(-1)!.seq;
    await until(async () => (await deliveryTypes(store, `ntfy-emberflow-${completedSeq}`)).includes("DeliverySucceeded"));
    expect(await deliveryTypes(store, `ntfy-emberflow-${completedSeq}`)).toEqual([
      "DeliveryAttemptFailed",
      "DeliveryAttemptFailed",
      "DeliverySucceeded",
    ]);

    // cancelled batch, and a batch without `notify`: one push and none
    const [c1] = await d.createBatch("b3", 1, { notify: true });
    await d.settle("b3", c1!, "cancelled");
    const [q1] = await d.createBatch("b4", 1, { notify: false });
    await d.render(q1!);
    await d.settle("b4", q1!);
    await until(() => titles().some((t) => t?.startsWith("Batch Cancelled")));
    await sleep(500);
    expect(titles().filter((t) => t === "Batch Complete: 1 videos")).toHaveLength(1);
    expect(ntfy.messages.filter((m) => m.message.includes("Batch ID: b4"))).toHaveLength(0);
    await running.stop();
  });
});
