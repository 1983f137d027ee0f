import { describe, expect, it } from "vitest";
import {
  belongsInLoadedList,
  canCancelJob,
  canRetryDelivery,
  canRetryJob,
  formatBytes,
  formatDuration,
  formatAgo,
  formatEta,
  isTerminalBatch,
  jobBarPercent,
  ratchetPercent,
  liveDetail,
  newestFirstIndex,
  parseRoute,
  readPagesAfter,
  renderCount,
  routeParams,
  statusTone,
  uploadErrorMessage,
} from "./src/format";

describe("dashboard view model", () => {
  it("formats sizes, durations and ETAs", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GB");
    expect(formatBytes(null)).toBe("–");
    expect(formatDuration(65.4)).toBe("1:05");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(null)).toBe("–");
    expect(formatEta(12)).toBe("about 0:12 left");
    expect(formatEta(0)).toBe("finishing");
    expect(formatEta(null)).toBe("");
  });

  it("allows actions by status", () => {
    expect(canCancelJob("QUEUED")).toBe(true);
    expect(canCancelJob("RENDERING")).toBe(true);
    expect(canCancelJob("COMPLETED")).toBe(false);
    expect(canRetryJob("FAILED")).toBe(true);
    expect(canRetryJob("CANCELLED")).toBe(true);
    expect(canRetryJob("RENDERING")).toBe(false);
    expect(canRetryDelivery("FAILED")).toBe(true);
    expect(canRetryDelivery("SUCCEEDED")).toBe(false);
    expect(isTerminalBatch("PARTIAL")).toBe(true);
    expect(isTerminalBatch("RUNNING")).toBe(false);
    expect(statusTone("FAILED")).toBe("bad");
    expect(statusTone("COMPLETED")).toBe("ok");
  });

  it("raises a running job's bar with live ticks, never lowers it, and ignores ticks once terminal", () => {
    const tick = { percent: 40, etaSeconds: 5, stage: "render", format: "FLAT_1080P", status: null };
    expect(jobBarPercent({ status: "RENDERING", progress: 10 }, tick)).toBe(40);
    expect(jobBarPercent({ status: "RENDERING", progress: 50 }, tick)).toBe(50);
    // the bar never jumps back while the job runs (ticks of two stages, two streams), but a retry starts over
    expect(ratchetPercent(null, "RENDERING", 50)).toBe(50);
    expect(ratchetPercent(50, "RENDERING", 0)).toBe(50);
    expect(ratchetPercent(50, "TRANSCRIBING", 75)).toBe(75);
    expect(ratchetPercent(75, "FAILED", 30)).toBe(30);
    expect(ratchetPercent(30, "QUEUED", 0)).toBe(0);
    expect(jobBarPercent({ status: "COMPLETED", progress: 100 }, tick)).toBe(100);
    expect(jobBarPercent({ status: "RENDERING", progress: 10 }, { ...tick, status: "RENDERING" })).toBe(10);
    expect(liveDetail({ status: "RENDERING" }, tick, (f) => f.toLowerCase())).toBe("Rendering flat_1080p: 40%, about 0:05 left");
    expect(liveDetail({ status: "COMPLETED" }, tick)).toBe("");
  });

  it("routes hashes", () => {
    expect(parseRoute("#/batches/abc-1")).toEqual({ name: "batch", id: "abc-1" });
    expect(parseRoute("#/batches/abc-1?at=42")).toEqual({ name: "batch", id: "abc-1" });
    expect(routeParams("#/batches/abc-1?at=42")).toEqual({ at: "42" });
    expect(parseRoute("#/batches")).toEqual({ name: "batches" });
    expect(parseRoute("#/ops")).toEqual({ name: "ops" });
    expect(parseRoute("")).toEqual({ name: "new" });
    expect(parseRoute("#/nonsense")).toEqual({ name: "new" });
  });

  it("shows the server's message for a rejected upload", () => {
    expect(uploadErrorMessage(415, JSON.stringify({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: '"x.txt" is not audio' } }))).toBe('"x.txt" is not audio');
    expect(uploadErrorMessage(413, "")).toMatch(/larger/);
    expect(uploadErrorMessage(0, "")).toMatch(/interrupted/);
    expect(uploadErrorMessage(500, "<html>")).toBe("The upload failed (HTTP 500).");
    expect(renderCount(3, 2)).toBe(6);
  });

  it("says how long ago a worker was seen, and tones live and stale workers", () => {
    const now = Date.parse("2026-12-01T12:00:00.000Z");
    expect(formatAgo("2026-12-01T12:00:00.500Z", now)).toBe("just now");
    expect(formatAgo("2026-12-01T11:59:48.000Z", now)).toBe("12 s ago");
    expect(formatAgo("2026-12-01T11:57:00.000Z", now)).toBe("3 min ago");
    expect(formatAgo("2026-12-01T09:00:00.000Z", now)).toBe("3 h ago");
    expect(formatAgo(null, now)).toBe("–");
    expect(statusTone("LIVE")).toBe("ok");
    expect(statusTone("STALE")).toBe("bad");
  });

  it("places a batch created elsewhere in a newest-first list, only within the loaded pages", () => {
    const rows = ["2026-12-01T12:00:03.000Z", "2026-12-01T12:00:02.000Z", "2026-12-01T12:00:01.000Z"];
    expect(newestFirstIndex(rows, "2026-12-01T12:00:04.000Z")).toBe(0);
    expect(newestFirstIndex(rows, "2026-12-01T12:00:02.000Z")).toBe(2);
    expect(newestFirstIndex(rows, "2026-12-01T12:00:00.000Z")).toBe(3);
    expect(newestFirstIndex([], "2026-12-01T12:00:00.000Z")).toBe(0);
    expect(belongsInLoadedList("2026-12-01T12:00:04.000Z", rows[2]!, true)).toBe(true);
    expect(belongsInLoadedList("2026-12-01T12:00:00.000Z", rows[2]!, true)).toBe(false);
    expect(belongsInLoadedList("2026-12-01T12:00:00.000Z", rows[2]!, false)).toBe(true);
    expect(belongsInLoadedList("2026-12-01T12:00:00.000Z", null, true)).toBe(true);
  });

  it("reads a large event trail page by page after the last position seen, then only what is new", async () => {
    let log = Array.from({ length: 1234 }, (_, i) => ({ seq: 10 + i * 2 }));
    const calls: [number | null, number][] = [];
    const fetchPage = async (after: number | null, first: number) => {
      calls.push([after, first]);
      return log.filter((e) => e.seq > (after ?? 0)).slice(0, first);
    };
    const seen: number[] = [];
    const onPage = (page: readonly { seq: number }[]) => seen.push(...page.map((e) => e.seq));

    let last = await readPagesAfter(null, 500, fetchPage, onPage);
    expect(calls).toEqual([[null, 500], [1008, 500], [2008, 500]]);
    expect(seen).toEqual(log.map((e) => e.seq));
    expect(last).toBe(log.at(-1)!.seq);

    // the next change: one request from the last position, only the new events
    log = [...log, { seq: 5000 }, { seq: 5001 }];
    calls.length = 0;
    last = await readPagesAfter(last, 500, fetchPage, onPage);
    expect(calls).toEqual([[2476, 500]]);
    expect(seen.slice(-3)).toEqual([2476, 5000, 5001]);
    expect(last).toBe(5001);

    // nothing new: the position stays; an exact multiple of the page size costs one empty request more
    expect(await readPagesAfter(5001, 500, fetchPage, onPage)).toBe(5001);
    log = Array.from({ length: 4 }, (_, i) => ({ seq: i + 1 }));
    calls.length = 0;
    expect(await readPagesAfter(null, 2, fetchPage, () => {})).toBe(4);
    expect(calls).toEqual([[null, 2], [2, 2], [4, 2]]);
  });
});
