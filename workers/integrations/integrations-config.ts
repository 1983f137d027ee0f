/**
 * Integration settings from the environment, validated once at start-up. Each integration is off
 * unless configured; a half-configured one (e.g. a Sheets id without a key) is an error rather than
 * silently off, because "why did nothing arrive" is far harder to debug than a refused start.
 * Error messages name variables, never their values: they are printed and may reach logs.
 */
import { parseRcloneFlags } from "./google-drive/rclone-runner.js";
import { normalizePrivateKey } from "./google-sheets/service-account-auth.js";
import { createWebhookAdapterIfConfigured, type WebhookSubscription } from "./webhooks/webhook-adapter.js";

export interface NtfySettings {
  readonly url: string;
  readonly topic: string;
  readonly token?: string;
  /** NTFY_NOTIFY_STARTED: also notify when a batch's first render starts. */
  readonly notifyStarted: boolean;
}

export interface DriveSettings {
  readonly remote: string;
  /** GDRIVE_OUTPUT_FOLDER; the adapter's default (`Emberflow/Renders`) when unset. */
  readonly folder: string;
  readonly configPath?: string;
  readonly flags: readonly string[];
}

export interface SheetsSettings {
  readonly spreadsheetId: string;
  readonly tab: string;
  readonly clientEmail: string;
  /** PEM with real newlines (literal `\n` from .env files already unescaped). */
  readonly privateKey: string;
  /** Tests only: a local fake instead of Google. */
  readonly rootUrl?: string;
  readonly tokenUrl?: string;
}

export interface WebhookSettings {
  readonly n8nRenderUrl?: string;
  readonly n8nSecret?: string;
  readonly subscriptions: readonly WebhookSubscription[];
}

/**
 * Overrides of the integration consumers' retry schedule (defaults: 8 attempts, 2 s doubling to
 * 5 min, in integration-reactors.ts). Separate from the workers' BACKOFF_* on purpose: deliveries
 * are meant to ride out minutes of outage, renders are not; tests and staging shorten them.
 */
export interface RetrySettings {
  /** INTEGRATION_MAX_ATTEMPTS */
  readonly maxAttempts?: number;
  /** INTEGRATION_BACKOFF_BASE_MS */
  readonly backoffBaseMs?: number;
  /** INTEGRATION_BACKOFF_MAX_MS */
  readonly backoffMaxMs?: number;
}

export interface IntegrationConfig {
  readonly ntfy: NtfySettings | null;
  readonly drive: DriveSettings | null;
  readonly sheets: SheetsSettings | null;
  readonly webhooks: WebhookSettings | null;
  readonly publicUrl?: string;
  /** Only present when an INTEGRATION_* retry variable is set. */
  readonly retry?: RetrySettings;
}

export const DEFAULT_DRIVE_FOLDER = "Emberflow/Renders";
export const DEFAULT_SHEETS_TAB = "Renders";

export class IntegrationConfigError extends Error {
  override readonly name = "IntegrationConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Invalid integration configuration:\n- ${problems.join("\n- ")}`);
  }
}

type Env = Record<string, string | undefined>;

export function parseIntegrationConfig(env: Env): IntegrationConfig {
  const problems: string[] = [];
  // Blank values count as unset: .env.example ships every name with an empty value.
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const url = (name: string): string | undefined => {
    const v = get(name);
    if (v !== undefined && !isHttpUrl(v)) problems.push(`${name} must be an http(s) URL`);
    return v;
  };

  const ntfy = parseNtfy(get, url, problems);
  const drive = parseDrive(get);
  const sheets = parseSheets(get, url, problems);
  const webhooks = parseWebhooks(get, url, problems);
  const publicUrl = url("PUBLIC_URL");
  const retry = parseRetry(get, problems);
  if (problems.length > 0) throw new IntegrationConfigError(problems);
  return { ntfy, drive, sheets, webhooks, ...(publicUrl ? { publicUrl: publicUrl.replace(/\/+$/, "") } : {}), ...(retry ? { retry } : {}) };
}

/** Values the logger must scrub (tokens, secrets, keys). */
export function integrationSecrets(c: IntegrationConfig): string[] {
  return [
    c.ntfy?.token,
    c.sheets?.privateKey,
    c.webhooks?.n8nSecret,
    ...(c.webhooks?.subscriptions.map((s) => s.secret) ?? []),
  ].filter((s): s is string => Boolean(s));
}

type Getter = (name: string) => string | undefined;

function parseNtfy(get: Getter, url: Getter, problems: string[]): NtfySettings | null {
  const server = url("NTFY_URL") ?? url("NTFY_SERVER"); // NTFY_SERVER: the seed's .env.example name
  const topic = get("NTFY_TOPIC");
  const notifyStarted = parseBool("NTFY_NOTIFY_STARTED", get("NTFY_NOTIFY_STARTED"), problems);
  // The topic is what turns ntfy on; a server URL alone (a common default) leaves it off.
  if (!topic) return null;
  if (!server) {
    problems.push("NTFY_TOPIC is set but NTFY_URL is not (e.g. NTFY_URL=https://ntfy.sh)");
    return null;
  }
  if (/[/\s]/.test(topic)) problems.push("NTFY_TOPIC must be a name without slashes or spaces");
  const token = get("NTFY_TOKEN");
  return { url: server, topic, notifyStarted, ...(token ? { token } : {}) };
}

function parseDrive(get: Getter): DriveSettings | null {
  const remote = get("GDRIVE_REMOTE");
  if (!remote) return null;
  const configPath = get("RCLONE_CONFIG");
  return {
    remote,
    folder: get("GDRIVE_OUTPUT_FOLDER") ?? DEFAULT_DRIVE_FOLDER,
    flags: parseRcloneFlags(get("RCLONE_FLAGS")),
    ...(configPath ? { configPath } : {}),
  };
}

function parseSheets(get: Getter, url: Getter, problems: string[]): SheetsSettings | null {
  const spreadsheetId = get("GOOGLE_SHEETS_ID");
  const clientEmail = get("GOOGLE_SERVICE_ACCOUNT_EMAIL");
  const rawKey = get("GOOGLE_PRIVATE_KEY");
  const rootUrl = url("GOOGLE_SHEETS_ROOT_URL");
  const tokenUrl = url("GOOGLE_TOKEN_URL");
  const given = { GOOGLE_SHEETS_ID: spreadsheetId, GOOGLE_SERVICE_ACCOUNT_EMAIL: clientEmail, GOOGLE_PRIVATE_KEY: rawKey };
  const missing = Object.entries(given).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length === 3) return null;
  if (missing.length > 0) {
    problems.push(`Google Sheets export is half configured: set ${missing.join(", ")} too (or unset all three)`);
    return null;
  }
  // Users paste the whole URL as often as the id: take the id out of it.
  const id = /\/spreadsheets\/d\/([A-Za-z0-9_-]+)/.exec(spreadsheetId!)?.[1] ?? spreadsheetId!;
  if (!/^[A-Za-z0-9_-]+$/.test(id)) problems.push("GOOGLE_SHEETS_ID must be a spreadsheet id (the part of its URL between /d/ and /edit)");
  if (!clientEmail!.includes("@")) problems.push("GOOGLE_SERVICE_ACCOUNT_EMAIL must be the service account's client_email");
  const privateKey = normalizePrivateKey(rawKey!.replace(/^"|"$/g, ""));
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    problems.push("GOOGLE_PRIVATE_KEY must be the PEM private_key from the service account's JSON key");
  }
  return {
    spreadsheetId: id,
    tab: get("GOOGLE_SHEETS_TAB") ?? DEFAULT_SHEETS_TAB,
    clientEmail: clientEmail!,
    privateKey,
    ...(rootUrl ? { rootUrl: rootUrl.endsWith("/") ? rootUrl : `${rootUrl}/` } : {}),
    ...(tokenUrl ? { tokenUrl } : {}),
  };
}

function parseWebhooks(get: Getter, url: Getter, problems: string[]): WebhookSettings | null {
  const n8nRenderUrl = url("N8N_WEBHOOK_RENDER_URL");
  const n8nSecret = get("N8N_WEBHOOK_SECRET");
  const raw = get("WEBHOOKS");
  const before = problems.length;
  let subscriptions: WebhookSubscription[] = [];
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!Array.isArray(parsed)) throw new Error("not an array");
      subscriptions = parsed.map((s, i) => subscription(s, i, problems));
    } catch (err) {
      problems.push(`WEBHOOKS must be a JSON array of {"url","secret","events":[...]} (${(err as Error).message})`);
    }
  }
  if (!n8nRenderUrl && subscriptions.length === 0) return null;
  const settings: WebhookSettings = { subscriptions, ...(n8nRenderUrl ? { n8nRenderUrl } : {}), ...(n8nSecret ? { n8nSecret } : {}) };
  if (problems.length > before) return settings; // already explained; the adapter would repeat it
  try {
    // the adapter's own checks (unique ids, a secret on every WEBHOOKS entry, http(s) urls)
    createWebhookAdapterIfConfigured({ ...settings, subscriptions: [...subscriptions] });
  } catch (err) {
    problems.push(`WEBHOOKS: ${(err as Error).message.replace(/^webhook: /, "")}`);
  }
  return settings;
}

function subscription(s: unknown, i: number, problems: string[]): WebhookSubscription {
  const o = (s ?? {}) as Record<string, unknown>;
  const where = `WEBHOOKS[${i}]`;
  if (typeof o.url !== "string" || !isHttpUrl(o.url)) problems.push(`${where}.url must be an http(s) URL`);
  if (typeof o.secret !== "string" || o.secret.length < 8) problems.push(`${where}.secret must be a string of at least 8 characters`);
  const events = Array.isArray(o.events) && o.events.every((e) => typeof e === "string") ? (o.events as string[]) : [];
  if (events.length === 0) problems.push(`${where}.events must be a non-empty list such as ["job.completed","batch.*"]`);
  if (o.id !== undefined && (typeof o.id !== "string" || !/^[A-Za-z0-9_-]{1,40}$/.test(o.id))) {
    problems.push(`${where}.id must be 1-40 letters, digits, '-' or '_'`);
  }
  return {
    url: String(o.url ?? ""),
    secret: typeof o.secret === "string" ? o.secret : undefined,
    events,
    ...(typeof o.id === "string" ? { id: o.id } : {}),
    ...(o.legacySecretHeader === true ? { legacySecretHeader: true } : {}),
  };
}

function parseRetry(get: Getter, problems: string[]): RetrySettings | undefined {
  const int = (name: string, min: number): number | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (Number.isInteger(n) && n >= min) return n;
    problems.push(`${name} must be a whole number of at least ${min}`);
    return undefined;
  };
  const maxAttempts = int("INTEGRATION_MAX_ATTEMPTS", 1);
  const backoffBaseMs = int("INTEGRATION_BACKOFF_BASE_MS", 10);
  const backoffMaxMs = int("INTEGRATION_BACKOFF_MAX_MS", 10);
  if (backoffBaseMs !== undefined && backoffMaxMs !== undefined && backoffMaxMs < backoffBaseMs) {
    problems.push("INTEGRATION_BACKOFF_MAX_MS must not be below INTEGRATION_BACKOFF_BASE_MS");
  }
  const retry = {
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(backoffBaseMs !== undefined ? { backoffBaseMs } : {}),
    ...(backoffMaxMs !== undefined ? { backoffMaxMs } : {}),
  };
  return Object.keys(retry).length > 0 ? retry : undefined;
}

function parseBool(name: string, v: string | undefined, problems: string[]): boolean {
  if (v === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  problems.push(`${name} must be true or false`);
  return false;
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
