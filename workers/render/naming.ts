/**
 * Output file naming: `YYYYMMDD_<name>_<format>_v<N>.mp4` (poster: same stem, `.png`).
 *
 * Fixes the seed's naming bugs (seed inventory §3, §11.7):
 * - the extension is stripped once, and only when it is a known media extension, so a name that
 *   was already stripped upstream (`Mr. Smith Talk`) keeps its dotted words;
 * - non-ASCII letters are transliterated (any-ascii) instead of collapsing to `''`;
 * - a name that still sanitises to nothing falls back to a stable id derived from the job id or
 *   content hash, so re-renders of the same job get the same stem;
 * - the name is capped in length;
 * - the date is the batch's creation date in UTC, never the worker's local date.
 */
import { createHash } from "node:crypto";
import anyAscii from "any-ascii";
import { FORMAT_IDS, type FormatId } from "../../domain/formats.js";

export const MAX_NAME_LENGTH = 60;

/** Extensions of files a creator may upload (and containers FFmpeg reads), stripped from display names. */
const MEDIA_EXTENSIONS = new Set([
  "mp3", "wav", "wave", "ogg", "oga", "opus", "flac", "m4a", "m4b", "aac", "aif", "aiff", "wma", "webm", "mp4", "mka", "caf",
]);

export function stripMediaExtension(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName; // a path may come in; keep the last segment
  const m = /^(.*)\.([A-Za-z0-9]{1,5})$/.exec(base);
  return m && MEDIA_EXTENSIONS.has(m[2].toLowerCase()) ? m[1] : base;
}

/** Stable short id for names that sanitise to nothing (e.g. `!!!.mp3`, emoji-only names). */
export function fallbackName(seed: string): string {
  return `audio_${createHash("sha256").update(seed).digest("hex").slice(0, 10)}`;
}

export interface SanitizeOptions {
  /** Job id or content hash used to derive a stable fallback when the name sanitises to nothing. */
  fallbackSeed: string;
  maxLength?: number;
}

/** Sanitises a display name exactly once into `[a-z0-9_]+`, never empty, at most `maxLength` chars. */
export function sanitizeName(displayName: string, options: SanitizeOptions): string {
  const max = options.maxLength ?? MAX_NAME_LENGTH;
  const ascii = anyAscii(stripMediaExtension(displayName.normalize("NFC")));
  let name = ascii
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase()
    .replace(/^_+|_+$/g, "");
  if (name.length > max) name = name.slice(0, max).replace(/_+$/, "");
  return name || fallbackName(options.fallbackSeed);
}

/** `YYYYMMDD` of the instant in UTC (`2026-01-27T23:30:00-05:00` -> `20260128`). */
export function utcDateStamp(iso: string | Date): string {
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) throw new TypeError(`Invalid batch creation date: ${String(iso)}`);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}

/** The version-less stem `YYYYMMDD_<name>_<format>`; append `_v<N>.mp4` to get a file name. */
export function outputPrefix(input: {
  batchCreatedAt: string | Date;
  displayName: string;
  formatId: FormatId;
  fallbackSeed: string;
}): string {
  const name = sanitizeName(input.displayName, { fallbackSeed: input.fallbackSeed });
  return `${utcDateStamp(input.batchCreatedAt)}_${name}_${input.formatId}`;
}

export function versionedFileName(prefix: string, version: number, ext: "mp4" | "png" = "mp4"): string {
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`Version must be a positive integer, got ${version}`);
  return `${prefix}_v${version}.${ext}`;
}

export interface ParsedFileName {
  date: string;
  name: string;
  formatId: FormatId;
  version: number;
  ext: "mp4" | "png";
}

// Longest ids first so `flat_1080p_vertical` is never read as `flat_1080p` + junk.
const FORMAT_ALT = [...FORMAT_IDS].sort((a, b) => b.length - a.length).join("|");
const FILE_RE = new RegExp(`^(\\d{8})_(.+)_(${FORMAT_ALT})_v([1-9]\\d*)\\.(mp4|png)$`);

export function parseFileName(fileName: string): ParsedFileName | null {
  const m = FILE_RE.exec(fileName);
  if (!m) return null;
  return { date: m[1], name: m[2], formatId: m[3] as FormatId, version: Number(m[4]), ext: m[5] as "mp4" | "png" };
}

/** Version of `fileName` if it is `<prefix>_v<N>.mp4|png`, else undefined. */
export function versionOf(prefix: string, fileName: string): number | undefined {
  if (!fileName.startsWith(`${prefix}_v`)) return undefined;
  const m = /^_v([1-9]\d*)\.(mp4|png)$/.exec(fileName.slice(prefix.length));
  return m ? Number(m[1]) : undefined;
}

/** Highest version among `names` for `prefix` plus one (1 when none): where publishing starts trying. */
export function nextVersion(prefix: string, names: Iterable<string>): number {
  let max = 0;
  for (const n of names) max = Math.max(max, versionOf(prefix, n) ?? 0);
  return max + 1;
}
