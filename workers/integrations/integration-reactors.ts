/**
 * The integrations as reactors on the event log: one ConsumerSpec (own durable consumer) per
 * configured integration, so a slow or failing one never blocks the pipeline or another. The
 * composition root runs each with startReactor(store, spec, { logger, actor: 'worker:integrations' }).
 * Unconfigured integrations get no consumer at all; describe() says what will happen and why.
 */
import type { EventStore } from "../../core/eventlog/event-store";
import { CONSUMER_DEFAULTS, type ConsumerDefaults, type ConsumerSpec } from "../../core/consumers/durable-consumer";
import type { Logger } from "../../core/log/logger";
import type { MediaRoots } from "../../core/storage/media-paths";
import { DeliveryRecorder, type ReactorParts } from "./delivery-recorder.js";
import { createRcloneDriveAdapter } from "./google-drive/drive-adapter.js";
import { driveReactor } from "./google-drive/drive-reactor.js";
import { createGoogleSheetsAdapter } from "./google-sheets/sheets-adapter.js";
import type { BackoffOptions } from "./google-sheets/sheets-backoff.js";
import { sheetsReactor } from "./google-sheets/sheets-reactor.js";
import type { IntegrationConfig } from "./integrations-config.js";
import { createNtfyAdapter } from "./ntfy/ntfy-adapter.js";
import { ntfyReactor } from "./ntfy/ntfy-reactor.js";
import { PipelineFacts } from "./pipeline-facts.js";
import { createWebhookAdapterIfConfigured } from "./webhooks/webhook-adapter.js";
import { webhookReactor } from "./webhooks/webhook-reactor.js";

/** Knobs tests shorten; production uses the defaults below. */
export interface IntegrationTuning {
  readonly consumer?: Partial<ConsumerDefaults>;
  readonly sheetsBackoff?: BackoffOptions;
  /** HTTP deadline for ntfy and webhooks. */
  readonly httpTimeoutMs?: number;
  /** rclone deadline per invocation. */
  readonly rcloneTimeoutMs?: number;
  /** First wait for a job's Drive links before its webhook goes out. */
  readonly driveWaitMs?: number;
}

export interface IntegrationReactorDeps {
  readonly config: IntegrationConfig;
  readonly roots: MediaRoots;
  readonly logger: Logger;
  readonly tuning?: IntegrationTuning;
}

/**
 * 8 attempts from 2 s doubling to 5 min: about 10 minutes of outage is ridden out before a
 * delivery is recorded as failed (and can then be retried with retryDelivery).
 */
export const INTEGRATION_CONSUMER_DEFAULTS: ConsumerDefaults = {
  ...CONSUMER_DEFAULTS,
  concurrency: 4,
  maxAttempts: 8,
  ackWaitMs: 60_000,
  backoffBaseMs: 2_000,
  backoffMaxMs: 300_000,
};

export function integrationReactors(store: EventStore, deps: IntegrationReactorDeps): { specs: ConsumerSpec[]; describe(): string[] } {
  const { config, roots, tuning = {} } = deps;
  const logger = deps.logger.child({ component: "integrations" });
  // defaults, then the operator's INTEGRATION_* env, then a test's explicit tuning
  const consumer: ReactorParts["tuning"] = { ...INTEGRATION_CONSUMER_DEFAULTS, ...config.retry, ...tuning.consumer };
  const recorder = new DeliveryRecorder(store, consumer, logger);
  const facts = new PipelineFacts(store);
  const specs: ConsumerSpec[] = [];
  const lines: string[] = [];
  const base = { store, recorder, facts, tuning: consumer };

  const { ntfy, drive, sheets, webhooks } = config;
  if (ntfy) {
    const adapter = createNtfyAdapter({ url: ntfy.url, topic: ntfy.topic, token: ntfy.token, timeoutMs: tuning.httpTimeoutMs });
    specs.push(ntfyReactor({ ...base, adapter, settings: ntfy, publicUrl: config.publicUrl }));
    const started = ntfy.notifyStarted ? "batch started, " : "";
    lines.push(`ntfy: on, topic "${ntfy.topic}" at ${new URL(ntfy.url).origin}: ${started}batch outcomes and final job failures, for batches with notify`);
  } else lines.push("ntfy: off (set NTFY_URL and NTFY_TOPIC)");

  if (drive) {
    const adapter = createRcloneDriveAdapter({
      remote: drive.remote,
      folder: drive.folder,
      configPath: drive.configPath,
      flags: [...drive.flags],
      timeoutMs: tuning.rcloneTimeoutMs,
    });
    specs.push(driveReactor({ ...base, tuning: { ...consumer, concurrency: Math.min(consumer.concurrency, 2) }, adapter, settings: drive, roots }));
    lines.push(`google drive: on, each output of batches with syncToDrive is copied to ${drive.remote}:${drive.folder}/<YYYY>/<MM>/<batch>/ with rclone`);
  } else lines.push("google drive: off (set GDRIVE_REMOTE)");

  if (sheets) {
    const adapter = createGoogleSheetsAdapter({ ...sheets, backoff: tuning.sheetsBackoff });
    specs.push(sheetsReactor({ ...base, adapter, settings: sheets, drive, roots }));
    lines.push(`google sheets: on, tab "${sheets.tab}" of spreadsheet ${sheets.spreadsheetId}: batches with exportToSheets on completion, any batch on exportBatchToSheets`);
  } else lines.push("google sheets: off (set GOOGLE_SHEETS_ID, GOOGLE_SERVICE_ACCOUNT_EMAIL, GOOGLE_PRIVATE_KEY)");

  const hooks = webhooks ? createWebhookAdapterIfConfigured({ ...webhooks, subscriptions: [...webhooks.subscriptions] }, { timeoutMs: tuning.httpTimeoutMs }) : undefined;
  if (hooks) {
    specs.push(webhookReactor({ ...base, adapter: hooks, drive, roots, publicUrl: config.publicUrl, driveWaitMs: tuning.driveWaitMs ?? 5_000 }));
    const subs = ["job.completed", "job.failed", "batch.completed", "batch.partial", "batch.failed", "batch.cancelled"]
      .flatMap((t) => hooks.subscriptionsFor(t).map((s) => s.id))
      .filter((id, i, all) => all.indexOf(id) === i);
    const wait = drive ? " (job webhooks of Drive-synced batches wait for the Drive links)" : "";
    lines.push(`webhooks: on, signed deliveries to ${subs.join(", ")}${wait}`);
  } else lines.push("webhooks: off (set N8N_WEBHOOK_RENDER_URL or WEBHOOKS)");

  if (config.retry && specs.length > 0) {
    lines.push(`integration retries: ${consumer.maxAttempts} attempts, backoff ${consumer.backoffBaseMs} ms doubling to ${consumer.backoffMaxMs} ms`);
  }
  // the composition root logs describe() at start-up (workers/main.ts), so nothing is logged here
  return { specs, describe: () => [...lines] };
}
