import { describe, expect, it } from "vitest";
import {
  canCancelJob,
  canRetryDelivery,
  canRetryJob,
  formatBytes,
  formatDuration,
  formatEta,
  isTerminalBatch,
  jobBarPercent,
  liveDetail,
  parseRoute,
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
});
