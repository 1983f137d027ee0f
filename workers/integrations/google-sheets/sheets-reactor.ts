/**
 * Sheets as a reactor: a batch is exported (one row per job output format, upserted by Job ID +
 * Format) when it completes with `exportToSheets`, and whenever someone asks (BatchExportRequested,
 * the exportBatchToSheets mutation). Each export is one adapter call set for the whole batch.
 *
 * Drive uploads run beside the pipeline and often finish after the batch completes, when the
 * completion export has already written rows without their Drive links. So, with Drive configured,
 * the outcome of a batch's last open drive delivery (DeliverySucceeded or DeliveryFailed) exports
 * an `exportToSheets` batch that has completed once more: the upsert fills in the links. A drive
 * outcome recorded before the completion needs nothing, as the completion export reads it.
 */
import type { EventStore } from "../../../core/eventlog/event-store";
import { eventTypeFilter } from "../../../core/eventlog/subjects";
import type { ConsumerSpec } from "../../../core/consumers/durable-consumer";
import { outputPath, type MediaRoots } from "../../../core/storage/media-paths";
import type { DeliveryRef } from "../../../domain/delivery/delivery-events";
import type { RecordedEvent } from "../../../domain/shared/envelope";
import type { DriveSettings, SheetsSettings } from "../integrations-config.js";
import { deliveryId, integrationSpec, throwIfAnyRetry, type DeliveryRecorder, type DeliveryRun, type ReactorParts } from "../delivery-recorder.js";
import type { PipelineFacts } from "../pipeline-facts.js";
import { isNotConfiguredDeliveryId } from "../not-configured.js";
import { driveLinks, type DriveLink } from "../google-drive/drive-reactor.js";
import type { SheetsAdapter } from "./sheets-adapter.js";
import type { SheetJobRow } from "./sheet-rows.js";

export interface SheetsReactorDeps {
  readonly store: EventStore;
  readonly recorder: DeliveryRecorder;
  readonly facts: PipelineFacts;
  readonly adapter: SheetsAdapter;
  readonly settings: SheetsSettings;
  /** Set when Drive uploads are configured: rows then carry the Drive links recorded so far. */
  readonly drive: DriveSettings | null;
  readonly roots: MediaRoots;
  readonly tuning: ReactorParts["tuning"];
}

export function sheetsReactor(d: SheetsReactorDeps): ConsumerSpec {
  const { store, recorder, facts, settings } = d;
  const target = `${settings.spreadsheetId}/${settings.tab}`;
  // Two exports to one tab at once could both append the same new key: one at a time per
  // spreadsheet in this process (and consumer concurrency 1 across the cluster's fetch loop).
  const locks = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    locks.set(key, run.catch(() => undefined));
    return run;
  };

  /** The batch's rows, and whether a drive upload of it is still to be recorded. */
  async function rowsOf(batchId: string): Promise<{ rows: SheetJobRow[]; driveWaiting: boolean }> {
    const batch = await facts.batch(batchId);
    const created = batch.created;
    if (!created) return { rows: [], driveWaiting: false };
    const rows: SheetJobRow[] = [];
    let driveWaiting = false;
    for (const item of created.items) {
      const job = await facts.job(item.jobId);
      const s = job.state;
      const links = d.drive ? await driveLinks(recorder, d.drive, job.events) : new Map<string, DriveLink>();
      if ([...links.values()].some((l) => l.status === "WAITING")) driveWaiting = true;
      // one row per requested format, so a failed job still shows up (with its status)
      for (const format of created.formats) {
        const out = s.outputs[format];
        rows.push({
          jobId: item.jobId,
          batchId,
          createdAt: s.queued?.batchCreatedAt ?? "",
          audioName: item.upload.fileName,
          template: created.template,
          format,
          status: s.queued ? s.status : "QUEUED",
          outputPath: out ? outputPath(d.roots, out.fileName) : null,
          driveUrl: links.get(format)?.url ?? null,
          description: s.transcript?.description ?? null,
          durationSeconds: item.upload.durationSeconds ?? out?.durationSeconds ?? null,
          transcriptLanguage: s.transcript?.language ?? null,
        });
      }
    }
    return { rows, driveWaiting };
  }

  /** The batch a source event exports, or null when it exports nothing. */
  async function batchToExport(event: RecordedEvent, run: DeliveryRun): Promise<string | null> {
    if (event.type === "BatchExportRequested") return event.aggregateId;
    // a "not configured" notice from when Sheets was off, retried now that it is on: export
    if (event.type === "BatchCreated") return run.only && isNotConfiguredDeliveryId(run.only) ? event.aggregateId : null;
    if (event.type === "BatchCompleted") return (await facts.batch(event.aggregateId)).created?.options.exportToSheets ? event.aggregateId : null;
    if (event.type !== "DeliverySucceeded" && event.type !== "DeliveryFailed") return null;
    const ref = event.data as DeliveryRef;
    if (ref.integration !== "drive" || !d.drive) return null;
    const batch = await facts.batch(ref.batchId);
    // not completed yet: the completion export will read this outcome
    if (!batch.created?.options.exportToSheets || batch.completions === 0) return null;
    // another upload of the batch is still open: its outcome triggers the one re-export
    // (an operator's retry of this delivery exports regardless)
    if (!run.only && (await rowsOf(ref.batchId)).driveWaiting) return null;
    return ref.batchId;
  }

  async function onSource(event: RecordedEvent, run: DeliveryRun) {
    const batchId = await batchToExport(event, run);
    if (batchId === null) return;
    const ref = {
      deliveryId: run.only && isNotConfiguredDeliveryId(run.only) ? run.only : deliveryId("sheets", settings.tab, event.seq),
      batchId,
      jobId: null,
      integration: "sheets" as const,
      target,
      sourceEventId: event.id,
      sourceEventType: event.type,
    };
    const retry = await recorder.deliver(ref, run, () =>
      serialized(settings.spreadsheetId, async () => {
        const { rows } = await rowsOf(batchId);
        const r = await d.adapter.exportRows(rows);
        return { spreadsheetId: settings.spreadsheetId, tab: settings.tab, rows: String(rows.length), inserted: String(r.inserted), updated: String(r.updated) };
      }),
    );
    throwIfAnyRetry([retry]);
  }

  const filterSubjects = [eventTypeFilter(store.names, "batch", "BatchCompleted"), eventTypeFilter(store.names, "batch", "BatchExportRequested")];
  if (d.drive) {
    // drive outcomes (every integration's, filtered in batchToExport: subjects do not name it)
    filterSubjects.push(eventTypeFilter(store.names, "delivery", "DeliverySucceeded"), eventTypeFilter(store.names, "delivery", "DeliveryFailed"));
  }
  return integrationSpec(store, recorder, {
    name: "integration-sheets",
    integration: "sheets",
    filterSubjects,
    tuning: { ...d.tuning, concurrency: 1 },
    onSource,
  });
}
