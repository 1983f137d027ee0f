/**
 * Sheets as a reactor: a batch is exported (one row per job output format, upserted by Job ID +
 * Format) when it completes with `exportToSheets`, and whenever someone asks (BatchExportRequested,
 * the exportBatchToSheets mutation). Each export is one adapter call set for the whole batch.
 */
import type { EventStore } from "../../../core/eventlog/event-store";
import { eventTypeFilter } from "../../../core/eventlog/subjects";
import type { ConsumerSpec } from "../../../core/consumers/durable-consumer";
import { outputPath, type MediaRoots } from "../../../core/storage/media-paths";
import type { RecordedEvent } from "../../../domain/shared/envelope";
import type { DriveSettings, SheetsSettings } from "../integrations-config.js";
import { deliveryId, integrationSpec, throwIfAnyRetry, type DeliveryRecorder, type DeliveryRun, type ReactorParts } from "../delivery-recorder.js";
import type { PipelineFacts } from "../pipeline-facts.js";
import { driveLinks } from "../google-drive/drive-reactor.js";
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

  async function rowsOf(batchId: string): Promise<SheetJobRow[]> {
    const batch = await facts.batch(batchId);
    const created = batch.created;
    if (!created) return [];
    const rows: SheetJobRow[] = [];
    for (const item of created.items) {
      const job = await facts.job(item.jobId);
      const s = job.state;
      const links = d.drive ? await driveLinks(recorder, d.drive, job.events) : new Map();
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
    return rows;
  }

  async function onSource(event: RecordedEvent, run: DeliveryRun) {
    if (event.type !== "BatchCompleted" && event.type !== "BatchExportRequested") return;
    const batchId = event.aggregateId;
    if (event.type === "BatchCompleted" && !(await facts.batch(batchId)).created?.options.exportToSheets) return;
    const ref = {
      deliveryId: deliveryId("sheets", settings.tab, event.seq),
      batchId,
      jobId: null,
      integration: "sheets" as const,
      target,
      sourceEventId: event.id,
      sourceEventType: event.type,
    };
    const retry = await recorder.deliver(ref, run, () =>
      serialized(settings.spreadsheetId, async () => {
        const rows = await rowsOf(batchId);
        const r = await d.adapter.exportRows(rows);
        return { spreadsheetId: settings.spreadsheetId, tab: settings.tab, rows: String(rows.length), inserted: String(r.inserted), updated: String(r.updated) };
      }),
    );
    throwIfAnyRetry([retry]);
  }

  return integrationSpec(store, recorder, {
    name: "integration-sheets",
    integration: "sheets",
    filterSubjects: [eventTypeFilter(store.names, "batch", "BatchCompleted"), eventTypeFilter(store.names, "batch", "BatchExportRequested")],
    tuning: { ...d.tuning, concurrency: 1 },
    onSource,
  });
}
