import { describe, expect, it } from "vitest";
import { fileNameOf, formatDuration, planUpsert, quoteSheetName, SHEET_HEADERS, toSheetValues, toWriteCells, type SheetJobRow } from "./sheet-rows.js";
import { classifySheetsError, withSheetsBackoff } from "./sheets-backoff.js";

const row = (over: Partial<SheetJobRow> = {}): SheetJobRow => ({
  jobId: "job-1",
  batchId: "batch-1",
  createdAt: "2025-03-01T23:59:00-01:00",
  audioName: "Rain.mp3",
  template: "flame",
  format: "flat-1080p",
  status: "SUCCEEDED",
  outputPath: "C:\\renders\\20250302_rain_flat-1080p_v1.mp4",
  description: "d".repeat(600),
  durationSeconds: 119.6,
  ...over,
});

describe("sheet rows", () => {
  it("has the seed's ten columns then Job ID, Transcript language, Video URL", () => {
    expect(SHEET_HEADERS.slice(0, 10)).toEqual(["Date", "Audio Name", "Template", "Format", "Status", "File Name", "Google Drive URL", "Description", "Duration", "Batch ID"]);
    expect(SHEET_HEADERS.slice(10)).toEqual(["Job ID", "Transcript language", "Video URL"]);
  });

  it("maps a job output to values, fixing the seed's bugs", () => {
    const values = toSheetValues(row());
    expect(values[0]).toBe("2025-03-02");
    expect(values[5]).toBe("20250302_rain_flat-1080p_v1.mp4");
    expect(values[7]).toHaveLength(500);
    expect(values[8]).toBe("2:00");
    expect(values[10]).toBe("job-1");
    expect(values).toHaveLength(13);
  });

  it("formats durations without m:60", () => {
    expect(formatDuration(59.6)).toBe("1:00");
    expect(formatDuration(3725)).toBe("62:05");
    expect(formatDuration(0)).toBe("");
    expect(formatDuration(null)).toBe("");
    expect(fileNameOf("/a/b/c.mp4")).toBe("c.mp4");
    expect(quoteSheetName("Bob's renders")).toBe("'Bob''s renders'");
  });

  it("plans updates for existing keys and appends for new ones", () => {
    const existing = [[...SHEET_HEADERS], toSheetValues(row()), toSheetValues(row({ format: "flat-4k" }))];
    const plan = planUpsert(existing, [row({ description: "new" }), row({ jobId: "job-2" }), row({ jobId: "job-2", status: "FAILED" })]);
    expect(plan.writeHeader).toBe(false);
    expect(plan.updates).toEqual([{ row: 2, values: toWriteCells(toSheetValues(row({ description: "new" }))) }]);
    expect(plan.appends).toEqual([toWriteCells(toSheetValues(row({ jobId: "job-2", status: "FAILED" })))]);
    expect(plan.firstNewRow).toBe(4);
    expect(planUpsert([], [row()]).firstNewRow).toBe(2); // row 1 is the header written with it
  });

  it("never writes a cell it has no value for (Sheets skips null cells), so a Video URL set later stays", () => {
    const existing = [[...SHEET_HEADERS], [...toSheetValues(row()).slice(0, 12), "https://youtu.be/x"]];
    const [update] = planUpsert(existing, [row({ status: "COMPLETED" })]).updates;
    expect(update!.values[SHEET_HEADERS.indexOf("Video URL")]).toBeNull();
    expect(update!.values[SHEET_HEADERS.indexOf("Google Drive URL")]).toBeNull(); // no link known here
    expect(update!.values[SHEET_HEADERS.indexOf("Status")]).toBe("COMPLETED");
    const withUrl = planUpsert(existing, [row({ videoUrl: "https://youtu.be/y" })]).updates[0]!;
    expect(withUrl.values[SHEET_HEADERS.indexOf("Video URL")]).toBe("https://youtu.be/y");
  });

  it("writes the header on an empty tab or the seed's A-J header, refuses foreign data in row 1", () => {
    expect(planUpsert([], [row()])).toMatchObject({ writeHeader: true, headerConflict: false });
    expect(planUpsert([SHEET_HEADERS.slice(0, 10)], [row()])).toMatchObject({ writeHeader: true, headerConflict: false });
    expect(planUpsert([["Name", "Amount"]], [row()])).toMatchObject({ headerConflict: true });
  });
});

describe("sheets backoff", () => {
  const http = (status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`HTTP ${status}`), { response: { status, headers: new Headers(headers) } });

  it("honours Retry-After on 429 and gives up after the bounded attempts, still retryable", async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = withSheetsBackoff("values.get", async () => {
      calls += 1;
      throw http(429, { "retry-after": "2" });
    }, { maxAttempts: 3, sleep: async (ms) => void waits.push(ms) });
    await expect(failing).rejects.toMatchObject({ retryable: true, status: 429, retryAfterMs: 2000 });
    expect(calls).toBe(3);
    expect(waits).toEqual([2000, 2000]);
  });

  it("does not retry 4xx and hints at sharing on 403", async () => {
    let calls = 0;
    const err = await withSheetsBackoff("values.get", async () => {
      calls += 1;
      throw http(403);
    }, {}, "bot@x.iam.gserviceaccount.com").catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toMatchObject({ retryable: false, status: 403 });
    expect((err as Error).message).toContain("share the spreadsheet with bot@x.iam.gserviceaccount.com");
    expect(classifySheetsError("x", Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), "sa")).toMatchObject({ retryable: true, code: "NETWORK" });
  });
});
