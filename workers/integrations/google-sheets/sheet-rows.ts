/**
 * Pure row mapping and upsert planning for the Sheets export. Columns A-J are the seed's (inventory
 * §7) so existing sheets and formulas keep working; K-M add the stable key and what n8n's phase 5
 * wanted (transcript language, video URL).
 */
export const SHEET_HEADERS = [
  "Date",
  "Audio Name",
  "Template",
  "Format",
  "Status",
  "File Name",
  "Google Drive URL",
  "Description",
  "Duration",
  "Batch ID",
  "Job ID",
  "Transcript language",
  "Video URL",
] as const;

export const LAST_COLUMN = String.fromCharCode("A".charCodeAt(0) + SHEET_HEADERS.length - 1);
const JOB_ID_COL = SHEET_HEADERS.indexOf("Job ID");
const FORMAT_COL = SHEET_HEADERS.indexOf("Format");

/** One row: one job's output in one format (a job renders one audio file into several formats). */
export interface SheetJobRow {
  jobId: string;
  batchId: string;
  /** ISO timestamp of the job's creation; the Date column is its UTC date. */
  createdAt: string;
  audioName: string;
  template: string;
  format: string;
  status: string;
  outputPath?: string | null;
  driveUrl?: string | null;
  description?: string | null;
  durationSeconds?: number | null;
  transcriptLanguage?: string | null;
  videoUrl?: string | null;
}

/**
 * m:ss, rounding the total first: the seed rounded only the seconds and could print `1:60`.
 * Hours roll into minutes (`75:03`), as the seed's column did; '' for unknown or zero.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (!seconds || !Number.isFinite(seconds) || seconds <= 0) return "";
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** Last path segment for both separators (the seed broke on Windows `\` paths). */
export function fileNameOf(path: string | null | undefined): string {
  if (!path) return "";
  return path.split(/[\\/]/).pop() ?? "";
}

export function toSheetValues(row: SheetJobRow): string[] {
  const date = new Date(row.createdAt);
  return [
    Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 10),
    row.audioName,
    row.template,
    row.format,
    row.status,
    fileNameOf(row.outputPath),
    row.driveUrl ?? "",
    (row.description ?? "").slice(0, 500),
    formatDuration(row.durationSeconds),
    row.batchId,
    row.jobId,
    row.transcriptLanguage ?? "",
    row.videoUrl ?? "",
  ];
}

/** Upsert key: Job ID plus Format, since a job has one row per output format. */
export function rowKey(values: readonly string[]): string | undefined {
  const jobId = values[JOB_ID_COL];
  return jobId ? `${jobId}\u0000${values[FORMAT_COL] ?? ""}` : undefined;
}

/**
 * A cell to write. `null` is a cell the exporter has no value for: Sheets skips null cells in a
 * ValueRange ("Null values will be skipped"), so whatever the sheet holds there stays. That is what
 * keeps a Video URL that n8n or a person wrote after publishing (the exporter never knows it), or a
 * Drive link this worker cannot see, and it needs no read-modify-write, so a write landing between
 * our read and our write is not undone either. An empty value therefore never erases a cell.
 */
export type SheetCell = string | null;

export interface UpsertPlan {
  /** Row 1 is empty or an older/shorter version of our header (the seed's A-J): write SHEET_HEADERS. */
  writeHeader: boolean;
  /** Row 1 holds something else: writing there would destroy someone's data, so the export stops. */
  headerConflict: boolean;
  /** 1-based sheet row numbers to overwrite in place (null cells are left as they are). */
  updates: { row: number; values: SheetCell[] }[];
  /** New keys, to be written from `firstNewRow` on (the row after the last used row of A:M). */
  appends: SheetCell[][];
  firstNewRow: number;
}

/** What the exporter writes for a row: its values, with "no value" as a skipped (null) cell. */
export function toWriteCells(values: readonly string[]): SheetCell[] {
  return values.map((v) => (v === "" ? null : v));
}

/**
 * `existing` is what values.get returned for `A:M` (row 1 = header; Sheets omits trailing empty
 * rows, so its length is the last used row). Rows already in the sheet are updated where they are;
 * new keys go after the last used row; repeated keys in the input collapse (last wins).
 */
export function planUpsert(existing: readonly (readonly string[])[], rows: readonly SheetJobRow[]): UpsertPlan {
  const header = existing[0] ?? [];
  const trimmed = header.slice(0, lastNonEmpty(header) + 1);
  const isPrefix = trimmed.every((cell, i) => cell === SHEET_HEADERS[i]);
  const writeHeader = isPrefix && trimmed.length < SHEET_HEADERS.length;
  const headerConflict = !isPrefix;
  const rowByKey = new Map<string, number>();
  existing.forEach((values, index) => {
    if (index === 0) return;
    const key = rowKey(values);
    // Keep the first occurrence: earlier duplicates (e.g. from the seed's append-only export) stay put.
    if (key && !rowByKey.has(key)) rowByKey.set(key, index + 1);
  });
  const latest = new Map<string, string[]>();
  for (const row of rows) {
    const values = toSheetValues(row);
    latest.set(rowKey(values) as string, values);
  }
  // Row 1 is the header even on an empty tab (it is written in the same call).
  const plan: UpsertPlan = { writeHeader, headerConflict, updates: [], appends: [], firstNewRow: Math.max(existing.length, 1) + 1 };
  for (const [key, values] of latest) {
    const rowNumber = rowByKey.get(key);
    if (rowNumber) plan.updates.push({ row: rowNumber, values: toWriteCells(values) });
    else plan.appends.push(toWriteCells(values));
  }
  return plan;
}

function lastNonEmpty(values: readonly string[]): number {
  for (let i = values.length - 1; i >= 0; i -= 1) if (values[i] !== "" && values[i] != null) return i;
  return -1;
}

/** A1 sheet name, always quoted so names with spaces, `!` or quotes work. */
export function quoteSheetName(tab: string): string {
  return `'${tab.replace(/'/g, "''")}'`;
}
