import { join, resolve, sep } from "node:path";

/**
 * Where media lives on the shared volume (DATA_DIR; workers on other machines mount the same path).
 * Uploads are content-addressed by sha256; outputs and posters share one folder whose file names are
 * versioned so nothing is ever overwritten. Every path is built here and checked against its root.
 */
export interface MediaRoots {
  readonly dataDir: string;
  /** RENDER_OUTPUT_DIR, or `<dataDir>/outputs`. */
  readonly outputDir: string;
}

export function mediaRoots(dataDir: string, outputDir?: string | null): MediaRoots {
  const d = resolve(dataDir);
  return { dataDir: d, outputDir: resolve(outputDir ?? join(d, "outputs")) };
}

const SHA256 = /^[a-f0-9]{64}$/;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export const uploadsDir = (r: MediaRoots) => join(r.dataDir, "uploads");
export const uploadTmpDir = (r: MediaRoots) => join(r.dataDir, "uploads", "tmp");

export function uploadBlobPath(r: MediaRoots, sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`Not a sha256 hex digest: ${JSON.stringify(sha256)}`);
  return join(r.dataDir, "uploads", "blobs", sha256.slice(0, 2), sha256);
}

export function uploadMetaPath(r: MediaRoots, uploadId: string): string {
  return within(join(r.dataDir, "uploads", "meta"), `${safeName(uploadId)}.json`);
}

/** An output or poster by its published file name (as recorded in OutputRendered). */
export function outputPath(r: MediaRoots, fileName: string): string {
  return within(r.outputDir, safeName(fileName));
}

export function safeName(name: string): string {
  if (!SAFE_NAME.test(name) || name.includes("..")) throw new Error(`Unsafe file name: ${JSON.stringify(name)}`);
  return name;
}

/** Joins and refuses anything that would leave `root` (defence in depth behind safeName). */
export function within(root: string, name: string): string {
  const p = resolve(root, name);
  if (!p.startsWith(resolve(root) + sep)) throw new Error(`Path escapes its storage root: ${JSON.stringify(name)}`);
  return p;
}
