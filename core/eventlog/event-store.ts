import { headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { uuidv7 } from "uuidv7";
import type { AggregateType, DomainEvent, EventEnvelope, EventMetadata, RecordedEvent } from "../../domain/shared/envelope";
import { currentVersion } from "../../domain/shared/upcasters";
import { decodeEnvelope, encodeEnvelope } from "./codec";
import { ConcurrencyConflictError } from "./errors";
import { aggregateSubjects, eventSubject, type EventLogNames } from "./subjects";

export interface AppendOptions {
  /** Stream sequence of the aggregate's last event as the caller saw it; 0 = must be new; "any" = no check. */
  readonly expectedVersion: number | "any";
  readonly metadata: EventMetadata;
  /** Metadata per event, when the events answer different commands (a group of commands appended together). */
  readonly metadataEach?: readonly EventMetadata[];
  /** Event ids to use (deterministic ids make a re-run of the same step a duplicate, not a new fact). */
  readonly ids?: readonly string[];
}

export interface AppendResult {
  /** Stream sequence of the last appended event: the aggregate's new version and the read-your-writes position. */
  readonly position: number;
  readonly events: readonly RecordedEvent[];
}

export interface LoadedStream {
  readonly events: readonly RecordedEvent[];
  /** Stream sequence of the last event, or `afterSeq` when nothing newer exists. */
  readonly version: number;
}

/** JetStream API error code for a failed expected-last-sequence check. */
const WRONG_LAST_SEQUENCE = 10071;
/** Most events asked for in one direct get while loading an aggregate. */
const MAX_LOAD_BATCH = 512;

/** The event log: append with optimistic concurrency, load one aggregate, read by position. */
export class EventStore {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  appended = 0;

  private constructor(readonly nc: NatsConnection, readonly names: EventLogNames, jsm: JetStreamManager) {
    this.js = jetstream(nc);
    this.jsm = jsm;
  }

  static async open(nc: NatsConnection, names: EventLogNames): Promise<EventStore> {
    return new EventStore(nc, names, await jetstreamManager(nc));
  }

  async append(type: AggregateType, id: string, events: readonly DomainEvent[], o: AppendOptions): Promise<AppendResult> {
    const envelopes = events.map(
      (e, i): EventEnvelope => ({
        id: o.ids?.[i] ?? uuidv7(),
        type: e.type,
        schemaVersion: currentVersion(e.type),
        aggregateType: type,
        aggregateId: id,
        data: e.data,
        metadata: o.metadataEach?.[i] ?? o.metadata,
      }),
    );
    // one publish per event, each checked against the one before: JetStream atomic batches would
    // save the round trips, but on nats-server 2.15 they were ~10x slower under many concurrent
    // appends (and timed out at 2,000 in flight), so they are not used
    const seqs = await this.publishChained(envelopes, o.expectedVersion);
    const recorded = envelopes.map((e, i): RecordedEvent => ({ ...e, seq: seqs[i]! }));
    this.appended += recorded.length;
    return { position: recorded.at(-1)?.seq ?? 0, events: recorded };
  }

  private async publishChained(envelopes: readonly EventEnvelope[], expectedVersion: number | "any"): Promise<number[]> {
    const seqs: number[] = [];
    let expected = expectedVersion;
    for (const e of envelopes) {
      const seq = await this.publish(e, expected).catch((err: unknown) => {
        if (err instanceof ConcurrencyConflictError) err.stored = seqs.length;
        throw err;
      });
      seqs.push(seq);
      // chain the check: a writer that slips in between our events makes the rest conflict
      expected = seq;
    }
    return seqs;
  }

  private headersFor(e: EventEnvelope) {
    const h = headers();
    h.set("Nats-Msg-Id", e.id);
    h.set("Ef-Event-Type", e.type);
    return h;
  }

  private async publish(e: EventEnvelope, expected: number | "any"): Promise<number> {
    const subject = eventSubject(this.names, e.aggregateType, e.aggregateId, e.type);
    const h = this.headersFor(e);
    try {
      const ack = await this.js.publish(subject, encodeEnvelope(e), {
        headers: h,
        expect:
          expected === "any"
            ? { streamName: this.names.stream }
            : {
                streamName: this.names.stream,
                lastSubjectSequence: expected,
                lastSubjectSequenceSubject: aggregateSubjects(this.names, e.aggregateType, e.aggregateId),
              },
      });
      return ack.seq; // a duplicate Msg-Id returns the original's seq: a retried publish is not a new fact
    } catch (err) {
      if (isWrongLastSequence(err)) throw new ConcurrencyConflictError(subject, expected === "any" ? -1 : expected, err);
      throw err;
    }
  }

  /**
   * Events of one aggregate after `afterSeq`, in order (batched direct get, no consumer). Asks for
   * exactly as many events as exist: the first answer's `Nats-Num-Pending` says how many more match.
   * A batch asking for more than exist makes the server scan the rest of the stream for a match that
   * never comes (a wildcard filter has no per-subject index to stop at): measured 0.5 ms of server
   * CPU per load at 24,000 events, growing with the log, against 0.03 ms this way.
   */
  async load(type: AggregateType, id: string, afterSeq = 0): Promise<LoadedStream> {
    const filter = aggregateSubjects(this.names, type, id);
    const events: RecordedEvent[] = [];
    let next = afterSeq + 1;
    let want = 1;
    while (want > 0) {
      const batch = Math.min(want, MAX_LOAD_BATCH);
      let got = 0;
      let pending = 0;
      try {
        const it = await this.jsm.direct.getBatch(this.names.stream, { seq: next, next_by_subj: filter, batch });
        for await (const m of it) {
          events.push(decodeEnvelope(m.data, m.seq));
          next = m.seq + 1;
          got++;
          pending = m.header?.has("Nats-Num-Pending") ? Number(m.header.get("Nats-Num-Pending")) : NaN;
        }
      } catch (err) {
        if (!isNoMessage(err)) throw err;
      }
      if (got === 0) break;
      // a server that sends no count: keep paging until a short page
      want = Number.isInteger(pending) && pending >= 0 ? pending : got === batch ? MAX_LOAD_BATCH : 0;
    }
    return { events, version: events.at(-1)?.seq ?? afterSeq };
  }

  /** One event by its stream position (used to retry a dead letter). */
  async get(seq: number): Promise<RecordedEvent | null> {
    try {
      const m = await this.jsm.direct.getMessage(this.names.stream, { seq });
      // a missing sequence comes back as an empty message with a 404 status header
      return m && m.data.length > 0 ? decodeEnvelope(m.data, m.seq) : null;
    } catch (err) {
      if (isNoMessage(err)) return null;
      throw err;
    }
  }

  /** Position of the newest event in the log (0 when empty). */
  async lastPosition(): Promise<number> {
    const info = await this.jsm.streams.info(this.names.stream);
    return info.state.last_seq;
  }
}

function isWrongLastSequence(err: unknown): boolean {
  const e = err as { code?: number; apiError?: () => { err_code?: number }; message?: string };
  const code = typeof e?.apiError === "function" ? e.apiError().err_code : undefined;
  return code === WRONG_LAST_SEQUENCE || /wrong last sequence/i.test(e?.message ?? "");
}

function isNoMessage(err: unknown): boolean {
  const e = err as { message?: string; code?: number };
  return /no message found|message not found|404/i.test(e?.message ?? "") || e?.code === 404;
}
