import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { allEvents, type EventLogNames } from "./subjects";

export interface EventStreamOptions {
  readonly names: EventLogNames;
  /** 1 on one machine, 3 on a cluster (docker-compose). Raised in place, never lowered. */
  readonly replicas: number;
  /** Dedup window for Nats-Msg-Id; idempotency beyond it comes from keyed ids and OCC. */
  readonly duplicateWindowMs?: number;
}

/**
 * Creates the event stream or brings an existing one up to date. Only settings that are safe to
 * change in place are updated; an event log is never limited, so old facts are never discarded.
 */
export async function ensureEventStream(jsm: JetStreamManager, o: EventStreamOptions): Promise<"created" | "updated" | "unchanged"> {
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: o.names.stream,
    subjects: [allEvents(o.names)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    num_replicas: o.replicas,
    duplicate_window: (o.duplicateWindowMs ?? 120_000) * 1_000_000,
    allow_direct: true,
    allow_rollup_hdrs: false,
    deny_delete: true,
    deny_purge: true,
  };
  let current: StreamConfig | null = null;
  try {
    current = (await jsm.streams.info(o.names.stream)).config;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!current) {
    await jsm.streams.add(wanted);
    return "created";
  }
  if (current.storage !== wanted.storage)
    throw new Error(`Stream ${o.names.stream} uses ${current.storage} storage; the event log needs file storage. Migrate it by hand.`);
  if (current.retention !== wanted.retention)
    throw new Error(`Stream ${o.names.stream} has ${current.retention} retention, which removes messages once consumed; the event log needs limits retention. Migrate it by hand.`);
  // subjects someone else added to the stream stay: ours are added, never swapped in for theirs
  const subjects = [...new Set([...(current.subjects ?? []), ...wanted.subjects!])];
  // replicas only go up: a node started without EVENT_STREAM_REPLICAS against a cluster must not
  // quietly turn the R3 event log into R1 (lowering them is an operator's decision, made by hand)
  const num_replicas = Math.max(current.num_replicas ?? 1, o.replicas);
  const target = { ...wanted, subjects, num_replicas };
  const changed = (Object.keys(target) as (keyof StreamConfig)[]).filter((k) => JSON.stringify(current![k]) !== JSON.stringify(target[k]));
  if (changed.length === 0) return "unchanged";
  await jsm.streams.update(o.names.stream, { ...current, ...target });
  return "updated";
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; code?: number; message?: string };
  return e?.name === "StreamNotFoundError" || /stream not found/i.test(e?.message ?? "");
}
