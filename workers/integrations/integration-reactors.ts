/**
 * The integrations as reactors on the event log: one ConsumerSpec (own durable consumer) per
 * configured integration, so a slow or failing one never blocks the pipeline or another. The
 * composition root runs each with startReactor(store, spec, { logger, actor: 'worker:integrations' }).
 * Unconfigured integrations get no consumer of their own; Drive and Sheets, which a batch can ask
 * for, get a small one that records a "not configured" delivery for such requests
 * (not-configured.ts). describe() says what will happen and why.
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
import { notConfiguredReactor } from "./not-configured.js";
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
  /** Small consumers that put "not configured" on record for batches asking for an integration that is off. */
  const offSpecs: ConsumerSpec[] = [];
  const lines: string[] = [];
  const base = { store, recorder, facts, tuning: consumer };

  const { ntfy, drive, sheets, webhooks } = config;
  if (ntfy) {
    const adapter = createNtfyAdapter({ url: ntfy.url, topic: ntfy.topic, token: ntfy.token, timeoutMs: tuning.httpTimeoutMs });
    specs.push(ntfyReactor({ ...base, adapter, settings: ntfy, publicUrl: config.publicUrl }));
    const started = ntfy.notifyStarted ? "batch started, " : "";
    const defaulted = ntfy.urlDefaulted ? " (NTFY_URL not set: the public server, where anyone who knows the topic can read it)" : "";
    lines.push(`ntfy: on, topic "${ntfy.topic}" at ${new URL(ntfy.url).origin}${defaulted}: ${started}batch outcomes and final job failures, for batches with notify`);
  } else lines.push("ntfy: off (set NTFY_TOPIC; NTFY_URL defaults to https://ntfy.sh)");

  if (drive) {
    const adapter = createRcloneDriveAdapter({
      remote: drive.remote,
      folder: drive.folder,
      configPath: drive.configPath,
      flags: [...drive.flags],
      folderNaming: drive.folderNaming,
      ...(drive.linkTemplate ? { linkTemplate: drive.linkTemplate } : {}),
      timeoutMs: tuning.rcloneTimeoutMs,
    });
    specs.push(driveReactor({ ...base, tuning: { ...consumer, concurrency: Math.min(consumer.concurrency, 2) }, adapter, settings: drive, roots }));
    const folderOf = { "name-and-id": "<batch name> (<id end>)", name: "<batch name>", id: "<batch id>" }[drive.folderNaming];
    const link = drive.linkTemplate ? `, links from GDRIVE_LINK_TEMPLATE` : "";
    lines.push(`google drive: on, each output of batches with syncToDrive is copied to ${drive.remote}:${drive.folder}/<YYYY>/<MM>/${folderOf}/ with rclone${link}`);
  } else {
    offSpecs.push(notConfiguredReactor("drive", base));
    lines.push("google drive: off (set GDRIVE_REMOTE); batches with syncToDrive get a FAILED delivery that says so");
  }

  if (sheets) {
    const adapter = createGoogleSheetsAdapter({ ...sheets, backoff: tuning.sheetsBackoff });
    specs.push(sheetsReactor({ ...base, adapter, settings: sheets, drive, roots }));
    const late = drive ? " (again when Drive uploads finish after completion)" : "";
    lines.push(`google sheets: on, tab "${sheets.tab}" of spreadsheet ${sheets.spreadsheetId}: batches with exportToSheets on completion${late}, any batch on exportBatchToSheets`);
  } else {
    offSpecs.push(notConfiguredReactor("sheets", base));
    lines.push("google sheets: off (set GOOGLE_SHEETS_ID, GOOGLE_SERVICE_ACCOUNT_EMAIL, GOOGLE_PRIVATE_KEY); batches with exportToSheets and exportBatchToSheets requests get a FAILED delivery that says so");
  }

  const hooks = webhooks ? createWebhookAdapterIfConfigured({ ...webhooks, subscriptions: [...webhooks.subscriptions] }, { timeoutMs: tuning.httpTimeoutMs }) : undefined;
  if (webhooks && hooks) {
    specs.push(
      webhookReactor({
        ...base,
        adapter: hooks,
        drive,
        roots,
        publicUrl: config.publicUrl,
        driveWaitMs: tuning.driveWaitMs ?? 5_000,
        ...(webhooks.pathMapping ? { pathMapping: webhooks.pathMapping } : {}),
      }),
    );
    const subs = ["job.completed", "job.failed", "batch.started", "batch.completed", "batch.partial", "batch.failed", "batch.cancelled"]
      .flatMap((t) => hooks.subscriptionsFor(t).map((s) => s.id))
      .filter((id, i, all) => all.indexOf(id) === i);
    const wait = drive ? " (job webhooks of Drive-synced batches wait for the Drive links)" : "";
    const map = webhooks.pathMapping ? `; output paths ${webhooks.pathMapping.from}/... sent as ${webhooks.pathMapping.to}/...` : "";
    lines.push(`webhooks: on, signed deliveries to ${subs.join(", ")}${wait}${map}`);
  } else lines.push("webhooks: off (set N8N_WEBHOOK_RENDER_URL or WEBHOOKS)");

  if (config.retry && specs.length > 0) {
    lines.push(`integration retries: ${consumer.maxAttempts} attempts, backoff ${consumer.backoffBaseMs} ms doubling to ${consumer.backoffMaxMs} ms`);
  }
  // the composition root logs describe() at start-up (workers/main.ts), so nothing is logged here
  return { specs: [...specs, ...offSpecs], describe: () => [...lines] };
}
