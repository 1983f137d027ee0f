import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sheets as sheetsApi } from "@googleapis/sheets";
import { startFakeGoogle, type FakeGoogle } from "../../../test-support/fakes/fake-google.js";
import { createServiceAccountAuth } from "./service-account-auth.js";
import { createGoogleSheetsAdapter, createSheetsAdapterIfConfigured, type SheetsConfig } from "./sheets-adapter.js";
import { SHEET_HEADERS, type SheetJobRow } from "./sheet-rows.js";

const EMAIL = "emberflow@test-project.iam.gserviceaccount.com";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
// As it arrives from a .env file: one line with literal \n sequences.
const PEM_ENV = privateKey.export({ type: "pkcs8", format: "pem" }).toString().replace(/\n/g, "\\n");
let google: FakeGoogle;
let sheetId = 0;
let id: string;

beforeAll(async () => {
  google = await startFakeGoogle({ publicKey, clientEmail: EMAIL });
});
afterAll(async () => {
  await google.stop();
});
beforeEach(() => {
  id = `sheet-${(sheetId += 1)}`;
  google.createSpreadsheet(id, ["Sheet1"]);
});

const config = (over: Partial<SheetsConfig> = {}): SheetsConfig => ({
  spreadsheetId: id,
  clientEmail: EMAIL,
  privateKey: PEM_ENV,
  rootUrl: google.rootUrl,
  tokenUrl: google.tokenUrl,
  backoff: { baseDelayMs: 10 },
  ...over,
});

const rows = (description: string): SheetJobRow[] =>
  ["flat-1080p", "vertical-1080p"].map((format) => ({
    jobId: "job-1",
    batchId: "batch-1",
    createdAt: "2025-03-01T10:00:00Z",
    audioName: "雨 Rain.mp3",
    template: "flame",
    format,
    status: "SUCCEEDED",
    outputPath: `/data/outputs/20250301_rain_${format}_v1.mp4`,
    driveUrl: "https://drive.google.com/file/d/abc/view",
    description,
    durationSeconds: 61,
    transcriptLanguage: "en",
  }));

describe("google sheets adapter against the fake", () => {
  it("creates the missing tab with a header and inserts rows", async () => {
    const sheets = createGoogleSheetsAdapter(config());
    await expect(sheets.exportRows(rows("first"))).resolves.toEqual({ inserted: 2, updated: 0, tabCreated: true });
    expect(google.tabs(id)).toEqual(["Sheet1", "Renders"]);
    const values = google.values(id, "Renders");
    expect(values[0]).toEqual([...SHEET_HEADERS]);
    expect(values).toHaveLength(3);
    // Video URL (M) has no value yet, so it is not written at all
    expect(values[1]).toEqual([
      "2025-03-01", "雨 Rain.mp3", "flame", "flat-1080p", "SUCCEEDED", "20250301_rain_flat-1080p_v1.mp4",
      "https://drive.google.com/file/d/abc/view", "first", "1:01", "batch-1", "job-1", "en",
    ]);
    expect(google.tokenRequests).toBeGreaterThanOrEqual(1);
  });

  it("exporting the same batch again updates rows in place, never duplicates", async () => {
    const sheets = createGoogleSheetsAdapter(config({ tab: "Exports" }));
    google.calls.length = 0;
    await sheets.exportRows(rows("first"));
    // a missing tab: the read says so (400), addSheet, then header + rows in one write
    expect(google.calls).toEqual(["GET values", "POST batchUpdate", "POST values:batchUpdate"]);
    google.calls.length = 0;
    const more = [...rows("changed"), { ...rows("x")[0], jobId: "job-2", description: "new job" }];
    await expect(sheets.exportRows(more)).resolves.toEqual({ inserted: 1, updated: 2, tabCreated: false });
    // One read, one write carrying the updates and the new row: no spreadsheets.get, no append.
    expect(google.calls).toEqual(["GET values", "POST values:batchUpdate"]);
    const values = google.values(id, "Exports");
    expect(values).toHaveLength(4);
    expect(values.slice(1).map((r) => [r[10], r[3], r[7]])).toEqual([
      ["job-1", "flat-1080p", "changed"],
      ["job-1", "vertical-1080p", "changed"],
      ["job-2", "flat-1080p", "new job"],
    ]);
  });

  it("keeps a Video URL written after the export (as n8n does) while updating the other columns", async () => {
    const sheets = createGoogleSheetsAdapter(config());
    await sheets.exportRows(rows("first"));
    // n8n, after publishing: finds the job's row by Job ID + Format and writes column M
    const n8n = sheetsApi({ version: "v4", auth: createServiceAccountAuth({ clientEmail: EMAIL, privateKey: PEM_ENV, tokenUrl: google.tokenUrl }), rootUrl: google.rootUrl });
    const read = await n8n.spreadsheets.values.get({ spreadsheetId: id, range: "Renders!A:M" });
    const row = (read.data.values ?? []).findIndex((r) => r[10] === "job-1" && r[3] === "vertical-1080p") + 1;
    expect(row).toBe(3);
    await n8n.spreadsheets.values.update({ spreadsheetId: id, range: `Renders!M${row}`, valueInputOption: "RAW", requestBody: { values: [["https://youtu.be/abc123"]] } });

    const again = rows("second").map((r) => ({ ...r, status: "COMPLETED" }));
    await expect(sheets.exportRows(again)).resolves.toEqual({ inserted: 0, updated: 2, tabCreated: false });
    const values = google.values(id, "Renders");
    expect(values).toHaveLength(3);
    expect(values[row - 1]![12]).toBe("https://youtu.be/abc123");
    expect(values.slice(1).map((r) => [r[3], r[4], r[7]])).toEqual([
      ["flat-1080p", "COMPLETED", "second"],
      ["vertical-1080p", "COMPLETED", "second"],
    ]);
    expect(values[1]![12] ?? "").toBe(""); // the other row's M stays empty
  });

  it("grows a full grid with values.append instead of writing past its last row", async () => {
    google.createSpreadsheet(id, ["Renders"], { rowCount: 2 });
    const n8n = sheetsApi({ version: "v4", auth: createServiceAccountAuth({ clientEmail: EMAIL, privateKey: PEM_ENV, tokenUrl: google.tokenUrl }), rootUrl: google.rootUrl });
    // the fake refuses writes past the grid, as Sheets does
    const past = await n8n.spreadsheets.values.update({ spreadsheetId: id, range: "Renders!A3", valueInputOption: "RAW", requestBody: { values: [["x"]] } }).catch((e: unknown) => e);
    expect(past).toMatchObject({ status: 400, message: expect.stringMatching(/exceeds grid limits/) });

    const sheets = createGoogleSheetsAdapter(config());
    google.calls.length = 0;
    await expect(sheets.exportRows(rows("first"))).resolves.toMatchObject({ inserted: 2, tabCreated: false });
    expect(google.calls).toEqual(["GET values", "POST values:batchUpdate", "POST values:append"]);
    expect(google.gridSize(id, "Renders")?.rowCount).toBe(4);
    // a new row that fits in the grown grid rides in the single write; the next one does not fit
    google.calls.length = 0;
    await expect(sheets.exportRows([...rows("again"), { ...rows("x")[0]!, jobId: "job-3" }])).resolves.toMatchObject({ inserted: 1, updated: 2 });
    expect(google.calls).toEqual(["GET values", "POST values:batchUpdate"]);
    google.calls.length = 0;
    await expect(sheets.exportRows([{ ...rows("y")[0]!, jobId: "job-4" }])).resolves.toMatchObject({ inserted: 1, updated: 0 });
    expect(google.calls).toEqual(["GET values", "POST values:append"]);
    expect(google.values(id, "Renders").map((r) => [r[10], r[3], r[7]])).toEqual([
      ["Job ID", "Format", "Description"],
      ["job-1", "flat-1080p", "again"],
      ["job-1", "vertical-1080p", "again"],
      ["job-3", "flat-1080p", "x"],
      ["job-4", "flat-1080p", "y"],
    ]);
    expect(google.gridSize(id, "Renders")?.rowCount).toBe(5);
  });

  it("waits out 429s (Retry-After honoured) and then succeeds", async () => {
    const sheets = createGoogleSheetsAdapter(config());
    google.failNext(2, 429, { "retry-after": "1" });
    const started = Date.now();
    await expect(sheets.exportRows(rows("after 429"))).resolves.toMatchObject({ inserted: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(google.values(id, "Renders")).toHaveLength(3);
  });

  it("gives up after bounded attempts with a retryable error, and 403 is permanent", async () => {
    const sheets = createGoogleSheetsAdapter(config({ backoff: { maxAttempts: 2, baseDelayMs: 1 } }));
    google.failNext(2, 429);
    await expect(sheets.exportRows(rows("x"))).rejects.toMatchObject({ retryable: true, status: 429 });
    google.failNext(1, 403);
    await expect(sheets.exportRows(rows("x"))).rejects.toMatchObject({ retryable: false, status: 403 });
  });

  it("rejects a key that does not match the public key (token endpoint verifies the signature)", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const sheets = createGoogleSheetsAdapter(config({ privateKey: other }));
    const err = await sheets.exportRows(rows("x")).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, status: 400 });
    expect(String((err as Error).message)).not.toContain("PRIVATE KEY");
  });

  it("is off unless spreadsheet id, email and key are all set", () => {
    expect(createSheetsAdapterIfConfigured({ spreadsheetId: "x", clientEmail: EMAIL })).toBeUndefined();
    expect(createSheetsAdapterIfConfigured(undefined)).toBeUndefined();
  });
});
