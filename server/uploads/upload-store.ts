import { randomUUID } from "node:crypto";
import { access, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { UploadRef } from "../../domain/job/job-events";
import { uploadBlobPath, uploadMetaPath, uploadTmpDir, type MediaRoots } from "../../core/storage/media-paths";

/** What POST /uploads answers and keeps per upload id (next to the content-addressed blob). */
export interface UploadMeta {
  readonly id: string;
  readonly fileName: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly durationSeconds: number | null;
  readonly createdAt: string;
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Upload storage on the shared volume: blobs by sha256 (identical content stored once), metadata by id. */
export class UploadStore {
  constructor(readonly roots: MediaRoots) {}

  async tempPath(): Promise<string> {
    const dir = uploadTmpDir(this.roots);
    await mkdir(dir, { recursive: true });
    return `${dir}/${randomUUID()}.part`;
  }

  /** Moves a finished temp file to its blob path; the temp is dropped when the content is already stored. */
  async commitBlob(tempPath: string, sha256: string): Promise<void> {
    const blob = uploadBlobPath(this.roots, sha256);
    await mkdir(dirname(blob), { recursive: true });
    if (await exists(blob)) {
      await rm(tempPath, { force: true });
      return;
    }
    await rename(tempPath, blob);
  }

  async saveMeta(meta: UploadMeta): Promise<void> {
    const path = uploadMetaPath(this.roots, meta.id);
    await mkdir(dirname(path), { recursive: true });
    // write-then-rename, so a reader never sees half a file
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(meta));
    await rename(tmp, path);
  }

  /** The upload as a job refers to it; null for an unknown (or malformed) id. */
  async get(uploadId: string): Promise<UploadRef | null> {
    if (!UPLOAD_ID.test(uploadId)) return null;
    try {
      const m = JSON.parse(await readFile(uploadMetaPath(this.roots, uploadId), "utf8")) as UploadMeta;
      return { uploadId: m.id, fileName: m.fileName, size: m.size, sha256: m.sha256, contentType: m.contentType, durationSeconds: m.durationSeconds };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
