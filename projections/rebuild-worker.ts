/**
 * The SQLite half of a rebuild, in a worker thread: the main thread reads raw messages from NATS and
 * hands them over in chunks; this thread decodes and applies them. Decoding and SQLite cost twice what
 * the transport does, and run here while the main thread already reads the next chunk (two cores busy
 * instead of one). Decoded with the same codec and applied with the same ReadModel.applyEvents as the
 * live projector, so the file equals an incrementally built one.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { RecordedEvent } from "../domain/shared/envelope";
import { decodeEnvelope } from "../core/eventlog/codec";
import { openReadModel } from "./read-model";
import { deferSecondaryIndexes, finishBulkLoad, startBulkLoad } from "./sqlite/bulk-load";

/** Messages main -> worker. A chunk is `count` events: seqs[i], bytes[ends[i-1] .. ends[i]). */
export type ToWorker = { readonly kind: "chunk"; readonly seqs: Float64Array; readonly ends: Uint32Array; readonly bytes: Uint8Array } | { readonly kind: "finish" };
/** Messages worker -> main: one `applied` per chunk, in order; `done` after finish; `failed` ends the worker. */
export type FromWorker =
  | { readonly kind: "applied"; readonly applied: number; readonly position: number }
  | { readonly kind: "done"; readonly position: number }
  | { readonly kind: "failed"; readonly message: string };

export interface RebuildWorkerData {
  readonly file: string;
}

const port = parentPort!;
const { file } = workerData as RebuildWorkerData;
const rm = openReadModel(file);
startBulkLoad(rm.db);
const createIndexes = deferSecondaryIndexes(rm.db);
const send = (m: FromWorker) => port.postMessage(m);

function decodeChunk(c: Extract<ToWorker, { kind: "chunk" }>): RecordedEvent[] {
  const events: RecordedEvent[] = new Array(c.seqs.length);
  let start = 0;
  for (let i = 0; i < c.seqs.length; i++) {
    const seq = c.seqs[i]!;
    const end = c.ends[i]!;
    try {
      events[i] = decodeEnvelope(c.bytes.subarray(start, end), seq);
    } catch (err) {
      // same wording as the live log reader: the operator sees one message for one cause
      throw new Error(`Cannot decode event at stream seq ${seq}: ${(err as Error).message}`, { cause: err });
    }
    start = end;
  }
  return events;
}

port.on("message", (m: ToWorker) => {
  try {
    if (m.kind === "chunk") {
      const { applied, position } = rm.applyEvents(decodeChunk(m));
      send({ kind: "applied", applied, position });
      return;
    }
    createIndexes();
    finishBulkLoad(rm.db);
    const position = rm.position();
    rm.close();
    send({ kind: "done", position });
    port.close();
  } catch (err) {
    if (rm.db.open) rm.close();
    send({ kind: "failed", message: err instanceof Error ? err.message : String(err) });
    port.close();
  }
});
