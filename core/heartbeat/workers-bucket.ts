import { Kvm, type KV } from "@nats-io/kv";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { assertToken, type EventLogNames } from "../eventlog/subjects";

/**
 * Where worker processes announce themselves: a NATS KV bucket, one key per process, history 1.
 * KV rather than a core-NATS subject because every server node (and one that just restarted) can
 * read who is there at any time without keeping state of its own, and the bucket's max age makes
 * a crashed process disappear by itself: with history 1 only a key's newest announcement is kept,
 * so the age limit counts from each process's last heartbeat (a per-key TTL in effect).
 */
export interface WorkerAnnouncement {
  /** WORKER_ID: the name workers write into events (RenderStarted.workerId) and logs. */
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  /** Worker kinds this process runs (render, transcribe, workflow, integrations). */
  readonly kinds: readonly string[];
  /** ISO-8601, worker clock. */
  readonly startedAt: string;
  /** How often this process announces itself: readers derive staleness from it, so no reader needs configuring. */
  readonly intervalMs: number;
  /** Events being handled right now, when the process counts them. */
  readonly inFlight: number | null;
  /** Events handled (acknowledged) since the process started. */
  readonly handled: number | null;
}

/** A process seen in the bucket. lastSeenAt is the nats-server's time of its newest heartbeat. */
export interface SeenWorker extends WorkerAnnouncement {
  /** The key: unique per process (two processes with one WORKER_ID are still two rows). */
  readonly instanceId: string;
  readonly lastSeenAt: string;
  /** No heartbeat for STALE_AFTER_BEATS intervals: the process is probably gone (crashed, partitioned). */
  readonly stale: boolean;
}

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** Missed beats before a process counts as stale: one late beat (a GC pause, a slow NATS) is not an outage. */
export const STALE_AFTER_BEATS = 3;
/** How long a silent process stays listed (stale) before NATS forgets it. */
export const FORGET_AFTER_MS = 15 * 60_000;

/** One bucket per event stream, so several deployments (or test runs) on one NATS never mix. */
export const workersBucketName = (names: EventLogNames): string => `ef_workers_${assertToken("stream name", names.stream)}`;

export interface WorkersBucketOptions {
  /** Same as the event stream's (3 on a cluster): the list should survive what the log survives. */
  readonly replicas?: number;
  readonly forgetAfterMs?: number;
}

/** The bucket, and a listing of its keys that never waits on a consumer. */
export interface WorkersBucket {
  readonly kv: KV;
  /**
   * Keys holding a value or a delete marker, from the stream's per-subject counts. Not `kv.keys()`:
   * that creates a consumer and ends on the count it saw at the start, so a heartbeat replacing or
   * an age limit removing a key meanwhile could make it wait for the consumer's idle heartbeat
   * (30 s) or end with nothing.
   */
  keys(): Promise<string[]>;
}

/**
 * Opens the bucket, creating it when missing. Workers and server nodes both call this; creating
 * an existing bucket only binds to it (its settings are not changed), so whoever comes first wins.
 */
export async function openWorkersBucket(nc: NatsConnection, names: EventLogNames, o: WorkersBucketOptions = {}): Promise<WorkersBucket> {
  const bucket = workersBucketName(names);
  const kv = await new Kvm(nc).create(bucket, {
    history: 1,
    ttl: o.forgetAfterMs ?? FORGET_AFTER_MS,
    replicas: o.replicas ?? 1,
    description: "emberflow worker heartbeats: one key per worker process",
  });
  const jsm = await jetstreamManager(nc);
  // the KV conventions (NATS ADR-8): stream KV_<bucket>, one subject $KV.<bucket>.<key> per key
  const prefix = `$KV.${bucket}.`;
  return {
    kv,
    async keys() {
      const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}>` });
      return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
    },
  };
}
