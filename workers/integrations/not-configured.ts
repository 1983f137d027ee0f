/**
 * Integrations that a batch asks for while this worker has them off. Without this, a batch created
 * with `syncToDrive` or `exportToSheets` (or an `exportBatchToSheets` request) on a worker without
 * Drive or Sheets did nothing and showed nothing. Now each such request gets a delivery on record:
 * `DeliveryFailed` (attempts 1) whose error names the variables to set, under the id
 * `<integration>-not_configured-<source seq>` (`_` never occurs in the slugs of real delivery ids).
 *
 * The requested work is not lost: an integration's durable consumer keeps its place while the
 * integration is off (or, never created, starts from the beginning of the log), so once configured
 * it catches up on what it missed. So a request is only noted when that consumer has not passed it
 * yet: batches an earlier, configured run already handled are not marked when it is turned off.
 *
 * Any retryDelivery of that integration's deliveries while it is off records the same failure
 * (rather than nothing); once it is on, its own reactor does the work of a retried notice.
 */
import type { BatchCreated } from "../../domain/batch/batch-events";
import type { DeliveryRef } from "../../domain/delivery/delivery-events";
import type { RecordedEvent } from "../../domain/shared/envelope";
import type { EventStore } from "../../core/eventlog/event-store";
import { eventTypeFilter } from "../../core/eventlog/subjects";
import type { ConsumerSpec } from "../../core/consumers/durable-consumer";
import { PermanentError } from "../../core/consumers/handler-errors";
import { integrationSpec, throwIfAnyRetry, type DeliveryRecorder, type DeliveryRun, type ReactorParts } from "./delivery-recorder.js";

export type OptionalIntegration = "drive" | "sheets";

export const NOT_CONFIGURED_TARGET = "not configured";
export const notConfiguredDeliveryId = (integration: OptionalIntegration, sourceSeq: number) => `${integration}-not_configured-${sourceSeq}`;
export const isNotConfiguredDeliveryId = (id: string) => /^(drive|sheets)-not_configured-\d+$/.test(id);

/** What the notice says: which variables turn the integration on, and that it then catches up. */
export const NOT_CONFIGURED_MESSAGES: Record<OptionalIntegration, string> = {
  drive:
    "Google Drive is off on the integrations worker: set GDRIVE_REMOTE (docs/integrations/google-drive.md) and restart it; it then uploads the outputs it missed",
  sheets:
    "Google Sheets is off on the integrations worker: set GOOGLE_SHEETS_ID, GOOGLE_SERVICE_ACCOUNT_EMAIL and GOOGLE_PRIVATE_KEY (docs/integrations/google-sheets.md) and restart it; it then exports what it missed",
};

/** The durable consumer of each integration (its reactor's name), whose position says what it has seen. */
const CONSUMER_OF: Record<OptionalIntegration, string> = { drive: "integration-drive", sheets: "integration-sheets" };
const CONSUMER_NOT_FOUND = 10014; // JetStream API error code

export interface NotConfiguredDeps {
  readonly store: EventStore;
  readonly recorder: DeliveryRecorder;
  readonly tuning: ReactorParts["tuning"];
}

export function notConfiguredReactor(integration: OptionalIntegration, d: NotConfiguredDeps): ConsumerSpec {
  const { store, recorder } = d;
  const message = NOT_CONFIGURED_MESSAGES[integration];

  /** Stream position up to which the integration's own consumer has handled everything (0: none yet). */
  async function handledUpTo(): Promise<number> {
    try {
      return (await store.jsm.consumers.info(store.names.stream, CONSUMER_OF[integration])).ack_floor.stream_seq;
    } catch (err) {
      if ((err as { code?: unknown }).code === CONSUMER_NOT_FOUND) return 0;
      throw err;
    }
  }

  const record = async (ref: DeliveryRef, run: DeliveryRun) =>
    throwIfAnyRetry([
      await recorder.deliver(ref, run, async () => {
        throw new PermanentError("NOT_CONFIGURED", message);
      }),
    ]);

  function requested(event: RecordedEvent): boolean {
    if (event.type === "BatchExportRequested") return integration === "sheets";
    if (event.type !== "BatchCreated") return false;
    const { options } = (event as unknown as RecordedEvent<BatchCreated>).data;
    return integration === "drive" ? options.syncToDrive : options.exportToSheets;
  }

  async function onSource(event: RecordedEvent, run: DeliveryRun) {
    // a retryDelivery of any of this integration's deliveries: it is still off, say so again
    if (run.only) return record(run.cause.data as DeliveryRef, run);
    if (!requested(event)) return;
    if (event.seq <= (await handledUpTo())) return; // handled while the integration was on
    const ref: DeliveryRef = {
      deliveryId: notConfiguredDeliveryId(integration, event.seq),
      batchId: event.aggregateId,
      jobId: null,
      integration,
      target: NOT_CONFIGURED_TARGET,
      sourceEventId: event.id,
      sourceEventType: event.type,
    };
    await record(ref, run);
  }

  const filterSubjects = [eventTypeFilter(store.names, "batch", "BatchCreated")];
  if (integration === "sheets") filterSubjects.push(eventTypeFilter(store.names, "batch", "BatchExportRequested"));
  return integrationSpec(store, recorder, {
    name: `${CONSUMER_OF[integration]}-not-configured`,
    integration,
    filterSubjects,
    tuning: { ...d.tuning, concurrency: 1 },
    onSource,
    async onRetryWithoutSource(ref, run) {
      await record(ref, run);
      return true;
    },
  });
}
