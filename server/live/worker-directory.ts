import type { NatsConnection } from "@nats-io/transport-node";
import type { EventLogNames } from "../../core/eventlog/subjects";
import { listSeenWorkers } from "../../core/heartbeat/seen-workers";
import { openWorkersBucket, type WorkersBucket } from "../../core/heartbeat/workers-bucket";

/** A worker process as Query.workers answers it (the GraphQL type reads these fields by name). */
export interface WorkerView {
  readonly id: string;
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly kinds: readonly string[];
  readonly startedAt: string;
  readonly lastSeenAt: string;
  readonly heartbeatIntervalSeconds: number;
  readonly stale: boolean;
  readonly inFlight: number | null;
  readonly handled: number | null;
}

/**
 * Reads the worker heartbeat bucket (core/heartbeat) on demand. Nothing is cached or watched: the
 * bucket is the state, so every server node answers the same, a restarted node included, and a
 * node with nobody asking costs nothing. The bucket is opened on first use (and again after a
 * failure), so a server starting before any worker still starts.
 */
export class WorkerDirectory {
  private bucket: Promise<WorkersBucket> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
    private readonly replicas: number,
  ) {}

  async list(o: { includeStale?: boolean; now?: Date } = {}): Promise<WorkerView[]> {
    const seen = await listSeenWorkers(await this.open(), o.now ?? new Date());
    return seen
      .filter((w) => o.includeStale !== false || !w.stale)
      .map((w) => ({
        id: w.instanceId,
        workerId: w.workerId,
        host: w.host,
        pid: w.pid,
        kinds: w.kinds,
        startedAt: w.startedAt,
        lastSeenAt: w.lastSeenAt,
        heartbeatIntervalSeconds: w.intervalMs / 1000,
        stale: w.stale,
        inFlight: w.inFlight,
        handled: w.handled,
      }));
  }

  private open(): Promise<WorkersBucket> {
    if (!this.bucket) {
      const p = openWorkersBucket(this.nc, this.names, { replicas: this.replicas });
      this.bucket = p;
      p.catch(() => {
        if (this.bucket === p) this.bucket = null; // try again on the next request
      });
    }
    return this.bucket;
  }
}
