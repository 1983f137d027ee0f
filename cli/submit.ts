import { randomUUID } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { ApiError, type ApiClient, type UploadedFile } from "./api-client";
import type { SubmitOptions } from "./args";
import { CREATE_BATCH } from "./operations";

export const AUDIO_EXTENSIONS = new Set([".mp3", ".wav", ".ogg", ".oga", ".flac", ".m4a", ".aac", ".opus", ".webm"]);

export class RejectedFileError extends Error {
  override readonly name = "RejectedFileError";
}

/**
 * Folders contribute their audio files (sorted, not recursive); files named directly are always
 * taken. Relative paths are resolved against baseDir (where the command was typed).
 */
export async function collectFiles(paths: string[], baseDir: string = process.cwd()): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(baseDir, p);
    let st;
    try {
      st = await stat(abs);
    } catch {
      throw new RejectedFileError(`${p}: no such file or folder.`);
    }
    if (st.isDirectory()) {
      const names = (await readdir(abs)).filter((n) => AUDIO_EXTENSIONS.has(extname(n).toLowerCase()) && !n.startsWith(".")).sort();
      if (names.length === 0) throw new RejectedFileError(`${p}: the folder has no audio files (${[...AUDIO_EXTENSIONS].join(" ")}).`);
      files.push(...names.map((n) => join(abs, n)));
    } else files.push(abs);
  }
  return [...new Set(files)];
}

export interface SubmitResult {
  readonly batchId: string;
  readonly position: number;
  readonly replayed: boolean;
}

/** Uploads every file (streamed, one request each), then creates the batch in one mutation. */
export async function submitBatch(api: ApiClient, o: SubmitOptions, log: (line: string) => void): Promise<SubmitResult> {
  const files = await collectFiles(o.paths, o.baseDir);
  log(`uploading ${files.length} file${files.length === 1 ? "" : "s"} to ${o.formats.length} format${o.formats.length === 1 ? "" : "s"}`);
  const uploaded: UploadedFile[] = [];
  const rejected: string[] = [];
  for (const f of files) {
    try {
      const u = await api.upload(f);
      uploaded.push(u);
      log(`  uploaded ${u.fileName} (${u.size} bytes${u.durationSeconds !== null ? `, ${u.durationSeconds.toFixed(1)} s` : ""})`);
    } catch (e) {
      if (e instanceof ApiError && e.code === "NETWORK") throw e;
      rejected.push(`${basename(f)}: ${(e as Error).message}`);
      log(`  rejected ${basename(f)}: ${(e as Error).message}`);
    }
  }
  if (rejected.length) throw new RejectedFileError(`${rejected.length} file${rejected.length === 1 ? " was" : "s were"} rejected, so no batch was created:\n  ${rejected.join("\n  ")}`);
  const name = o.name ?? `${basename(resolve(o.baseDir, o.paths[0]!))} ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
  const r = await api.gql<{ createBatch: { position: number; replayed: boolean; batch: { id: string; name: string } } }>(CREATE_BATCH, {
    input: {
      name,
      items: uploaded.map((u) => ({ uploadId: u.id })),
      template: o.template,
      formats: o.formats,
      options: { transcribe: o.transcribe, syncToDrive: o.syncToDrive, notify: o.notify, exportToSheets: o.exportToSheets, quality: o.quality },
      idempotencyKey: o.idempotencyKey ?? randomUUID(),
    },
  });
  return { batchId: r.createBatch.batch.id, position: r.createBatch.position, replayed: r.createBatch.replayed };
}
