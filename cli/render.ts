import type { BatchView, JobView, ProgressTick } from "./operations";

/** Pure rendering of a batch's progress for the terminal (ANSI bars) and for logs (plain lines). */
const TERMINAL_BATCH = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];
const TERMINAL_JOB = ["COMPLETED", "FAILED", "CANCELLED"];

export const isTerminalBatch = (s: string) => TERMINAL_BATCH.includes(s);

/** The process exit status for a batch's end state: 0 COMPLETED, 2 PARTIAL, 3 FAILED or CANCELLED. */
export function exitCodeFor(status: string): number {
  if (status === "COMPLETED") return 0;
  if (status === "PARTIAL") return 2;
  if (status === "FAILED" || status === "CANCELLED") return 3;
  return 1;
}

export function jobPercent(job: JobView, tick: ProgressTick | undefined): number {
  if (TERMINAL_JOB.includes(job.status) || !tick || tick.status) return job.progress;
  return Math.max(job.progress, tick.percent);
}

/**
 * Per job, the percent last shown, so a line or bar never goes back while the job runs: render and
 * transcription ticks each report the job's percent as their worker saw it, and batch states and
 * ticks arrive on separate streams. A queued or retrying job starts over; a finished one shows what
 * was recorded.
 */
export class ProgressRatchet {
  private readonly shown = new Map<string, number>();

  percent(job: JobView, tick: ProgressTick | undefined): number {
    const p = jobPercent(job, tick);
    const before = this.shown.get(job.id);
    const next = before === undefined || job.status === "QUEUED" || job.status === "RETRYING" || TERMINAL_JOB.includes(job.status) ? p : Math.max(before, p);
    this.shown.set(job.id, next);
    return next;
  }
}

export function bar(percent: number, width: number): string {
  const p = Math.min(100, Math.max(0, percent));
  const full = Math.round((p / 100) * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

export function eta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "";
  const s = Math.max(0, Math.round(seconds));
  return `eta ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

const COLORS: Record<string, string> = { COMPLETED: "32", FAILED: "31", CANCELLED: "33", PARTIAL: "33", RETRYING: "33", RENDERING: "36", TRANSCRIBING: "35", RUNNING: "36" };
const color = (s: string, ansi: boolean) => (ansi && COLORS[s] ? `\x1b[${COLORS[s]}m${s}\x1b[0m` : s);

export function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(1, width - 1))}…`;
}

/** The TTY block: a header line and one bar per job. */
export function renderBlock(b: BatchView, ticks: Map<string, ProgressTick>, columns: number, ratchet = new ProgressRatchet()): string[] {
  const nameWidth = Math.max(10, Math.min(32, columns - 60));
  const barWidth = Math.max(10, Math.min(30, columns - nameWidth - 32));
  const c = b.counts;
  const lines = [`${b.name}  ${color(b.status, true)}  ${bar(b.progress, barWidth)} ${b.progress.toFixed(0).padStart(3)}%  ${c.succeeded}/${c.total} done${c.failed ? `, ${c.failed} failed` : ""}${c.cancelled ? `, ${c.cancelled} cancelled` : ""}`];
  for (const j of [...b.jobs].sort((x, y) => x.index - y.index)) {
    const t = ticks.get(j.id);
    const p = ratchet.percent(j, t);
    const live = t && !t.status && !TERMINAL_JOB.includes(j.status) ? ` ${t.format?.toLowerCase() ?? t.stage ?? ""} ${eta(t.etaSeconds)}` : "";
    const err = j.error ? ` ${j.error.message}` : "";
    lines.push(`  ${fit(j.fileName, nameWidth)} ${bar(p, barWidth)} ${p.toFixed(0).padStart(3)}% ${color(j.status, true)}${live}${err}`.slice(0, columns + 20));
  }
  return lines;
}

/** Plain-line reporting for pipes and logs: a line when a status changes or a job crosses 25%, 50%, 75%. */
export class PlainReporter {
  private readonly seen = new Map<string, string>();
  private readonly ratchet = new ProgressRatchet();

  lines(b: BatchView, ticks: Map<string, ProgressTick>): string[] {
    const out: string[] = [];
    const emit = (key: string, value: string, line: string) => {
      if (this.seen.get(key) === value) return;
      this.seen.set(key, value);
      out.push(line);
    };
    for (const j of [...b.jobs].sort((x, y) => x.index - y.index)) {
      const p = this.ratchet.percent(j, ticks.get(j.id));
      const quarter = String(Math.floor(p / 25) * 25);
      emit(`job:${j.id}`, `${j.status}:${quarter}`, `${j.fileName}: ${j.status} ${p.toFixed(0)}%${j.error ? ` (${j.error.code}: ${j.error.message})` : ""}`);
    }
    emit("batch", `${b.status}:${Math.floor(b.progress / 10)}`, `batch ${b.name}: ${b.status} ${b.progress.toFixed(0)}% (${b.counts.succeeded}/${b.counts.total} done, ${b.counts.failed} failed, ${b.counts.cancelled} cancelled)`);
    return out;
  }
}

/** `emberflow show`: a readable summary of one batch. */
export function describeBatch(b: BatchView, baseUrl: string): string[] {
  const c = b.counts;
  const lines = [
    `${b.name} (${b.id})`,
    `  status ${b.status}, ${b.progress.toFixed(0)}%, template ${b.template.toLowerCase()}, formats ${b.formats.map((f) => f.toLowerCase()).join(", ")}`,
    `  jobs ${c.total}: ${c.succeeded} succeeded, ${c.running} running, ${c.queued} queued, ${c.failed} failed, ${c.cancelled} cancelled`,
    `  created ${b.createdAt}${b.completedAt ? `, ended ${b.completedAt}` : ""}`,
    `  dashboard ${baseUrl}/#/batches/${b.id}`,
  ];
  for (const j of [...b.jobs].sort((x, y) => x.index - y.index)) {
    lines.push(`  - ${j.fileName}: ${j.status} ${j.progress.toFixed(0)}%${j.attempts ? `, ${j.attempts} failed attempts` : ""}`);
    if (j.error) lines.push(`      error ${j.error.code} (${j.error.stage}): ${j.error.message}`);
    for (const o of j.outputs) lines.push(`      ${o.format.toLowerCase()}: ${baseUrl}${o.url} (${o.bytes} bytes)${o.driveUrl ? ` drive ${o.driveUrl}` : ""}`);
    if (j.transcript) lines.push(`      transcript (${j.transcript.language}): ${j.transcript.text.slice(0, 200)}`);
  }
  for (const d of b.deliveries) lines.push(`  delivery ${d.integration} -> ${d.target}: ${d.status} (${d.attempts} attempts)${d.lastError ? ` ${d.lastError}` : ""}`);
  return lines;
}
