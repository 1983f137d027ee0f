/**
 * ntfy as a reactor: one push per batch outcome (BatchCompleted), one per job that failed for good
 * (JobFailed, never JobAttemptFailed: the seed pushed once per attempt), and optionally one when a
 * batch's first render starts. Only batches created with `notify` are announced.
 */
import type { BatchCompleted } from "../../../domain/batch/batch-events";
import type { DeliveryRef } from "../../../domain/delivery/delivery-events";
import type { JobFailed } from "../../../domain/job/job-events";
import type { RecordedEvent } from "../../../domain/shared/envelope";
import type { EventStore } from "../../../core/eventlog/event-store";
import { eventTypeFilter } from "../../../core/eventlog/subjects";
import type { ConsumerSpec } from "../../../core/consumers/durable-consumer";
import type { NtfySettings } from "../integrations-config.js";
import { deliveryId, integrationSpec, throwIfAnyRetry, type DeliveryRecorder, type DeliveryRun, type ReactorParts } from "../delivery-recorder.js";
import type { PipelineFacts } from "../pipeline-facts.js";
import type { NtfyAdapter } from "./ntfy-adapter.js";
import { buildBatchNotification, buildJobFailedNotification, type NtfyMessage } from "./ntfy-messages.js";

export interface NtfyReactorDeps {
  readonly store: EventStore;
  readonly recorder: DeliveryRecorder;
  readonly facts: PipelineFacts;
  readonly adapter: NtfyAdapter;
  readonly settings: NtfySettings;
  readonly publicUrl?: string;
  readonly tuning: ReactorParts["tuning"];
}

/**
 * "Batch started" has one delivery per batch, whichever job starts first: the id is keyed by batch,
 * not by source seq, and a later job's RenderStarted finds it taken.
 */
export const startedDeliveryId = (batchId: string) => `ntfy-started-${batchId}`;

export function ntfyReactor(d: NtfyReactorDeps): ConsumerSpec {
  const { store, recorder, facts, settings } = d;
  const ctx = { publicUrl: d.publicUrl };
  const ref = (id: string, batchId: string, jobId: string | null, source: RecordedEvent): DeliveryRef => ({
    deliveryId: id,
    batchId,
    jobId,
    integration: "ntfy",
    target: settings.topic,
    sourceEventId: source.id,
    sourceEventType: source.type,
  });
  const send = (message: NtfyMessage, id: string) => async () => {
    const r = await d.adapter.publish(message, id);
    return { topic: settings.topic, title: message.title, ...(r.messageId ? { messageId: r.messageId } : {}) };
  };

  async function batchStarted(batchId: string, r: DeliveryRef, run: DeliveryRun) {
    const batch = await facts.batch(batchId);
    if (!batch.created?.options.notify) return;
    const message = buildBatchNotification(
      {
        batchId,
        batchName: batch.created.name,
        status: "STARTED",
        counts: { total: batch.created.items.length, succeeded: 0, failed: 0, cancelled: 0 },
        formatCount: batch.created.formats.length,
      },
      ctx,
    );
    throwIfAnyRetry([await recorder.deliver(r, run, send(message, r.deliveryId))]);
  }

  async function onSource(event: RecordedEvent, run: DeliveryRun) {
    if (event.type === "BatchCompleted") {
      const batch = await facts.batch(event.aggregateId);
      if (!batch.created?.options.notify) return;
      const data = (event as unknown as RecordedEvent<BatchCompleted>).data;
      const message = buildBatchNotification(
        { batchId: event.aggregateId, batchName: batch.created.name, status: data.outcome, counts: data.counts, completedAt: event.metadata.occurredAt },
        ctx,
      );
      const r = ref(deliveryId("ntfy", settings.topic, event.seq), event.aggregateId, null, event);
      throwIfAnyRetry([await recorder.deliver(r, run, send(message, r.deliveryId))]);
      return;
    }
    const job = await facts.job(event.aggregateId);
    const queued = job.state.queued;
    if (!queued?.options.notify) return;
    if (event.type === "JobFailed") {
      const data = (event as unknown as RecordedEvent<JobFailed>).data;
      const message = buildJobFailedNotification(
        { batchId: queued.batchId, batchName: queued.batchName, jobId: queued.jobId, fileName: queued.upload.fileName, errorMessage: data.message, attempts: data.attempts },
        ctx,
      );
      const r = ref(deliveryId("ntfy", settings.topic, event.seq), queued.batchId, queued.jobId, event);
      throwIfAnyRetry([await recorder.deliver(r, run, send(message, r.deliveryId))]);
      return;
    }
    if (event.type === "RenderStarted") {
      const id = startedDeliveryId(queued.batchId);
      const existing = await recorder.state(id);
      // another job's start already owns this batch's "started" delivery (sent, or being retried);
      // the recorder's per-id lock makes a concurrent second start find it SUCCEEDED and skip
      if (existing.ref && existing.ref.sourceEventId !== event.id) return;
      await batchStarted(queued.batchId, ref(id, queued.batchId, null, event), run);
    }
  }

  const filters = [eventTypeFilter(store.names, "batch", "BatchCompleted"), eventTypeFilter(store.names, "job", "JobFailed")];
  if (settings.notifyStarted) filters.push(eventTypeFilter(store.names, "job", "RenderStarted"));
  return integrationSpec(store, recorder, {
    name: "integration-ntfy",
    integration: "ntfy",
    filterSubjects: filters,
    tuning: d.tuning,
    onSource,
    async onRetryWithoutSource(r, run) {
      if (r.deliveryId !== startedDeliveryId(r.batchId)) return false;
      await batchStarted(r.batchId, r, run);
      return true;
    },
  });
}
