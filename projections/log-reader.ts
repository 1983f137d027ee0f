import { DeliverPolicy, type ConsumerMessages } from "@nats-io/jetstream";
import type { RecordedEvent } from "../domain/shared/envelope";
import type { EventStore } from "../core/eventlog/event-store";
import { decodeEnvelope } from "../core/eventlog/codec";
import { allEvents } from "../core/eventlog/subjects";

export interface LogReaderOptions {
  readonly store: EventStore;
  /** First stream sequence wanted (checkpoint + 1). */
  readonly fromSeq: number;
  /** Most events handed over at once (one SQLite transaction). */
  readonly maxBatch?: number;
  /** Longest an event waits in the buffer while more are still arriving. */
  readonly flushMs?: number;
  /** Called synchronously with each run of events, in log order; a throw stops the reader. */
  readonly onBatch: (events: RecordedEvent[]) => void;
}

export interface LogReader {
  /** Settles when the reader stops: resolved after stop(), rejected with the first error. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads the whole log from `fromSeq` with an ordered consumer (ephemeral, flow-controlled, recreated
 * by the client on gaps or reconnects) and hands runs of events over in batches: a batch is flushed
 * when it is full, when the consumer has nothing pending (caught up), or after `flushMs`.
 */
export async function startLogReader(o: LogReaderOptions): Promise<LogReader> {
  const { store } = o;
  const maxBatch = o.maxBatch ?? 500;
  const flushMs = o.flushMs ?? 5;
  const consumer = await store.js.consumers.get(store.names.stream, {
    filter_subjects: [allEvents(store.names)],
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, o.fromSeq),
  });
  const messages: ConsumerMessages = await consumer.consume({ max_messages: Math.max(1000, maxBatch * 2) });
  let buffer: RecordedEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let failed: unknown = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer.length === 0 || failed) return;
    const events = buffer;
    buffer = [];
    try {
      o.onBatch(events);
    } catch (err) {
      failed = err;
      void messages.close();
    }
  };

  const done = (async () => {
    for await (const m of messages) {
      if (failed) break;
      try {
        buffer.push(decodeEnvelope(m.data, m.seq));
      } catch (err) {
        // an event this code cannot read (e.g. a newer schema version): stop rather than skip a fact
        flush();
        failed = new Error(`Cannot decode event at stream seq ${m.seq}: ${(err as Error).message}`, { cause: err });
        break;
      }
      if (buffer.length >= maxBatch || m.info.pending === 0) flush();
      else timer ??= setTimeout(flush, flushMs);
    }
    flush();
    if (failed) {
      await messages.close().catch(() => undefined);
      throw failed;
    }
  })();

  return {
    done,
    async stop() {
      await messages.close().catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
}
