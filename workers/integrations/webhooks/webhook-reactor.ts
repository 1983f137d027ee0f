/**
 * Webhooks as a reactor: JobCompleted, JobFailed (final only) and BatchCompleted go to every
 * matching subscription, one delivery (and delivery id) per subscription, so a failing receiver is
 * retried alone and the others never see a repeat. JobCompleted already implies the transcript is
 * done; when the batch syncs to Drive the job's drive deliveries are awaited so n8n gets the link.
 * `batch.started` goes out on a batch's first RenderStarted, once per batch and subscription
 * (only consumed when some subscription wants it).
 */
import type { BatchCompleted } from "../../../domain/batch/batch-events";
import type { DeliveryRef } from "../../../domain/delivery/delivery-events";
import type { JobFailed } from "../../../domain/job/job-events";
import type { RecordedEvent } from "../../../domain/shared/envelope";
import type { EventStore } from "../../../core/eventlog/event-store";
import { eventTypeFilter } from "../../../core/eventlog/subjects";
import { backoffDelay } from "../../../core/consumers/backoff";
import type { ConsumerSpec } from "../../../core/consumers/durable-consumer";
import { RetryableError } from "../../../core/consumers/handler-errors";
import { outputPath, type MediaRoots } from "../../../core/storage/media-paths";
import type { DriveSettings } from "../integrations-config.js";
import { deliveryId, integrationSpec, slug, throwIfAnyRetry, type DeliveryRecorder, type DeliveryRun, type ReactorParts } from "../delivery-recorder.js";
import type { PipelineFacts } from "../pipeline-facts.js";
import { driveLinks } from "../google-drive/drive-reactor.js";
import type { ResolvedSubscription, WebhookAdapter } from "./webhook-adapter.js";
import { buildBatchWebhookPayload, buildJobWebhookPayload, type BatchWebhookType, type PathMapping } from "./webhook-payload.js";

export interface WebhookReactorDeps {
  readonly store: EventStore;
  readonly recorder: DeliveryRecorder;
  readonly facts: PipelineFacts;
  readonly adapter: WebhookAdapter;
  /** Set when Drive uploads are configured: job webhooks of syncing batches wait for the links. */
  readonly drive: DriveSettings | null;
  readonly roots: MediaRoots;
  readonly publicUrl?: string;
  /** First wait for missing drive links; grows like the backoff. */
  readonly driveWaitMs: number;
  /** WEBHOOK_PATH_MAP: output paths as the receiver sees them (n8n's `/renders` mount). */
  readonly pathMapping?: PathMapping;
  readonly tuning: ReactorParts["tuning"];
}

const BATCH_TYPES: Record<BatchCompleted["data"]["outcome"], BatchWebhookType> = {
  COMPLETED: "batch.completed",
  PARTIAL: "batch.partial",
  FAILED: "batch.failed",
  CANCELLED: "batch.cancelled",
};

/**
 * "batch.started" has one delivery per batch and subscription, whichever job starts first (like
 * ntfy's): keyed by batch, so a later job's RenderStarted finds it taken.
 */
export const startedWebhookDeliveryId = (subscriptionId: string, batchId: string) => `webhook-${slug(subscriptionId)}-started-${batchId}`;

/** Query strings and credentials can carry tokens: the recorded target is origin + path only. */
const safeTarget = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

export function webhookReactor(d: WebhookReactorDeps): ConsumerSpec {
  const { store, recorder, facts, adapter, tuning } = d;

  async function message(event: RecordedEvent, run: DeliveryRun): Promise<{ type: string; payload: unknown; batchId: string; jobId: string | null } | null> {
    if (event.type === "BatchCompleted") {
      const data = (event as unknown as RecordedEvent<BatchCompleted>).data;
      const batch = await facts.batch(event.aggregateId);
      const type = BATCH_TYPES[data.outcome];
      const payload = buildBatchWebhookPayload({
        eventId: event.id, type, batchId: event.aggregateId, batchName: batch.created?.name ?? "", counts: data.counts,
        occurredAt: event.metadata.occurredAt, publicUrl: d.publicUrl,
      });
      return { type, payload, batchId: event.aggregateId, jobId: null };
    }
    const job = await facts.job(event.aggregateId);
    const q = job.state.queued;
    if (!q) return null;
    const failed = event.type === "JobFailed";
    let links = new Map<string, { url: string | null; status: string }>();
    if (!failed && d.drive && q.options.syncToDrive) {
      links = await driveLinks(recorder, d.drive, job.events);
      const waiting = [...links.values()].some((l) => l.status === "WAITING") || links.size < Object.keys(job.state.outputs).length;
      // wait for the uploads, but on the last two attempts send without the link rather than never
      if (waiting && run.ctx.attempt < run.ctx.maxAttempts - 1) {
        throw new RetryableError("DRIVE_PENDING", "drive uploads of this job are not recorded yet", backoffDelay(run.ctx.attempt, d.driveWaitMs, tuning.backoffMaxMs));
      }
    }
    const outputs = Object.values(job.state.outputs).map((o) => ({
      format: o!.format,
      path: outputPath(d.roots, o!.fileName),
      driveUrl: links.get(o!.format)?.url ?? null,
    }));
    const payload = buildJobWebhookPayload({
      eventId: event.id,
      type: failed ? "job.failed" : "job.completed",
      jobId: q.jobId,
      batchId: q.batchId,
      batchName: q.batchName,
      audioFile: q.upload.fileName,
      template: q.template,
      outputs,
      description: job.state.transcript?.description ?? null,
      transcriptLanguage: job.state.transcript?.language ?? null,
      durationSeconds: q.upload.durationSeconds ?? job.state.transcript?.durationSeconds ?? null,
      occurredAt: event.metadata.occurredAt,
      ...(failed ? { errorMessage: (event as unknown as RecordedEvent<JobFailed>).data.message } : {}),
    }, d.pathMapping);
    return { type: payload.type, payload, batchId: q.batchId, jobId: q.jobId };
  }

  const sendTo = (s: ResolvedSubscription, ref: DeliveryRef, run: DeliveryRun, m: { eventId: string; type: string; payload: unknown }) =>
    recorder.deliver(ref, run, async () => {
      const r = await adapter.deliver(s.id, m);
      return { subscription: s.id, status: String(r.status), type: m.type };
    });

  /** The first RenderStarted of a batch: one "batch.started" per subscription that wants it. */
  async function batchStarted(event: RecordedEvent, run: DeliveryRun) {
    const subs = adapter.subscriptionsFor("batch.started");
    if (subs.length === 0) return;
    const q = (await facts.job(event.aggregateId)).state.queued;
    if (!q) return;
    const open = [];
    for (const s of subs) {
      const id = startedWebhookDeliveryId(s.id, q.batchId);
      if (run.only && run.only !== id) continue;
      const st = await recorder.state(id);
      // another job's start already owns it (sent, failed for good, or being retried)
      if (st.ref && st.ref.sourceEventId !== event.id) continue;
      if (st.status !== "SUCCEEDED" && st.status !== "FAILED") open.push({ s, id });
    }
    if (open.length === 0) return;
    const batch = await facts.batch(q.batchId);
    const payload = buildBatchWebhookPayload({
      eventId: event.id, type: "batch.started", batchId: q.batchId, batchName: batch.created?.name ?? q.batchName,
      counts: { total: batch.created?.items.length ?? 0, succeeded: 0, failed: 0, cancelled: 0 },
      occurredAt: event.metadata.occurredAt, publicUrl: d.publicUrl,
    });
    const results = [];
    for (const { s, id } of open) {
      const ref: DeliveryRef = {
        deliveryId: id, batchId: q.batchId, jobId: null, integration: "webhook", target: safeTarget(s.url), sourceEventId: event.id, sourceEventType: event.type,
      };
      results.push(await sendTo(s, ref, run, { eventId: event.id, type: "batch.started", payload }));
    }
    throwIfAnyRetry(results);
  }

  async function onSource(event: RecordedEvent, run: DeliveryRun) {
    if (event.type === "RenderStarted") return batchStarted(event, run);
    const type =
      event.type === "BatchCompleted" ? BATCH_TYPES[(event as unknown as RecordedEvent<BatchCompleted>).data.outcome]
      : event.type === "JobFailed" ? "job.failed"
      : "job.completed";
    const open = [];
    for (const s of adapter.subscriptionsFor(type)) {
      const id = deliveryId("webhook", s.id, event.seq);
      if (run.only && run.only !== id) continue;
      const st = (await recorder.state(id)).status;
      if (st !== "SUCCEEDED" && st !== "FAILED") open.push(s);
    }
    // all done already (a redelivery): do not wait on Drive or rebuild anything
    if (open.length === 0) return;
    const m = await message(event, run);
    if (!m) return;
    const results = [];
    for (const s of open) {
      const ref = {
        deliveryId: deliveryId("webhook", s.id, event.seq),
        batchId: m.batchId,
        jobId: m.jobId,
        integration: "webhook" as const,
        target: safeTarget(s.url),
        sourceEventId: event.id,
        sourceEventType: event.type,
      };
      results.push(await sendTo(s, ref, run, { eventId: event.id, type: m.type, payload: m.payload }));
    }
    throwIfAnyRetry(results);
  }

  const filterSubjects = [
    eventTypeFilter(store.names, "job", "JobCompleted"),
    eventTypeFilter(store.names, "job", "JobFailed"),
    eventTypeFilter(store.names, "batch", "BatchCompleted"),
  ];
  // every job start is a message: consumed only when someone subscribes to batch.started
  if (adapter.subscriptionsFor("batch.started").length > 0) filterSubjects.push(eventTypeFilter(store.names, "job", "RenderStarted"));
  return integrationSpec(store, recorder, {
    name: "integration-webhooks",
    integration: "webhook",
    filterSubjects,
    tuning,
    onSource,
    // a retried "batch.started" is keyed by batch, not by seq: find the job start it came from
    async onRetryWithoutSource(ref, run) {
      if (ref.sourceEventType !== "RenderStarted") return false;
      const batch = await facts.batch(ref.batchId);
      for (const item of batch.created?.items ?? []) {
        const source = (await facts.job(item.jobId)).events.find((e) => e.id === ref.sourceEventId);
        if (source) {
          await batchStarted(source as unknown as RecordedEvent, run);
          return true;
        }
      }
      return false;
    },
  });
}
