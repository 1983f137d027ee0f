/**
 * Integration settings from the environment, validated once at start-up. Each integration is off
 * unless configured; a half-configured one (e.g. a Sheets id without a key) is an error rather than
 * silently off, because "why did nothing arrive" is far harder to debug than a refused start.
 * Error messages name variables, never their values: they are printed and may reach logs.
 */
import type { BatchFolderNaming } from "./google-drive/drive-paths.js";
import { parseRcloneFlags } from "./google-drive/rclone-runner.js";
import { normalizePrivateKey } from "./google-sheets/service-account-auth.js";
import { createWebhookAdapterIfConfigured, type WebhookSubscription } from "./webhooks/webhook-adapter.js";
import type { PathMapping } from "./webhooks/webhook-payload.js";

export interface NtfySettings {
  readonly url: string;
  /** Set when neither NTFY_URL nor NTFY_SERVER was given and the public server is used (the seed's default). */
  readonly urlDefaulted?: true;
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
  /** GDRIVE_FOLDER_NAMING: the batch folder's name; default `name-and-id` ("<name> (<last 8 of id>)"). */
  readonly folderNaming: BatchFolderNaming;
  /** GDRIVE_LINK_TEMPLATE: replaces the built-in link (placeholders {id} {remote} {path} {encodedPath} {name}). */
  readonly linkTemplate?: string;
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
  /** WEBHOOK_PATH_MAP: output paths in job payloads rewritten to how the receiver sees them. */
  readonly pathMapping?: PathMapping;
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
/** The seed's default ntfy server, used when only NTFY_TOPIC is set. */
export const DEFAULT_NTFY_URL = "https://ntfy.sh";
export const DRIVE_FOLDER_NAMINGS: readonly BatchFolderNaming[] = ["name-and-id", "name", "id"];
export const DRIVE_LINK_PLACEHOLDERS = ["{id}", "{remote}", "{path}", "{encodedPath}", "{name}"] as const;
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
  const drive = parseDrive(get, problems);
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
  if (/[/\s]/.test(topic)) problems.push("NTFY_TOPIC must be a name without slashes or spaces");
  const token = get("NTFY_TOKEN");
  // Only the topic set: the public server, as the seed defaulted (start-up says so).
  const where = server ? { url: server } : { url: DEFAULT_NTFY_URL, urlDefaulted: true as const };
  return { ...where, topic, notifyStarted, ...(token ? { token } : {}) };
}

function parseDrive(get: Getter, problems: string[]): DriveSettings | null {
  const remote = get("GDRIVE_REMOTE");
  // like GDRIVE_OUTPUT_FOLDER, the other variables only matter (and are only checked) once it is on
  if (!remote) return null;
  const naming = get("GDRIVE_FOLDER_NAMING");
  const linkTemplate = get("GDRIVE_LINK_TEMPLATE");
  let folderNaming: BatchFolderNaming = "name-and-id";
  if (naming !== undefined) {
    const n = naming.toLowerCase() as BatchFolderNaming;
    if (DRIVE_FOLDER_NAMINGS.includes(n)) folderNaming = n;
    else problems.push(`GDRIVE_FOLDER_NAMING must be one of ${DRIVE_FOLDER_NAMINGS.join(", ")}`);
  }
  if (linkTemplate !== undefined) {
    const problem = linkTemplateProblem(linkTemplate);
    if (problem) problems.push(`GDRIVE_LINK_TEMPLATE ${problem}`);
  }
  const configPath = get("RCLONE_CONFIG");
  return {
    remote,
    folder: get("GDRIVE_OUTPUT_FOLDER") ?? DEFAULT_DRIVE_FOLDER,
    flags: parseRcloneFlags(get("RCLONE_FLAGS")),
    folderNaming,
    ...(configPath ? { configPath } : {}),
    ...(linkTemplate ? { linkTemplate } : {}),
  };
}

/**
 * A link template must name the object (at least one placeholder), use only known placeholders,
 * and give an absolute URL once they are filled in (a typo there would otherwise put a useless
 * "link" in every sheet row and webhook).
 */
function linkTemplateProblem(t: string): string | null {
  const unknown = (t.match(/\{[^{}]*\}/g) ?? []).filter((p) => !(DRIVE_LINK_PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length > 0) return `has unknown placeholders ${[...new Set(unknown)].join(" ")} (known: ${DRIVE_LINK_PLACEHOLDERS.join(" ")})`;
  if (!DRIVE_LINK_PLACEHOLDERS.some((p) => t.includes(p))) return `must contain at least one of ${DRIVE_LINK_PLACEHOLDERS.join(" ")}`;
  let filled = t;
  for (const p of DRIVE_LINK_PLACEHOLDERS) filled = filled.replaceAll(p, "x");
  if (!/\s/.test(filled) && URL.canParse(filled)) return null;
  return "must be an absolute URL such as https://files.example.com/{encodedPath}";
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
  if (problems.length === before) {
    try {
      // the adapter's own checks (unique ids, a secret on every WEBHOOKS entry, http(s) urls);
      // skipped when the entries were already explained, as the adapter would repeat it
      createWebhookAdapterIfConfigured({ ...settings, subscriptions: [...subscriptions] });
    } catch (err) {
      problems.push(`WEBHOOKS: ${(err as Error).message.replace(/^webhook: /, "")}`);
    }
  }
  const pathMap = get("WEBHOOK_PATH_MAP");
  const pathMapping = pathMap === undefined ? undefined : parsePathMapping(pathMap, problems);
  return pathMapping ? { ...settings, pathMapping } : settings;
}

/**
 * `WEBHOOK_PATH_MAP=<local prefix>:<receiver prefix>`, e.g. `/srv/emberflow/data/outputs:/renders`
 * when n8n mounts the outputs at `/renders` (the seed's compose file): both absolute paths.
 */
function parsePathMapping(v: string, problems: string[]): PathMapping | undefined {
  const parts = v.split(":");
  const [from, to] = parts.map((p) => p.trim());
  if (parts.length !== 2 || !from?.startsWith("/") || !to?.startsWith("/")) {
    problems.push("WEBHOOK_PATH_MAP must be <local path>:<receiver path>, two absolute paths, e.g. /srv/emberflow/data/outputs:/renders");
    return undefined;
  }
  const trim = (p: string) => p.replace(/\/+$/, "") || "/";
  return { from: trim(from), to: trim(to) };
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
