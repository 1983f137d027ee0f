/**
 * Deterministic, valid event envelopes for projection tests and the rebuild bench: ids from a
 * counter, times from a fixed base, so two runs produce the same log.
 */
import { headers } from "@nats-io/transport-node";
import type { AnyEvent } from "../../domain/shared/all-events";
import { AGGREGATE_OF_EVENT, EVENT_SCHEMA_VERSIONS } from "../../domain/shared/all-events";
import type { EventEnvelope, RecordedEvent } from "../../domain/shared/envelope";
import type { FormatId } from "../../domain/formats";
import type { BatchOptions } from "../../domain/job/job-events";
import type { BatchOutcome } from "../../domain/batch/batch-events";
import { encodeEnvelope } from "../../core/eventlog/codec";
import { eventSubject } from "../../core/eventlog/subjects";
import type { EventStore } from "../../core/eventlog/event-store";

type Data<T extends AnyEvent["type"]> = Extract<AnyEvent, { type: T }>["data"];

export const DEFAULT_OPTIONS: BatchOptions = {
  transcribe: true, syncToDrive: false, notify: false, exportToSheets: false, fps: 30, quality: "balanced", codec: null,
};

export class EventFactory {
  private n = 0;
  private readonly base: number;

  constructor(private readonly prefix = "t", baseTime = "2026-01-01T00:00:00.000Z") {
    this.base = Date.parse(baseTime);
  }

  id(kind: string): string {
    return `${this.prefix}-${kind}-${(++this.n).toString(36)}`;
  }

  event<T extends AnyEvent["type"]>(type: T, aggregateId: string, data: Data<T>): EventEnvelope {
    const n = ++this.n;
    return {
      id: `${this.prefix}-ev-${n.toString(36)}`,
      type,
      schemaVersion: EVENT_SCHEMA_VERSIONS[type],
      aggregateType: AGGREGATE_OF_EVENT[type],
      aggregateId,
      data,
      metadata: { occurredAt: new Date(this.base + n * 1000).toISOString(), correlationId: `${this.prefix}-corr`, causationId: null, actor: "system" },
    };
  }

  /** A BatchCreated with `jobs` items; returns the event and the job ids. */
  batchCreated(jobs: number, o: { formats?: FormatId[]; options?: Partial<BatchOptions>; idempotencyKey?: string | null; name?: string } = {}) {
    const batchId = this.id("batch");
    const items = Array.from({ length: jobs }, (_, i) => ({
      jobId: this.id("job"),
      upload: { uploadId: this.id("up"), fileName: `track-${i + 1}.wav`, size: 1000 + i, sha256: "0".repeat(64), contentType: "audio/wav", durationSeconds: 60 },
    }));
    const data = {
      batchId, name: o.name ?? `Batch ${batchId}`, template: "flame" as const, formats: o.formats ?? (["flat_1080p"] as FormatId[]),
      options: { ...DEFAULT_OPTIONS, ...o.options }, items, idempotencyKey: o.idempotencyKey ?? null,
    };
    return { batchId, jobIds: items.map((i) => i.jobId), data, event: this.event("BatchCreated", batchId, data) };
  }

  /**
   * A whole batch as the workflow and workers would write it: creation, each job queued, rendered,
   * transcribed and completed (every `failEvery`-th job fails an attempt first, every `failHard`-th
   * fails for good), settled, Drive deliveries, then the batch's completion.
   */
  batchLifecycle(jobs: number, o: { formats?: FormatId[]; transcribe?: boolean; failEvery?: number; failHard?: number } = {}): EventEnvelope[] {
    const formats = o.formats ?? (["flat_1080p", "flat_1080p_vertical"] as FormatId[]);
    const b = this.batchCreated(jobs, { formats, options: { transcribe: o.transcribe ?? true, syncToDrive: true } });
    const out: EventEnvelope[] = [b.event];
    let failed = 0;
    b.data.items.forEach((item, index) => {
      const jobId = item.jobId;
      out.push(this.event("JobQueued", jobId, {
        jobId, batchId: b.batchId, index, batchName: b.data.name, batchCreatedAt: b.event.metadata.occurredAt,
        upload: item.upload, template: "flame", formats, options: b.data.options,
      }));
      out.push(this.event("RenderStarted", jobId, { attempt: 1, worker: "w1" }));
      if (o.failEvery && index % o.failEvery === 0) {
        out.push(this.event("JobAttemptFailed", jobId, { stage: "render", code: "FFMPEG", message: "exit 1", attempt: 1, retryInSeconds: 5 }));
        out.push(this.event("RenderStarted", jobId, { attempt: 2, worker: "w2" }));
      }
      if (o.failHard && index % o.failHard === o.failHard - 1) {
        out.push(this.event("JobFailed", jobId, { stage: "render", code: "FFMPEG", message: "bad input", attempts: 1, batchId: b.batchId, generation: 0 }));
        out.push(this.event("BatchJobSettled", b.batchId, { jobId, outcome: "failed", generation: 0 }));
        failed++;
        return;
      }
      for (const format of formats) {
        const fileName = `${jobId}-${format}.mp4`;
        out.push(this.event("OutputRendered", jobId, {
          output: { format, fileName, bytes: 123456, width: 1920, height: 1080, codec: "h264", durationSeconds: 60, posterFileName: null },
        }));
        out.push(this.event("DeliverySucceeded", this.id("dlv"), {
          deliveryId: this.id("dlv"), batchId: b.batchId, jobId, integration: "drive", target: "remote:out", sourceEventId: "x",
          sourceEventType: "OutputRendered", attempts: 1, detail: { driveUrl: `https://drive.example/${fileName}`, format },
        }));
      }
      if (o.transcribe ?? true) {
        out.push(this.event("TranscriptCompleted", jobId, {
          transcript: { text: "hello world", language: "en", languageProbability: 0.99, durationSeconds: 60, description: "A greeting.",
            segments: [{ id: 0, start: 0, end: 1.5, text: "hello world" }] },
        }));
      }
      out.push(this.event("JobCompleted", jobId, { batchId: b.batchId, generation: 0 }));
      out.push(this.event("BatchJobSettled", b.batchId, { jobId, outcome: "succeeded", generation: 0 }));
    });
    const outcome: BatchOutcome = failed === 0 ? "COMPLETED" : failed === jobs ? "FAILED" : "PARTIAL";
    out.push(this.event("BatchCompleted", b.batchId, { outcome, counts: { total: jobs, succeeded: jobs - failed, failed, cancelled: 0 } }));
    return out;
  }
}

/** Gives envelopes consecutive sequences, as the log would (for pure projection specs). */
export const withSeqs = (events: readonly EventEnvelope[], first = 1): RecordedEvent[] => events.map((e, i) => ({ ...e, seq: first + i }));

/** Appends envelopes as fast as the server takes them: many publishes in flight, order kept by the one connection. */
export async function publishPipelined(store: EventStore, events: readonly EventEnvelope[], inFlight = 2000): Promise<number> {
  let last = 0;
  for (let i = 0; i < events.length; i += inFlight) {
    const acks = events.slice(i, i + inFlight).map((e) => {
      const h = headers();
      h.set("Nats-Msg-Id", e.id);
      return store.js.publish(eventSubject(store.names, e.aggregateType, e.aggregateId, e.type), encodeEnvelope(e), { headers: h });
    });
    for (const a of await Promise.all(acks)) last = Math.max(last, a.seq);
  }
  return last;
}
