/**
 * Drive as a reactor on OutputRendered: each finished output is copied (rclone copyto, verified)
 * by its own durable consumer, so renders never wait on an upload. The link lands in
 * DeliverySucceeded.detail with jobId set; the jobs read model joins it by jobId + format, and
 * the webhook and Sheets reactors read it from the delivery aggregate.
 */
import type { DeliveryRef } from "../../../domain/delivery/delivery-events";
import type { JobEvent, OutputRendered } from "../../../domain/job/job-events";
import type { RecordedEvent } from "../../../domain/shared/envelope";
import type { EventStore } from "../../../core/eventlog/event-store";
import { eventTypeFilter } from "../../../core/eventlog/subjects";
import type { ConsumerSpec } from "../../../core/consumers/durable-consumer";
import { PermanentError, RetryableError } from "../../../core/consumers/handler-errors";
import { outputPath, type MediaRoots } from "../../../core/storage/media-paths";
import type { DriveSettings } from "../integrations-config.js";
import { deliveryId, integrationSpec, throwIfAnyRetry, type DeliveryRecorder, type DeliveryRun, type ReactorParts } from "../delivery-recorder.js";
import type { PipelineFacts, Recorded } from "../pipeline-facts.js";
import { isNotConfiguredDeliveryId } from "../not-configured.js";
import type { DriveAdapter } from "./drive-adapter.js";
import { buildRemoteTarget, normalizeRemoteName, remoteSpec } from "./drive-paths.js";

export interface DriveReactorDeps {
  readonly store: EventStore;
  readonly recorder: DeliveryRecorder;
  readonly facts: PipelineFacts;
  readonly adapter: DriveAdapter;
  readonly settings: DriveSettings;
  readonly roots: MediaRoots;
  readonly tuning: ReactorParts["tuning"];
}

/** The drive delivery of one OutputRendered event (by its stream position). */
export const driveDeliveryId = (settings: Pick<DriveSettings, "remote">, outputSeq: number) =>
  deliveryId("drive", normalizeRemoteName(settings.remote), outputSeq);

export interface DriveLink {
  /** SUCCEEDED: url set; FAILED: gave up (do not wait); else still to come. */
  readonly status: "SUCCEEDED" | "FAILED" | "WAITING";
  readonly url: string | null;
}

/** Drive link per format of a job, from its OutputRendered events' delivery aggregates. */
export async function driveLinks(
  recorder: DeliveryRecorder,
  settings: Pick<DriveSettings, "remote">,
  jobEvents: readonly Recorded<JobEvent>[],
): Promise<Map<string, DriveLink>> {
  const links = new Map<string, DriveLink>();
  for (const e of jobEvents) {
    if (e.type !== "OutputRendered") continue;
    const s = await recorder.state(driveDeliveryId(settings, e.seq));
    const link: DriveLink =
      s.status === "SUCCEEDED"
        ? { status: "SUCCEEDED", url: s.detail?.driveUrl ?? null }
        : { status: s.status === "FAILED" ? "FAILED" : "WAITING", url: null };
    links.set(e.data.output.format, link);
  }
  return links;
}

export function driveReactor(d: DriveReactorDeps): ConsumerSpec {
  const { store, recorder, facts, settings } = d;

  /**
   * A "not configured" notice from when Drive was off (source: BatchCreated), retried now that it
   * is on: every rendered output of the batch is uploaded (each by its own delivery, as when it was
   * rendered), and the notice succeeds once they all have.
   */
  async function uploadBatch(event: RecordedEvent, run: DeliveryRun & { only: string }) {
    const batch = await facts.batch(event.aggregateId);
    const pending: RetryableError[] = [];
    const ids: string[] = [];
    for (const item of batch.created?.items ?? []) {
      for (const e of (await facts.job(item.jobId)).events) {
        if (e.type !== "OutputRendered") continue;
        ids.push(driveDeliveryId(settings, e.seq));
        try {
          await onSource(e as unknown as RecordedEvent, { ctx: run.ctx, cause: run.cause });
        } catch (err) {
          if (!(err instanceof RetryableError)) throw err;
          pending.push(err);
        }
      }
    }
    const ref = { ...(run.cause.data as DeliveryRef), target: `${normalizeRemoteName(settings.remote)}:${settings.folder}` };
    const retry = await recorder.deliver(ref, run, async () => {
      if (pending.length > 0) throw pending[0]!;
      const failed = (await Promise.all(ids.map((id) => recorder.state(id)))).filter((st) => st.status !== "SUCCEEDED").length;
      if (failed > 0) throw new PermanentError("UPLOAD_FAILED", `${failed} of ${ids.length} uploads failed: see this batch's drive deliveries`);
      return { outputs: String(ids.length), note: "each output's upload is a drive delivery of its own" };
    });
    throwIfAnyRetry([retry]);
  }

  async function onSource(event: RecordedEvent, run: DeliveryRun) {
    if (event.type === "BatchCreated" && run.only && isNotConfiguredDeliveryId(run.only)) return uploadBatch(event, { ...run, only: run.only });
    if (event.type !== "OutputRendered") return;
    const { output } = (event as unknown as RecordedEvent<OutputRendered>).data;
    const queued = (await facts.job(event.aggregateId)).state.queued;
    if (!queued?.options.syncToDrive) return;
    const target = remoteSpec(
      buildRemoteTarget({
        remote: settings.remote,
        folder: settings.folder,
        batchId: queued.batchId,
        batchName: queued.batchName,
        batchCreatedAt: queued.batchCreatedAt,
        fileName: output.fileName,
        naming: settings.folderNaming,
      }),
    );
    const ref = {
      deliveryId: driveDeliveryId(settings, event.seq),
      batchId: queued.batchId,
      jobId: queued.jobId,
      integration: "drive" as const,
      target,
      sourceEventId: event.id,
      sourceEventType: event.type,
    };
    const retry = await recorder.deliver(ref, run, async () => {
      const r = await d.adapter.upload({
        localPath: outputPath(d.roots, output.fileName),
        fileName: output.fileName,
        batchId: queued.batchId,
        batchName: queued.batchName,
        batchCreatedAt: queued.batchCreatedAt,
        idempotencyId: event.id,
      });
      return { driveUrl: r.url, format: output.format, fileName: output.fileName, remotePath: r.remotePath, verifiedBy: r.verifiedBy, bytes: String(r.bytes) };
    });
    throwIfAnyRetry([retry]);
  }

  return integrationSpec(store, recorder, {
    name: "integration-drive",
    integration: "drive",
    filterSubjects: [eventTypeFilter(store.names, "job", "OutputRendered")],
    tuning: d.tuning,
    onSource,
  });
}
