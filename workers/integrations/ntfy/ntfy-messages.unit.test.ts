import { describe, expect, it } from "vitest";
import { batchDashboardUrl, buildBatchNotification, buildJobFailedNotification, type BatchOutcome } from "./ntfy-messages.js";

const base: BatchOutcome = {
  batchId: "0193b0c2-7f00-7000-8000-000000000001",
  batchName: "Night rain",
  status: "COMPLETED",
  counts: { total: 4, succeeded: 4, failed: 0, cancelled: 0 },
  completedAt: "2025-03-01T06:00:00.000Z",
};

describe("buildBatchNotification", () => {
  it("uses the seed's title, priority and tags for a completed batch", () => {
    const msg = buildBatchNotification(base, { publicUrl: "https://ember.example/" });
    expect(msg.title).toBe("Batch Complete: 4 videos");
    expect(msg.priority).toBe("default");
    expect(msg.tags).toEqual(["white_check_mark", "movie_camera"]);
    expect(msg.click).toBe(`https://ember.example/#/batches/${base.batchId}`);
    expect(msg.message).toContain("Completed: 4\nFailed: 0");
    expect(msg.message).toContain(`Batch ID: ${base.batchId}`);
    expect(msg.message).toContain("Night rain");
  });

  it("builds partial and failed outcomes", () => {
    const partial = buildBatchNotification({ ...base, status: "PARTIAL", counts: { total: 4, succeeded: 3, failed: 1, cancelled: 0 } });
    expect(partial).toMatchObject({ title: "Batch Partial: 3/4 succeeded", priority: "high", tags: ["warning", "movie_camera"] });
    const failed = buildBatchNotification({ ...base, status: "FAILED", counts: { total: 4, succeeded: 0, failed: 3, cancelled: 1 } });
    expect(failed).toMatchObject({ title: "Batch Failed: 4 videos", priority: "high", tags: ["x", "warning"] });
    expect(failed.message).toContain("Cancelled: 1");
  });

  it("builds a started message, with the seed body when the format count is known", () => {
    const started = buildBatchNotification({ ...base, status: "STARTED", formatCount: 3, completedAt: undefined });
    expect(started).toMatchObject({ title: "Batch Started: 4 files", priority: "low", tags: ["hourglass_flowing_sand", "movie_camera"] });
    expect(started.message.startsWith("Rendering 12 videos (3 formats each)")).toBe(true);
    expect(started.click).toBeUndefined();
  });
});

describe("cancelled batches", () => {
  it("has its own title (the seed had no cancel)", () => {
    const msg = buildBatchNotification({ batchId: "b", batchName: "n", status: "CANCELLED", counts: { total: 3, succeeded: 1, failed: 0, cancelled: 2 } });
    expect(msg).toMatchObject({ title: "Batch Cancelled: 1/3 finished", priority: "default", tags: ["no_entry_sign", "movie_camera"] });
    expect(msg.message).toContain("Cancelled: 2");
  });
});

describe("buildJobFailedNotification", () => {
  it("truncates the error to 200 characters and keeps unicode file names", () => {
    const msg = buildJobFailedNotification(
      { batchId: "b1", jobId: "j1", fileName: "Méditation – 雨.mp3", errorMessage: "x".repeat(500), attempts: 3 },
      { publicUrl: "http://localhost:4000" },
    );
    expect(msg.title).toBe("Render Failed: Méditation – 雨.mp3");
    expect(msg).toMatchObject({ priority: "high", tags: ["x", "movie_camera"], click: "http://localhost:4000/#/batches/b1" });
    expect(msg.message.split("\n")[0]).toBe(`Error: ${"x".repeat(200)}`);
    expect(msg.message).toContain("Attempts: 3");
  });

  it("encodes the batch id in the dashboard link", () => {
    expect(batchDashboardUrl("http://h", "a b/c")).toBe("http://h/#/batches/a%20b%2Fc");
    expect(batchDashboardUrl(undefined, "x")).toBeUndefined();
  });
});
