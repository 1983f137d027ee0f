import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openReadModel, type ReadModel } from "../read-model";
import { EventFactory, withSeqs } from "../testing/event-factory";
import type { EventEnvelope } from "../../domain/shared/envelope";

describe("jobs projection", () => {
  let rm: ReadModel;
  let f: EventFactory;
  let seq: number;
  const apply = (...events: EventEnvelope[]) => {
    rm.applyEvents(withSeqs(events, seq + 1));
    seq += events.length;
  };
  beforeEach(() => {
    rm = openReadModel(":memory:");
    f = new EventFactory("j");
    seq = 0;
  });
  afterEach(() => rm.close());

  const output = (format: "flat_1080p" | "flat_4k") => ({
    output: { format, fileName: `${format}.mp4`, bytes: 10, width: 1920, height: 1080, codec: "h264" as const, durationSeconds: 3, posterFileName: null },
  });

  it("creates QUEUED jobs in item order from BatchCreated", () => {
    const b = f.batchCreated(3);
    apply(b.event);
    const [jobs] = rm.jobsByBatchIds([b.batchId]);
    expect(jobs!.map((j) => [j.id, j.index, j.status, j.progress, j.fileName])).toEqual(
      b.jobIds.map((id, i) => [id, i, "QUEUED", 0, `track-${i + 1}.wav`]),
    );
    expect(jobs![0]!.createdAt).toBe(b.event.metadata.occurredAt);
    expect(rm.jobsByIds(["nope", b.jobIds[1]!]).map((j) => j?.id ?? null)).toEqual([null, b.jobIds[1]]);
  });

  it("follows the decider through a full lifecycle: progress, retry of an attempt, transcript, drive url", () => {
    const b = f.batchCreated(1, { formats: ["flat_1080p", "flat_4k"], options: { transcribe: true } });
    const id = b.jobIds[0]!;
    apply(b.event);
    const start = f.event("RenderStarted", id, { attempt: 1, worker: "w" });
    apply(start);
    expect(rm.job(id)).toMatchObject({ status: "RENDERING", startedAt: start.metadata.occurredAt });
    apply(f.event("JobAttemptFailed", id, { stage: "render", code: "FFMPEG", message: "boom", attempt: 1, retryInSeconds: 2 }));
    expect(rm.job(id)).toMatchObject({ status: "RETRYING", attempts: 1, error: { stage: "render", code: "FFMPEG", message: "boom" } });
    apply(f.event("RenderStarted", id, { attempt: 2, worker: "w" }), f.event("OutputRendered", id, output("flat_1080p")));
    expect(rm.job(id)).toMatchObject({ status: "RENDERING", progress: 33 });
    apply(f.event("OutputRendered", id, output("flat_4k")));
    expect(rm.job(id)).toMatchObject({ status: "TRANSCRIBING", progress: 67 });
    apply(f.event("DeliverySucceeded", "d1", {
      deliveryId: "d1", batchId: b.batchId, jobId: id, integration: "drive", target: "r:", sourceEventId: "x", sourceEventType: "OutputRendered",
      attempts: 1, detail: { driveUrl: "https://drive/x", format: "flat_4k" },
    }));
    const transcript = { text: "hi", language: "en", languageProbability: 1, durationSeconds: 3, description: "d", segments: [{ id: 0, start: 0, end: 1, text: "hi" }] };
    apply(f.event("TranscriptCompleted", id, { transcript }));
    expect(rm.job(id)!.status).toBe("TRANSCRIBING"); // done parts wait for JobCompleted, as in the decider
    const done = f.event("JobCompleted", id, { batchId: b.batchId, generation: 0 });
    apply(done);
    const job = rm.job(id)!;
    expect(job).toMatchObject({ status: "COMPLETED", progress: 100, error: null, attempts: 1, completedAt: done.metadata.occurredAt, version: seq });
    expect(job.outputs.map((o) => [o.format, o.driveUrl])).toEqual([["flat_1080p", null], ["flat_4k", "https://drive/x"]]);
    expect(job.transcript).toEqual({ text: "hi", language: "en", durationSeconds: 3, description: "d", segments: transcript.segments });
  });

  it("fails, retries and cancels", () => {
    const b = f.batchCreated(1, { options: { transcribe: false } });
    const id = b.jobIds[0]!;
    apply(b.event, f.event("RenderStarted", id, { attempt: 1, worker: "w" }));
    apply(f.event("JobFailed", id, { stage: "render", code: "BAD", message: "no", attempts: 1, batchId: b.batchId, generation: 0 }));
    expect(rm.job(id)).toMatchObject({ status: "FAILED", attempts: 1, error: { code: "BAD" } });
    expect(rm.job(id)!.completedAt).not.toBeNull();
    apply(f.event("JobRetried", id, { batchId: b.batchId, generation: 1 }));
    expect(rm.job(id)).toMatchObject({ status: "QUEUED", error: null, completedAt: null, attempts: 1 });
    apply(f.event("OutputRendered", id, output("flat_1080p")));
    expect(rm.job(id)).toMatchObject({ status: "QUEUED", progress: 100 }); // no render attempt since the retry
    apply(f.event("JobCancelled", id, { batchId: b.batchId, reason: "user", generation: 1 }));
    expect(rm.job(id)!.status).toBe("CANCELLED");
  });

  it("counts an output redelivered under a new event once", () => {
    const b = f.batchCreated(1, { formats: ["flat_1080p", "flat_4k"], options: { transcribe: false } });
    const id = b.jobIds[0]!;
    apply(b.event, f.event("OutputRendered", id, output("flat_1080p")), f.event("OutputRendered", id, output("flat_1080p")));
    expect(rm.job(id)!.progress).toBe(50);
    expect(rm.job(id)!.outputs).toHaveLength(1);
  });
});
