import { randomUUID } from "node:crypto";
import type { KV } from "@nats-io/kv";
import type { Logger } from "../log/logger";
import { HEARTBEAT_INTERVAL_MS, type WorkerAnnouncement } from "./workers-bucket";

export interface HeartbeatOptions {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly kinds: readonly string[];
  readonly intervalMs?: number;
  /** Read at every beat; cheap counters only, a beat must never wait on work. */
  readonly inFlight?: () => number;
  readonly handled?: () => number;
  readonly logger?: Logger;
}

export interface Heartbeat {
  readonly instanceId: string;
  /** Announces now (the first beat is sent by startHeartbeat before it resolves). */
  beat(): Promise<void>;
  /**
   * Stops beating. `remove` (the default, a graceful stop) deletes the key so the process leaves
   * the list at once; without it the last beat stays and the process turns stale, as after a crash.
   */
  stop(o?: { remove?: boolean }): Promise<void>;
}

const enc = new TextEncoder();

/**
 * Announces a worker process every intervalMs until stopped. A failed beat (NATS briefly away) is
 * logged once and retried at the next tick: being listed is advisory and must never stop work.
 */
export async function startHeartbeat(kv: KV, o: HeartbeatOptions): Promise<Heartbeat> {
  const intervalMs = o.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  // KV keys allow [-/_=.a-zA-Z0-9]; a UUID is unique per process even when WORKER_ID repeats
  const instanceId = randomUUID();
  const startedAt = new Date().toISOString();
  let failing = false;
  let current: Promise<void> = Promise.resolve();
  let stopped = false;

  const announcement = (): WorkerAnnouncement => ({
    workerId: o.workerId,
    host: o.host,
    pid: o.pid,
    kinds: [...o.kinds],
    startedAt,
    intervalMs,
    inFlight: o.inFlight ? o.inFlight() : null,
    handled: o.handled ? o.handled() : null,
  });

  const send = async (): Promise<void> => {
    try {
      await kv.put(instanceId, enc.encode(JSON.stringify(announcement())));
      if (failing) o.logger?.info("heartbeat restored", { instanceId });
      failing = false;
    } catch (err) {
      if (!failing) o.logger?.warn("heartbeat failed; retrying at the next interval", { instanceId, error: err instanceof Error ? err.message : String(err) });
      failing = true;
    }
  };
  // one beat at a time: a slow put must not pile up behind the timer
  const beat = (): Promise<void> => (current = current.then(() => (stopped ? undefined : send())));

  await beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref(); // the consumers keep the process alive; the heartbeat never should

  return {
    instanceId,
    beat,
    async stop({ remove = true } = {}) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await current;
      if (remove) await kv.purge(instanceId).catch(() => undefined); // gone anyway after FORGET_AFTER_MS
    },
  };
}

/**
 * Counts handler calls in progress. The composition root wraps each consumer's handler with it,
 * so in-flight work is counted without the consumer runtime knowing about heartbeats.
 */
export class InFlightCounter {
  private n = 0;

  get count(): number {
    return this.n;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.n++;
    try {
      return await work();
    } finally {
      this.n--;
    }
  }
}
