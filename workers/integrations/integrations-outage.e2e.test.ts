import { generateKeyPairSync } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSpeech, startE2ESystem, type E2ESystem } from "../../test-support/e2e-system";
import { startFakeNtfy, type FakeNtfy } from "../../test-support/fakes/fake-ntfy.js";
import { startFakeGoogle, type FakeGoogle } from "../../test-support/fakes/fake-google.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../test-support/fakes/webhook-receiver.js";
import { startWebdav, webdavRemoteSection, type WebdavServer } from "../../test-support/fakes/rclone-webdav.js";
import { freePort } from "../../core/nats/local-server";

/**
 * The whole system (server, workers, whisper-service as `npm start` runs them) with every
 * integration down when the batch runs: renders and transcripts must not wait for them, the
 * failures must show in GraphQL, and once the integrations return each delivery must land exactly
 * once. Retries are shortened with the INTEGRATION_* env so the catch-up takes seconds.
 */
const EMAIL = "emberflow-e2e@test-project.iam.gserviceaccount.com";
const SECRET = "whsec_e2e_outage_secret";
const NTFY_TOKEN = "tk_e2e_outage";
const SHEET = "sheet-e2e";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

let sys: E2ESystem;
let ntfy: FakeNtfy;
let google: FakeGoogle;
let hooks: WebhookReceiver;
let dav: WebdavServer | undefined;
let dir: string;
let davPort: number;
const davRoot = () => join(dir, "dav");
const rcloneConf = () => join(dir, "rclone.conf");

beforeAll(async () => {
  ntfy = await startFakeNtfy({ token: NTFY_TOKEN });
  google = await startFakeGoogle({ publicKey, clientEmail: EMAIL });
  google.createSpreadsheet(SHEET); // without the Renders tab: the export must create it
  hooks = await startWebhookReceiver({ secret: SECRET });
  // down from the start; each keeps its port, so the workers see "connection refused" until up()
  await Promise.all([ntfy.down(), google.down(), hooks.down()]);
  dir = await mkdtemp(join(tmpdir(), "ef-outage-"));
  await mkdir(davRoot());
  davPort = await freePort(); // nothing listens here until the webdav server starts
  await writeFile(rcloneConf(), webdavRemoteSection("dav", davPort));
  sys = await startE2ESystem({
    whisper: true,
    workerEnv: {
      NTFY_URL: ntfy.url,
      NTFY_TOPIC: "ops",
      NTFY_TOKEN,
      NTFY_NOTIFY_STARTED: "true",
      GDRIVE_REMOTE: "dav",
      GDRIVE_OUTPUT_FOLDER: "Renders",
      RCLONE_CONFIG: rcloneConf(),
      GOOGLE_SHEETS_ID: SHEET,
      GOOGLE_SERVICE_ACCOUNT_EMAIL: EMAIL,
      // as a .env file carries it: one line with literal \n
      GOOGLE_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString().replace(/\n/g, "\\n"),
      GOOGLE_SHEETS_ROOT_URL: google.rootUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      N8N_WEBHOOK_RENDER_URL: hooks.url,
      N8N_WEBHOOK_SECRET: SECRET,
      WEBHOOKS: JSON.stringify([{ id: "batches", url: hooks.url, secret: SECRET, events: ["batch.*"] }]),
      // plenty of attempts (the job webhook also spends some waiting for Drive), short waits
      INTEGRATION_MAX_ATTEMPTS: "200",
      INTEGRATION_BACKOFF_BASE_MS: "250",
      INTEGRATION_BACKOFF_MAX_MS: "1000",
    },
  });
}, 180_000);

afterAll(async () => {
  await dav?.stop();
  await sys?.stop();
  await Promise.allSettled([ntfy?.stop(), google?.stop(), hooks?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Delivery { id: string; integration: string; status: string; attempts: number; lastError: string | null; jobId: string | null; sourceEventType: string }
interface BatchView {
  status: string;
  counts: { total: number; succeeded: number };
  jobs: { id: string; status: string; outputs: { format: string; fileName: string; bytes: number; driveUrl: string | null }[]; transcript: { text: string; language: string; description: string } | null }[];
  deliveries: Delivery[];
}

const BATCH_QUERY = `query($id: ID!) { batch(id: $id) {
  status counts { total succeeded }
  jobs { id status outputs { format fileName bytes driveUrl } transcript { text language description } }
  deliveries { id integration status attempts lastError jobId sourceEventType }
} }`;

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${sys.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} not reached in ${ms} ms; last worker logs:\n${sys.logs.slice(-40).join("\n")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const received = () => ({ ntfy: ntfy.messages.length, hooks: hooks.received.length, sheets: google.calls.length });

describe("every integration down while a batch runs", () => {
  it("the batch completes with outputs and transcripts, then each delivery catches up exactly once", { timeout: 120_000 }, async () => {
    const audio = await makeSpeech(join(dir, "Morning Calm.wav"), "good morning, the river is calm today");
    const form = new FormData();
    form.append("file", new Blob([await readFile(audio)], { type: "audio/wav" }), "Morning Calm.wav");
    const up = await fetch(`${sys.url}/uploads`, { method: "POST", body: form });
    expect(up.status).toBe(201);
    const [upload] = (await up.json()) as { id: string }[];
    const created = await gql<{ createBatch: { batch: { id: string } } }>(
      `mutation($input: CreateBatchInput!) { createBatch(input: $input) { batch { id } } }`,
      {
        input: {
          name: "outage",
          items: [{ uploadId: upload!.id }],
          template: "FLAME",
          formats: ["FLAT_1080P"],
          options: { quality: "DRAFT", transcribe: true, notify: true, syncToDrive: true, exportToSheets: true },
        },
      },
    );
    const batchId = created.createBatch.batch.id;
    const view = async () => (await gql<{ batch: BatchView }>(BATCH_QUERY, { id: batchId })).batch;

    // 1. the pipeline does not wait for the integrations
    const done = await until("batch finished", 60_000, async () => {
      const b = await view();
      return ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(b.status) ? b : undefined;
    });
    expect(done.status).toBe("COMPLETED");
    expect(done.counts).toEqual({ total: 1, succeeded: 1 });
    const [job] = done.jobs;
    expect(job!.status).toBe("COMPLETED");
    expect(job!.outputs.map((o) => o.format)).toEqual(["FLAT_1080P"]);
    expect(job!.outputs[0]!.bytes).toBeGreaterThan(0);
    expect(job!.transcript?.language).toBe("en");
    expect(job!.transcript!.text.toLowerCase()).toMatch(/morning/);

    // 2. every integration has a failed attempt on record and nothing was delivered
    const failing = await until("a failed attempt for every integration", 30_000, async () => {
      const d = (await view()).deliveries;
      const retrying = new Set(d.filter((x) => x.status === "RETRYING").map((x) => x.integration));
      return ["ntfy", "drive", "sheets", "webhook"].every((i) => retrying.has(i)) ? d : undefined;
    });
    expect(failing.filter((d) => d.status === "SUCCEEDED" || d.status === "FAILED")).toEqual([]);
    expect(failing.every((d) => d.status !== "RETRYING" || (d.attempts >= 1 && d.lastError))).toBe(true);
    expect(received()).toEqual({ ntfy: 0, hooks: 0, sheets: 0 });
    expect(await readdir(davRoot())).toEqual([]);

    // 3. they come back: everything catches up
    dav = await startWebdav(davRoot(), davPort, rcloneConf());
    await Promise.all([ntfy.up(), google.up(), hooks.up()]);
    const caughtUp = await until("every delivery succeeded", 45_000, async () => {
      const d = (await view()).deliveries;
      return d.length === 8 && d.every((x) => x.status === "SUCCEEDED") ? d : undefined;
    });
    // ntfy started + completed, drive (one output), sheets on completion and again once the Drive
    // upload was recorded, the n8n job webhook, batch.started and batch.completed for "batches"
    expect(caughtUp.map((d) => d.integration).sort()).toEqual(["drive", "ntfy", "ntfy", "sheets", "sheets", "webhook", "webhook", "webhook"]);
    const reExport = caughtUp.filter((d) => d.integration === "sheets" && d.sourceEventType === "DeliverySucceeded");
    expect(reExport).toHaveLength(1);
    // each failed before it succeeded (the re-export starts once Drive is back: Sheets may be too)
    expect(caughtUp.filter((d) => d !== reExport[0]).every((d) => d.attempts > 1)).toBe(true);
    // a few more backoff periods: nothing is sent twice
    const settled = received();
    await new Promise((r) => setTimeout(r, 2500));
    expect(received()).toEqual(settled);

    expect(ntfy.messages.map((m) => m.title).sort()).toEqual(["Batch Complete: 1 videos", "Batch Started: 1 files"]);
    expect(ntfy.messages.every((m) => m.topic === "ops" && m.authorization === `Bearer ${NTFY_TOKEN}`)).toBe(true);

    expect(hooks.received.every((r) => r.answered === 200 && r.signatureValid)).toBe(true);
    const payloads = hooks.received.map((r) => r.json as { type: string; eventId: string; driveUrl?: string | null; description?: string });
    expect(payloads.map((p) => p.type).sort()).toEqual(["batch.completed", "batch.started", "job.completed"]);
    expect(new Set(payloads.map((p) => p.eventId)).size).toBe(3);
    const jobHook = payloads.find((p) => p.type === "job.completed")!;
    expect(jobHook.driveUrl).toMatch(/^rclone:\/\/dav\/Renders\/\d{4}\/\d{2}\//); // it waited for the upload
    expect(jobHook.description).toBe(job!.transcript!.description);

    const files = (await readdir(davRoot(), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toEqual([job!.outputs[0]!.fileName]);
    expect((await stat(join(files[0]!.parentPath, files[0]!.name))).size).toBe(job!.outputs[0]!.bytes);
    expect(files[0]!.parentPath).toMatch(/Renders\/\d{4}\/\d{2}\/outage \([0-9a-f]{8}\)$/);

    const rows = google.values(SHEET, "Renders");
    expect(rows).toHaveLength(2); // header + one row, however many attempts it took
    // the tab was missing: the read said so, addSheet, then header + row in a single write; the
    // re-export after the Drive upload reads and updates the row in place
    expect(google.calls).toEqual(["GET values", "POST batchUpdate", "POST values:batchUpdate", "GET values", "POST values:batchUpdate"]);
    expect([rows[1]![4], rows[1]![10], rows[1]![11]]).toEqual(["COMPLETED", job!.id, "en"]);
    expect(rows[1]![6]).toBe(jobHook.driveUrl); // the Drive link reached the sheet, though the upload came last

    // the jobs read model joined the Drive link too
    const final = await view();
    expect(final.jobs[0]!.outputs[0]!.driveUrl).toBe(jobHook.driveUrl);
  });
});
