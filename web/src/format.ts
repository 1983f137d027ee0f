/**
 * Pure view-model helpers: formatting and the rules for which actions a status allows. No DOM,
 * no network: unit-tested in web/format.unit.test.ts.
 */
export type BatchStatusName = "QUEUED" | "RUNNING" | "COMPLETED" | "PARTIAL" | "FAILED" | "CANCELLED";
export type JobStatusName = "QUEUED" | "RENDERING" | "TRANSCRIBING" | "RETRYING" | "COMPLETED" | "FAILED" | "CANCELLED";

export const BATCH_STATUSES: readonly BatchStatusName[] = ["QUEUED", "RUNNING", "COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];
const TERMINAL_BATCH = new Set<string>(["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"]);
const TERMINAL_JOB = new Set<string>(["COMPLETED", "FAILED", "CANCELLED"]);

export const isTerminalBatch = (s: string) => TERMINAL_BATCH.has(s);
export const isTerminalJob = (s: string) => TERMINAL_JOB.has(s);
export const canCancelJob = (s: string) => !isTerminalJob(s);
export const canRetryJob = (s: string) => s === "FAILED" || s === "CANCELLED";
export const canRetryDelivery = (s: string) => s === "FAILED";

/** "QUEUED" -> "Queued", "FLAT_1080P" stays as given by labels elsewhere. */
export function statusLabel(s: string): string {
  return s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " ");
}

/** Tone for the status badge colour (also conveyed as text: colour is never the only cue). */
export function statusTone(s: string): "ok" | "bad" | "warn" | "busy" | "idle" {
  if (s === "COMPLETED" || s === "SUCCEEDED" || s === "LIVE") return "ok";
  if (s === "FAILED" || s === "STALE") return "bad";
  if (s === "PARTIAL" || s === "CANCELLED" || s === "RETRYING") return "warn";
  if (s === "QUEUED" || s === "PENDING" || s === "OPEN") return "idle";
  return "busy";
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return "–";
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.round(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "";
  if (seconds <= 0) return "finishing";
  return `about ${formatDuration(seconds)} left`;
}

export function formatPercent(p: number): string {
  return `${Math.round(Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0)}%`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** "just now", "12 s ago", "3 min ago", "2 h ago": how long since a worker's last heartbeat. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return "–";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 2) return "just now";
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/**
 * Whether a batch pushed by batchesChanged belongs in a newest-first list of which only the
 * first pages are loaded: anything newer than the oldest loaded row does, and anything at all
 * once the last page is loaded; an older one would arrive with "Load more" anyway.
 */
export function belongsInLoadedList(createdAt: string, oldestLoaded: string | null, hasMore: boolean): boolean {
  if (!hasMore || oldestLoaded === null) return true;
  return Date.parse(createdAt) >= Date.parse(oldestLoaded);
}

/** Index at which a batch goes in a list sorted newest first (after rows created at the same time). */
export function newestFirstIndex(createdAts: readonly string[], createdAt: string): number {
  const t = Date.parse(createdAt);
  const i = createdAts.findIndex((c) => Date.parse(c) < t);
  return i === -1 ? createdAts.length : i;
}

/**
 * Reads a list kept in log order (the event trail) after position `after`, page by page until a
 * page comes back short, handing each page over as it arrives (so a failure keeps what came before).
 * Returns the position of the last item read, or `after` when there was none.
 */
export async function readPagesAfter<T extends { readonly seq: number }>(
  after: number | null,
  pageSize: number,
  fetchPage: (after: number | null, first: number) => Promise<readonly T[]>,
  onPage: (page: readonly T[]) => void,
): Promise<number | null> {
  let last = after;
  for (;;) {
    const page = await fetchPage(last, pageSize);
    onPage(page);
    if (page.length > 0) last = page[page.length - 1]!.seq;
    if (page.length < pageSize) return last;
  }
}

/** A live tick for a job (from jobProgress). */
export interface LiveTick {
  readonly percent: number;
  readonly etaSeconds: number | null;
  readonly stage: string | null;
  readonly format: string | null;
  readonly status: string | null;
}

/**
 * The percent a job's bar shows: the recorded progress, raised by a fresher live tick while the job
 * runs (a tick is per stage, so it never lowers the bar). Terminal jobs show what was recorded.
 */
export function jobBarPercent(job: { status: string; progress: number }, live: LiveTick | undefined): number {
  if (isTerminalJob(job.status) || !live || live.status) return job.progress;
  return Math.max(job.progress, live.percent);
}

/**
 * What a job's bar shows next: never less than it showed, while the job runs. Render and
 * transcription ticks each report the job's percent as their worker saw it, and batchUpdated and
 * jobProgress arrive on separate streams, so a fresh tick can be lower than what a moment ago
 * said; the bar must not jump back. A queued or retrying job starts over, and a finished one shows
 * what was recorded.
 */
export function ratchetPercent(shown: number | null, status: string, percent: number): number {
  if (shown === null || status === "QUEUED" || status === "RETRYING" || isTerminalJob(status)) return percent;
  return Math.max(shown, percent);
}

/** "Rendering flat 1080p: 42%, about 0:05 left" for a running job with a live tick. */
export function liveDetail(job: { status: string }, live: LiveTick | undefined, formatLabel: (id: string) => string = (f) => f): string {
  if (isTerminalJob(job.status) || !live || live.status) return "";
  const stage = live.stage === "transcribe" ? "Transcribing" : "Rendering";
  const what = live.format ? ` ${formatLabel(live.format)}` : "";
  const eta = formatEta(live.etaSeconds);
  return `${stage}${what}: ${formatPercent(live.percent)}${eta ? `, ${eta}` : ""}`;
}

/** The number of renders a batch will run: files × formats. */
export const renderCount = (files: number, formats: number) => files * formats;

/** The API's format enum from a domain id (flat_1080p -> FLAT_1080P). */
export const toFormatEnum = (id: string) => id.toUpperCase();

/** The user-facing message of a failed upload: the server's JSON error when there is one. */
export function uploadErrorMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string; code?: string } };
    if (parsed?.error?.message) return parsed.error.message;
  } catch {
    /* not JSON */
  }
  if (status === 0) return "The upload was interrupted: check the connection and try again.";
  if (status === 401 || status === 403) return "The server refused the upload: enter an API token with operator rights.";
  if (status === 413) return "The file is larger than the server accepts.";
  return `The upload failed (HTTP ${status}).`;
}

/** Hash routes: #/batches, #/batches/<id>, #/new, #/ops. */
export type Route = { name: "new" } | { name: "batches" } | { name: "batch"; id: string } | { name: "ops" };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").split("?")[0]!.replace(/\/+$/, "");
  const m = /^\/batches\/([^/?#]+)$/.exec(path);
  if (m) return { name: "batch", id: decodeURIComponent(m[1]!) };
  if (path === "/batches") return { name: "batches" };
  if (path === "/ops") return { name: "ops" };
  return { name: "new" };
}

/** Query parameters after the hash route: #/batches/<id>?at=42 -> { at: "42" }. */
export function routeParams(hash: string): Record<string, string> {
  const q = hash.split("?")[1];
  return q ? Object.fromEntries(new URLSearchParams(q)) : {};
}
