import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { matchesEvent } from "./webhook-adapter.js";
import { buildBatchWebhookPayload, buildJobWebhookPayload } from "./webhook-payload.js";
import { computeSignature, signatureHeader, verifyWebhookSignature } from "./webhook-signature.js";

describe("webhook signatures", () => {
  const body = JSON.stringify({ hello: "wörld" });

  it("signs `${t}.${body}` with HMAC-SHA256", () => {
    const expected = createHmac("sha256", "s3cret").update(`1700000000.${body}`).digest("hex");
    expect(computeSignature("s3cret", 1700000000, body)).toBe(expected);
    expect(signatureHeader("s3cret", body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it("verifies a good signature and rejects tampering, wrong secrets and stale timestamps", () => {
    const header = signatureHeader("s3cret", body, 1700000000);
    expect(verifyWebhookSignature("s3cret", header, body, 300, 1700000100)).toBe(true);
    expect(verifyWebhookSignature("s3cret", header, Buffer.from(body), 300, 1700000100)).toBe(true);
    expect(verifyWebhookSignature("s3cret", header, body.replace("w", "W"), 300, 1700000100)).toBe(false);
    expect(verifyWebhookSignature("other", header, body, 300, 1700000100)).toBe(false);
    expect(verifyWebhookSignature("s3cret", header, body, 300, 1700000301)).toBe(false);
    expect(verifyWebhookSignature("s3cret", "garbage", body)).toBe(false);
    expect(verifyWebhookSignature("s3cret", undefined, body)).toBe(false);
  });

  it("accepts any of several v1 signatures (secret rotation)", () => {
    const good = computeSignature("new", 1700000000, body);
    const header = `t=1700000000,v1=${"0".repeat(64)},v1=${good}`;
    expect(verifyWebhookSignature("new", header, body, 300, 1700000000)).toBe(true);
  });
});

describe("event filters", () => {
  it("matches exact types, prefixes and *", () => {
    expect(matchesEvent(["job.completed"], "job.completed")).toBe(true);
    expect(matchesEvent(["job.completed"], "job.failed")).toBe(false);
    expect(matchesEvent(["batch.*"], "batch.partial")).toBe(true);
    expect(matchesEvent(["batch.*"], "batchx.partial")).toBe(false);
    expect(matchesEvent(["*"], "anything")).toBe(true);
  });
});

describe("payload builders", () => {
  it("keeps the seed's job fields and adds eventId, type, top-level driveUrl and description", () => {
    const payload = buildJobWebhookPayload(
      {
        eventId: "evt-1",
        type: "job.completed",
        jobId: "job-1",
        batchId: "batch-1",
        audioFile: "Rain.mp3",
        template: "flame",
        outputs: [
          { format: "flat-1080p", path: "/data/outputs/a.mp4" },
          { format: "flat-4k", path: "/data/outputs/b.mp4", driveUrl: "https://drive.google.com/file/d/X/view" },
        ],
        description: "Soft rain.",
        durationSeconds: 125.4,
        occurredAt: "2025-03-01T00:00:00.000Z",
      },
      { from: "/data/outputs", to: "/renders" },
    );
    expect(payload).toMatchObject({
      eventId: "evt-1",
      type: "job.completed",
      jobId: "job-1",
      status: "complete",
      audioFile: "Rain.mp3",
      template: "flame",
      whisperDescription: "Soft rain.",
      description: "Soft rain.",
      duration: 125.4,
      timestamp: "2025-03-01T00:00:00.000Z",
      batchId: "batch-1",
      driveUrl: "https://drive.google.com/file/d/X/view",
    });
    expect(payload.outputFiles[0]).toEqual({ format: "flat-1080p", path: "/renders/a.mp4", driveUrl: null });
    expect(payload).not.toHaveProperty("errorMessage");
  });

  it("sends no outputs and an error message for a failed job", () => {
    const payload = buildJobWebhookPayload({
      eventId: "e", type: "job.failed", jobId: "j", batchId: "b", audioFile: "a.mp3", template: "mist",
      outputs: [{ format: "flat-1080p", path: "/x" }], occurredAt: "2025-01-01T00:00:00Z", errorMessage: "ffmpeg exited 1",
    });
    expect(payload).toMatchObject({ status: "failed", outputFiles: [], driveUrl: null, errorMessage: "ffmpeg exited 1" });
  });

  it("builds batch payloads with a dashboard link", () => {
    const payload = buildBatchWebhookPayload({
      eventId: "e", type: "batch.partial", batchId: "b1", batchName: "Rain",
      counts: { total: 3, succeeded: 2, failed: 1, cancelled: 0 }, occurredAt: "2025-01-01T00:00:00Z", publicUrl: "http://h/",
    });
    expect(payload).toMatchObject({ status: "partial", dashboardUrl: "http://h/#/batches/b1" });
  });
});
