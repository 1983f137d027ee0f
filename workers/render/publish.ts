/**
 * Atomic, versioned, never-overwriting publish of a finished render (and its poster).
 *
 * The seed renamed over whatever was there, so two `intro.mp3` in one batch, or a re-render on the
 * same day, silently replaced each other (inventory §3, §11.7). Here the output is written to a
 * temporary file in the destination directory, then `link(tmp, final)` claims the name: link fails
 * with EEXIST when the name is taken, by anyone, on any worker sharing the directory, so we move on
 * to v<N+1>. Link is atomic and never replaces, unlike rename; readers never see a partial file.
 *
 * Idempotency: FFmpeg writes `comment=emberflow:<jobId>:<formatId>` into the MP4, and
 * findPublishedOutput() finds an earlier publish of the same job+format, so a job redelivered after
 * a crash returns that file instead of publishing v<N+1>.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, link, readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { outputFailed } from "./errors.js";
import { readMp4Comment } from "./mp4-boxes.js";
import { nextVersion, versionOf, versionedFileName } from "./naming.js";

const TMP_PREFIX = ".emberflow-tmp-";

export function jobComment(jobId: string, formatId: string): string {
  return `emberflow:${jobId}:${formatId}`;
}

/** A fresh temporary path in `dir` (hidden, never matching the published-name pattern). */
export function tempPath(dir: string, ext: "mp4" | "png"): string {
  return join(dir, `${TMP_PREFIX}${Date.now().toString(36)}-${randomBytes(6).toString("hex")}.${ext}`);
}

export async function removeQuietly(...paths: (string | undefined)[]): Promise<void> {
  await Promise.all(paths.map((p) => (p ? unlink(p).catch(() => undefined) : undefined)));
}

/** Exclusive-create link; falls back to an exclusive copy where hard links are unsupported. */
async function claim(tmp: string, final: string): Promise<boolean> {
  try {
    await link(tmp, final);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw err;
  }
  try {
    await copyFile(tmp, final, constants.COPYFILE_EXCL);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

export interface Published {
  path: string;
  fileName: string;
  version: number;
  posterPath?: string;
  bytes: number;
}

export interface PublishInput {
  dir: string;
  /** `YYYYMMDD_<name>_<format>` */
  prefix: string;
  videoTmp: string;
  posterTmp?: string;
  /** Give up after this many taken versions (a sign of something very wrong). */
  maxAttempts?: number;
}

export async function publishVersioned(input: PublishInput): Promise<Published> {
  const { dir, prefix, videoTmp, posterTmp, maxAttempts = 10_000 } = input;
  try {
    let version = nextVersion(prefix, await readdir(dir));
    for (let attempt = 0; attempt < maxAttempts; attempt++, version++) {
      const fileName = versionedFileName(prefix, version, "mp4");
      const path = join(dir, fileName);
      if (!(await claim(videoTmp, path))) continue;
      let posterPath: string | undefined;
      if (posterTmp) {
        posterPath = join(dir, versionedFileName(prefix, version, "png"));
        // A poster without its video (left by hand or by a crash elsewhere) holds this version:
        // release our video link (the inode is ours, nobody else links it) and take the next one.
        if (!(await claim(posterTmp, posterPath))) {
          await unlink(path);
          continue;
        }
      }
      await removeQuietly(videoTmp, posterTmp);
      const { size } = await stat(path);
      return { path, fileName, version, posterPath, bytes: size };
    }
    throw new Error(`no free version for ${prefix} after ${maxAttempts} attempts`);
  } catch (err) {
    throw outputFailed(`publish ${prefix} in ${dir}`, err);
  }
}

/** An already-published output of this job+format under `prefix`, identified by the MP4 comment tag. */
export async function findPublishedOutput(dir: string, prefix: string, jobId: string, formatId: string): Promise<Published | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const wanted = jobComment(jobId, formatId);
  const candidates = names
    .filter((n) => n.endsWith(".mp4"))
    .map((n) => ({ n, v: versionOf(prefix, n) }))
    .filter((c): c is { n: string; v: number } => c.v !== undefined)
    .sort((a, b) => a.v - b.v);
  for (const { n, v } of candidates) {
    const path = join(dir, n);
    const comment = await readMp4Comment(path).catch(() => undefined);
    if (comment !== wanted) continue;
    const posterName = versionedFileName(prefix, v, "png");
    const posterPath = names.includes(posterName) ? join(dir, posterName) : undefined;
    const { size } = await stat(path);
    return { path, fileName: n, version: v, posterPath, bytes: size };
  }
  return undefined;
}

/** Removes temporaries older than `maxAgeMs` left by crashed workers (call at worker start-up). */
export async function cleanupStaleTemps(dir: string, maxAgeMs = 6 * 3600_000): Promise<number> {
  let removed = 0;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names.filter((x) => x.startsWith(TMP_PREFIX))) {
    const p = join(dir, n);
    const s = await stat(p).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > maxAgeMs) {
      await removeQuietly(p);
      removed++;
    }
  }
  return removed;
}
