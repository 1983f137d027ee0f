/**
 * The video description derived from a transcript (seed §4.4), with the seed's faults fixed:
 * only ONE known media extension is dropped ("talk.final.mp3" keeps "talk.final", "Mr. Smith Talk"
 * stays whole), the excerpt is cut at a word boundary, short audio no longer reads "0 minutes",
 * and the language is spelled out.
 */
import { stripMediaExtension } from "../render/naming";

export const EXCERPT_MAX_CHARS = 500;
export const TRAILER = "---\nCreated with emberflow";

export interface DescriptionInput {
  readonly fileName: string;
  readonly text: string;
  readonly durationSeconds: number;
  readonly language: string;
}

export function formatDescription(t: DescriptionInput): string {
  const excerpt = excerptOf(t.text);
  const lines = [titleOf(t.fileName), ""];
  if (excerpt) lines.push(excerpt, ""); // silence: no empty paragraph
  lines.push(`Duration: ${formatDuration(t.durationSeconds)}`, `Language: ${languageName(t.language)}`, "", TRAILER);
  return lines.join("\n");
}

/**
 * The base name (an upload may carry a folder path) without its extension, when it has a known
 * media one: uploads may come without an extension, and "Mr. Smith Talk" has no ".Smith Talk" to
 * drop. The same rule as the output file names (render/naming.ts), so title and file agree.
 */
export function titleOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return stripMediaExtension(base) || base; // ".mp3" alone: keep it rather than an empty title
}

/** Whitespace collapsed; over the limit: cut at the last word boundary within it, then "...". */
export function excerptOf(text: string, max = EXCERPT_MAX_CHARS): string {
  const clean = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(clean); // code points: never split a surrogate pair (emoji, CJK extension B)
  if (chars.length <= max) return clean;
  const head = chars.slice(0, max).join("");
  // the cut is on a boundary when the next character is a space; otherwise go back to the last space
  const next = chars[max];
  const cut = next === " " ? head : head.slice(0, Math.max(head.lastIndexOf(" "), 0)) || head;
  return `${cut.replace(/[\s,;:]+$/, "")}...`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** "45 seconds", "1 minute 30 seconds", "3 minutes", "1 hour 5 minutes": never "0 minutes". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(Number.isFinite(seconds) ? seconds : 0));
  if (total < 60) return plural(total, "second");
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? plural(h, "hour") : "", m ? plural(m, "minute") : "", s ? plural(s, "second") : ""];
  return parts.filter(Boolean).join(" ");
}

const names = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
  } catch {
    return null; // a Node built without ICU data: codes are still readable
  }
})();

/** "en" -> "English"; an unknown or odd code (whisper's "jw") is shown as it is. */
export function languageName(code: string): string {
  const c = code.trim();
  if (!c) return "unknown";
  try {
    return names?.of(c) ?? c;
  } catch {
    return c; // not a well-formed BCP 47 tag
  }
}
