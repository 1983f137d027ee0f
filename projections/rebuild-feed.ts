import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DeliverPolicy } from "@nats-io/jetstream";
import type { EventStore } from "../core/eventlog/event-store";
import { allEvents } from "../core/eventlog/subjects";
import type { FromWorker, RebuildWorkerData, ToWorker } from "./rebuild-worker";

export interface FeedOptions {
  readonly store: EventStore;
  readonly file: string;
  /** Last stream seq to apply. */
  readonly target: number;
  /** Events per chunk, and so per transaction in the worker. */
  readonly maxBatch: number;
  /** After each committed chunk, in order. */
  readonly onApplied: (applied: number, position: number) => void;
}

/**
 * The worker's entry is TypeScript, run through tsx like every entry point of this project. On Node 20
 * an `--import tsx` in a worker's execArgv does not reach the worker's own entry, so the worker starts
 * as a line of JavaScript that loads the entry through tsx's CommonJS API: a synchronous require hook
 * in the worker itself, where the ESM API would start a loader thread of its own first (about 190 ms
 * before the first chunk is applied, against 80 ms this way, measured here).
 */
function bootstrap(): string {
  const req = createRequire(import.meta.url);
  const api = req.resolve("tsx/cjs/api");
  const entry = fileURLToPath(new URL("./rebuild-worker.ts", import.meta.url));
  return `require(${JSON.stringify(api)}).register({ namespace: "emberflow-rebuild" }).require(${JSON.stringify(entry)}, ${JSON.stringify(entry)});`;
}

/** Chunks handed over but not yet committed: enough to keep reading while the worker thread starts (~0.1 s) and to keep it busy, few enough to bound memory (~4 x 5,000 events). */
const MAX_IN_FLIGHT = 4;

/**
 * Reads the log from seq 1 to `target` with an ordered consumer, without decoding, and has a worker
 * thread (rebuild-worker.ts) decode and apply it into `file`. Resolves with the final position once the
 * worker has built the indexes and closed the file; rejects on the first error, with the worker stopped.
 */
export async function feedRebuildWorker(o: FeedOptions): Promise<number> {
  const data: RebuildWorkerData = { file: o.file };
  const worker = new Worker(bootstrap(), { eval: true, workerData: data });
  let inFlight = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let settle!: { resolve: (position: number) => void; reject: (err: Error) => void };
  const finished = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
  finished.catch(() => undefined); // observed below; a failure while reading must not count as unhandled
  const fail = (err: Error) => {
    failure ??= err;
    settle.reject(failure);
    wake?.();
  };
  worker.on("message", (m: FromWorker) => {
    if (m.kind === "applied") {
      inFlight--;
      o.onApplied(m.applied, m.position);
      wake?.();
    } else if (m.kind === "done") settle.resolve(m.position);
    else fail(new Error(m.message));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`The rebuild worker exited (code ${code}) before it finished.`)));

  try {
    if (o.target > 0) await readInto(o, worker, () => failure, async () => {
      while (inFlight >= MAX_IN_FLIGHT && !failure) await new Promise<void>((r) => (wake = r));
    }, () => inFlight++);
    if (failure) throw failure;
    worker.postMessage({ kind: "finish" } satisfies ToWorker);
    return await finished;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
}

/** The reading half: copies each message into the current chunk and ships full chunks (the buffers move, no copy). */
async function readInto(o: FeedOptions, worker: Worker, failed: () => Error | null, room: () => Promise<void>, shipped: () => void) {
  const { store } = o;
  const consumer = await store.js.consumers.get(store.names.stream, {
    filter_subjects: [allEvents(store.names)],
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: 1,
  });
  const messages = await consumer.consume({ max_messages: Math.max(1000, o.maxBatch * 2) });
  let seqs: number[] = [];
  let ends: number[] = [];
  let bytes = new Uint8Array(new ArrayBuffer(1 << 22));
  let size = 0;
  const ship = () => {
    const chunk = { kind: "chunk", seqs: Float64Array.from(seqs), ends: Uint32Array.from(ends), bytes: bytes.slice(0, size) } as const;
    worker.postMessage(chunk satisfies ToWorker, [chunk.seqs.buffer, chunk.ends.buffer, chunk.bytes.buffer]);
    shipped();
    seqs = [];
    ends = [];
    size = 0;
  };
  let reached = false;
  try {
    for await (const m of messages) {
      if (failed()) break;
      const d = m.data;
      if (size + d.length > bytes.length) {
        const bigger = new Uint8Array(new ArrayBuffer(Math.max(bytes.length * 2, size + d.length)));
        bigger.set(bytes.subarray(0, size));
        bytes = bigger;
      }
      bytes.set(d, size); // a copy: the client's buffers are not ours to keep
      size += d.length;
      seqs.push(m.seq);
      ends.push(size);
      if (m.seq >= o.target) {
        reached = true;
        break;
      }
      if (seqs.length >= o.maxBatch) {
        ship();
        await room(); // stops pulling while the worker is behind: flow control pauses the server
      }
    }
    if (seqs.length > 0 && !failed()) ship();
  } finally {
    await messages.close().catch(() => undefined);
  }
  if (!reached && !failed()) throw new Error("The log reader stopped before the rebuild reached its target.");
}
