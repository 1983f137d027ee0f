import type { KvEntry } from "@nats-io/kv";
import { STALE_AFTER_BEATS, type SeenWorker, type WorkerAnnouncement, type WorkersBucket } from "./workers-bucket";

/**
 * Every worker process still in the bucket, with its staleness as of `now`. lastSeenAt is the
 * time NATS stored the newest beat (one clock for every worker, so skewed worker clocks cannot
 * make a live process look stale); `now` is the reader's clock, which on one NTP-synced site is
 * close enough for a threshold of several intervals.
 */
export async function listSeenWorkers(bucket: WorkersBucket, now: Date = new Date()): Promise<SeenWorker[]> {
  const keys = await bucket.keys();
  // a key may be gone between the listing and its read (forgotten, or a graceful stop): it reads as null
  const entries = await Promise.all(keys.map((k) => bucket.kv.get(k).catch(() => null)));
  const seen: SeenWorker[] = [];
  for (const e of entries) {
    const w = e ? seenWorker(e, now) : null;
    if (w) seen.push(w);
  }
  // live first, then by name: the ops view lists them as they come
  return seen.sort((a, b) => Number(a.stale) - Number(b.stale) || a.workerId.localeCompare(b.workerId) || a.instanceId.localeCompare(b.instanceId));
}

/** null for deleted keys (a graceful stop) and values that are not announcements. */
export function seenWorker(e: KvEntry, now: Date): SeenWorker | null {
  if (e.operation !== "PUT" || e.length === 0) return null;
  let a: WorkerAnnouncement;
  try {
    a = e.json<WorkerAnnouncement>();
  } catch {
    return null;
  }
  if (typeof a?.workerId !== "string" || !Array.isArray(a.kinds) || typeof a.intervalMs !== "number") return null;
  return {
    workerId: a.workerId,
    host: String(a.host ?? ""),
    pid: Number(a.pid ?? 0),
    kinds: a.kinds.map(String),
    startedAt: String(a.startedAt ?? ""),
    intervalMs: a.intervalMs,
    inFlight: typeof a.inFlight === "number" ? a.inFlight : null,
    handled: typeof a.handled === "number" ? a.handled : null,
    instanceId: e.key,
    lastSeenAt: e.created.toISOString(),
    stale: now.getTime() - e.created.getTime() > STALE_AFTER_BEATS * a.intervalMs,
  };
}
