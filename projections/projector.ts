import type { RecordedEvent } from "../domain/shared/envelope";
import type { EventStore } from "../core/eventlog/event-store";
import type { Logger } from "../core/log/logger";
import type { ReadModel } from "./read-model";
import { startLogReader, type LogReader } from "./log-reader";

/** A run of events committed to the read model together. */
export interface AppliedBatch {
  /** Stream seq of the first and last event in the run (there may be gaps between). */
  readonly from: number;
  readonly to: number;
  readonly events: RecordedEvent[];
}

export interface ProjectorOptions {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  readonly logger: Logger;
  /** Events per transaction while catching up (default 500). */
  readonly maxBatch?: number;
  /** Longest an event waits for more to batch with (default 5 ms). */
  readonly flushMs?: number;
}

export interface Projector {
  /** Called after each commit, in log order; returns an unsubscribe function. */
  onApplied(listener: (batch: AppliedBatch) => void): () => void;
  /** Read-your-writes: true once the checkpoint reaches `position`, false after `timeoutMs` or on stop. */
  waitFor(position: number, timeoutMs: number): Promise<boolean>;
  /** How far behind the log the read model is: stream last seq - checkpoint (never negative). */
  lag(): Promise<number>;
  /** The checkpoint: last applied stream seq. */
  position(): number;
  /** Why the projector stopped by itself (an event it cannot decode or apply), else null. */
  failure(): Error | null;
  /** Stops reading; whatever was already received is applied first. */
  stop(): Promise<void>;
}

interface Waiter {
  readonly position: number;
  readonly resolve: (reached: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Keeps one read-model file up to date with the log. Starts after the checkpoint stored in the file,
 * so a restart (or a crash) resumes exactly where the last commit left off; each run of events and
 * its checkpoint commit in one transaction, so nothing is applied twice or lost.
 */
export async function startProjector(o: ProjectorOptions): Promise<Projector> {
  const { readModel } = o;
  const log = o.logger.child({ component: "projector" });
  const listeners = new Set<(b: AppliedBatch) => void>();
  let waiters: Waiter[] = [];
  let failure: Error | null = null;
  let stopped = false;

  const settleWaiters = (all: boolean) => {
    const at = readModel.position();
    const keep: Waiter[] = [];
    for (const w of waiters) {
      if (at >= w.position || all) {
        clearTimeout(w.timer);
        w.resolve(at >= w.position);
      } else keep.push(w);
    }
    waiters = keep;
  };

  const onBatch = (events: RecordedEvent[]) => {
    const before = readModel.position();
    const { applied } = readModel.applyEvents(events);
    if (applied === 0) return;
    // listeners see only what was committed, and only events newer than the previous checkpoint
    const fresh = applied === events.length ? events : events.filter((e) => e.seq > before);
    const batch: AppliedBatch = { from: fresh[0]!.seq, to: fresh[fresh.length - 1]!.seq, events: fresh };
    for (const l of listeners) {
      try {
        l(batch);
      } catch (err) {
        log.error("onApplied listener threw; the projection is committed and carries on", { error: err });
      }
    }
    settleWaiters(false);
  };

  const start = readModel.position() + 1;
  log.info("projector starting", { fromSeq: start });
  const reader: LogReader = await startLogReader({ store: o.store, fromSeq: start, maxBatch: o.maxBatch, flushMs: o.flushMs, onBatch });
  reader.done.then(
    () => undefined,
    (err: unknown) => {
      failure = err instanceof Error ? err : new Error(String(err));
      // strict on purpose: skipping an event would make this file differ from a rebuild for good
      log.error("projector stopped: fix the cause, then restart (the checkpoint is intact)", {
        error: failure.message,
        position: readModel.position(),
      });
      settleWaiters(true);
    },
  );

  return {
    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitFor(position, timeoutMs) {
      if (readModel.position() >= position) return Promise.resolve(true);
      if (stopped || failure) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== resolve);
          resolve(readModel.position() >= position);
        }, timeoutMs);
        waiters.push({ position, resolve, timer });
      });
    },
    async lag() {
      const last = await o.store.lastPosition();
      return Math.max(0, last - readModel.position());
    },
    position: () => readModel.position(),
    failure: () => failure,
    async stop() {
      if (stopped) return;
      stopped = true;
      await reader.stop();
      settleWaiters(true);
      listeners.clear();
      log.info("projector stopped", { position: readModel.position() });
    },
  };
}
