/**
 * Pure path and link helpers for Drive uploads. Layout:
 * `<remote>:<folder>/<YYYY>/<MM>/<batch folder>/<file>`, YYYY/MM from the batch's creation date in
 * UTC (the seed mixed local time and UTC), so every file of a batch lands in one folder even when
 * the batch runs past midnight at month end.
 */
import { pathToFileURL } from "node:url";
import { resolve as resolvePath } from "node:path";

export type BatchFolderNaming = "name-and-id" | "name" | "id";

export interface RemoteTarget {
  remote: string;
  /** Path inside the remote, without the `remote:` prefix. */
  path: string;
}

const FORBIDDEN = /[/\\:*?"<>|]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * Makes a single path segment safe on Drive, Windows sync clients and local disks while keeping
 * unicode (the seed sanitised non-ASCII names to ''). Separators, reserved characters and control
 * characters go; leading dots go (no `..`, no hidden folders); trailing dots and spaces go (Windows).
 */
export function sanitizeSegment(name: string, maxLength = 100): string {
  let s = name.normalize("NFC").replace(CONTROL, "").replace(FORBIDDEN, "_").replace(/\s+/g, " ").trim();
  s = s.replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");
  const chars = Array.from(s);
  return chars.length > maxLength ? chars.slice(0, maxLength).join("").trimEnd() : s;
}

/**
 * The batch's folder. Default `name (last 8 of id)`: names alone collide when two batches share a
 * name in one month (copyto would then overwrite the other batch's outputs), and the *last* id
 * characters are used because UUIDv7's first ones are a timestamp shared by batches made together.
 */
export function batchFolderName(batchName: string | undefined, batchId: string, naming: BatchFolderNaming = "name-and-id"): string {
  const safeId = sanitizeSegment(batchId) || "batch";
  const safeName = batchName ? sanitizeSegment(batchName, 80) : "";
  if (naming === "id" || !safeName) return safeId;
  if (naming === "name") return safeName;
  return `${safeName} (${safeId.slice(-8)})`;
}

export function yearMonth(createdAt: string | Date): { year: string; month: string } {
  const date = typeof createdAt === "string" ? new Date(createdAt) : createdAt;
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid batch creation date: ${String(createdAt)}`);
  return { year: String(date.getUTCFullYear()).padStart(4, "0"), month: String(date.getUTCMonth() + 1).padStart(2, "0") };
}

export interface TargetInput {
  remote: string;
  folder: string;
  batchId: string;
  batchName?: string;
  batchCreatedAt: string | Date;
  fileName: string;
  naming?: BatchFolderNaming;
}

export function buildRemoteTarget(input: TargetInput): RemoteTarget {
  const { year, month } = yearMonth(input.batchCreatedAt);
  const file = sanitizeSegment(input.fileName, 200);
  if (!file) throw new RangeError("file name is empty after sanitising");
  // The folder may hold slashes (`Emberflow/Renders`) and, on local remotes, be absolute: keep a
  // leading slash (on Drive `/x` and `x` are the same folder) and trim trailing ones.
  const folder = input.folder.replace(/\/+$/, "");
  const segments = [folder, year, month, batchFolderName(input.batchName, input.batchId, input.naming), file].filter(Boolean);
  return { remote: normalizeRemoteName(input.remote), path: segments.join("/") };
}

/** `gdrive`, `gdrive:` and `gdrive:` with spaces all mean the remote named `gdrive`. */
export function normalizeRemoteName(remote: string): string {
  return remote.trim().replace(/:+$/, "");
}

export function remoteSpec(target: RemoteTarget): string {
  return `${target.remote}:${target.path}`;
}

export interface LinkInput {
  target: RemoteTarget;
  /** Backend type from `rclone listremotes --long` (`drive`, `local`, `webdav`, `alias`, ...). */
  backend: string;
  /** The object's id from `rclone lsjson`, when the backend has ids. */
  id?: string;
  /** e.g. `https://example.com/files/{encodedPath}`; placeholders `{id} {remote} {path} {encodedPath} {name}`. */
  linkTemplate?: string;
}

/**
 * The link stored with the output. Drive file ids give a real file link (the seed stored a search
 * link, §11.9). Local remotes give a file:// URL; other id-less backends an `rclone://` URL that
 * names the exact object, unless a template says how that storage is browsed.
 */
export function buildFileLink(input: LinkInput): string {
  const { target } = input;
  const name = target.path.split("/").pop() ?? "";
  const encodedPath = target.path.split("/").map(encodeURIComponent).join("/");
  if (input.linkTemplate) {
    return input.linkTemplate
      .replaceAll("{id}", encodeURIComponent(input.id ?? ""))
      .replaceAll("{remote}", encodeURIComponent(target.remote))
      .replaceAll("{path}", target.path)
      .replaceAll("{encodedPath}", encodedPath)
      .replaceAll("{name}", encodeURIComponent(name));
  }
  if (input.backend === "drive" && input.id) return `https://drive.google.com/file/d/${encodeURIComponent(input.id)}/view`;
  if (input.backend === "local") return pathToFileURL(resolvePath(target.path)).href;
  return `rclone://${encodeURIComponent(target.remote)}/${encodedPath.replace(/^\/+/, "")}`;
}
