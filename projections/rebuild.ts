import { existsSync, renameSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import type { EventStore } from "../core/eventlog/event-store";
import { openReadModel, type ReadModel } from "./read-model";
import { feedRebuildWorker } from "./rebuild-feed";

export interface RebuildProgress {
  readonly position: number;
  /** Stream last seq when the rebuild started: 100% means caught up with it. */
  readonly target: number;
  readonly percent: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly elapsedMs: number;
}

export interface RebuildOptions {
  readonly store: EventStore;
  /** The live read-model file; the rebuild goes to a fresh `<path>.rebuild-<n>` next to it. */
  readonly path: string;
  readonly onProgress?: (p: RebuildProgress) => void;
  readonly progressEveryMs?: number;
  /** Events per transaction (default 5,000: a rebuild has no readers to keep waiting). */
  readonly maxBatch?: number;
}

export interface RebuildResult extends RebuildProgress {
  /** The rebuilt file (before a swap) or the live path (after rebuildAndSwap). */
  readonly file: string;
}

export function freshRebuildPath(path: string): string {
  for (let n = 1; ; n++) if (!existsSync(`${path}.rebuild-${n}`)) return `${path}.rebuild-${n}`;
}

/**
 * Builds every read model from sequence 1 into a fresh file, up to the log's last seq at start
 * (events appended meanwhile are picked up by the projector once the file is swapped in, since
 * the checkpoint travels in the file). The main thread reads, a worker thread decodes and writes
 * (rebuild-feed.ts). Strict: an event that fails stops the rebuild and leaves the live file untouched.
 */
export async function rebuildReadModel(o: RebuildOptions): Promise<RebuildResult> {
  const file = freshRebuildPath(o.path);
  const target = await o.store.lastPosition();
  const started = performance.now();
  let events = 0;
  let position = 0;
  let lastReport = 0;
  const progress = (): RebuildProgress => {
    const elapsedMs = performance.now() - started;
    return {
      position,
      target,
      percent: target === 0 ? 100 : Math.min(100, Math.round((1000 * position) / target) / 10),
      events,
      eventsPerSecond: elapsedMs > 0 ? Math.round((events * 1000) / elapsedMs) : 0,
      elapsedMs: Math.round(elapsedMs),
    };
  };
  try {
    position = await feedRebuildWorker({
      store: o.store,
      file,
      target,
      maxBatch: o.maxBatch ?? 5000,
      onApplied(applied, at) {
        events += applied;
        position = at;
        const now = performance.now();
        if (o.onProgress && now - lastReport >= (o.progressEveryMs ?? 1000)) {
          lastReport = now;
          o.onProgress(progress());
        }
      },
    });
    const result = { ...progress(), file };
    o.onProgress?.(result);
    return result;
  } catch (err) {
    removeDatabaseFiles(file); // the worker has stopped: nothing holds the file any more
    throw err;
  }
}

export function removeDatabaseFiles(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
}

/** Thrown when the live read-model file is still open elsewhere (a running server). */
export class ReadModelInUseError extends Error {
  override readonly name = "ReadModelInUseError";
}

/**
 * Refuses when another connection (a running server, in any process) has the live file open: the
 * swap would replace the file under it, and it would go on serving the old one. Leaving WAL needs
 * the only connection to the file, so asking for it is the question "is anyone else here?"; when
 * nobody is, the change is harmless, as the file is about to be replaced.
 */
function assertReadModelNotInUse(livePath: string): void {
  if (!existsSync(livePath)) return;
  let db: Database.Database | null = null;
  try {
    db = new Database(livePath, { fileMustExist: true, timeout: 0 });
    const mode = db.pragma("journal_mode = DELETE", { simple: true });
    if (mode !== "delete") throw new Error(`journal mode stayed ${String(mode)}`);
  } catch (err) {
    throw new ReadModelInUseError(
      `${livePath} is open in another process (a running server?): stop it, then rebuild again, or pass --no-swap and swap while it is stopped. (${(err as Error).message})`,
    );
  } finally {
    db?.close();
  }
}

/**
 * Moves a rebuilt file over the live one (rename is atomic on one filesystem). The live file's
 * -wal/-shm go first: left behind, SQLite would replay the old WAL into the new file. Nothing may
 * have the live file open (checked: a ReadModelInUseError, and the rebuilt file is removed): stop
 * the server, or use rebuildAndSwap with `beforeSwap` closing it.
 */
export function swapReadModelFile(rebuiltFile: string, livePath: string): void {
  try {
    assertReadModelNotInUse(livePath);
  } catch (err) {
    removeDatabaseFiles(rebuiltFile);
    throw err;
  }
  rmSync(`${livePath}-wal`, { force: true });
  rmSync(`${livePath}-shm`, { force: true });
  renameSync(rebuiltFile, livePath);
}

export interface RebuildAndSwapOptions extends RebuildOptions {
  /** In-process use (a server): stop the projector and close the live ReadModel here. */
  readonly beforeSwap?: () => void | Promise<void>;
}

/** Rebuild, swap in, and open the new file: the caller starts a projector on the returned ReadModel. */
export async function rebuildAndSwap(o: RebuildAndSwapOptions): Promise<{ result: RebuildResult; readModel: ReadModel }> {
  const built = await rebuildReadModel(o);
  await o.beforeSwap?.();
  swapReadModelFile(built.file, o.path);
  return { result: { ...built, file: o.path }, readModel: openReadModel(o.path) };
}
