import type { NatsConnection } from "@nats-io/transport-node";
import { isTerminal, type JobState } from "../../domain/job/job-decider";
import type { JobQueued, JobRetried } from "../../domain/job/job-events";
import type { RecordedEvent } from "../../domain/shared/envelope";
import type { EventLogNames } from "../../core/eventlog/subjects";
import { eventSubject } from "../../core/eventlog/subjects";

/** A job's cancellation as a signal, and the subscription behind it to end when the work does. */
export interface CancellationWatch {
  readonly signal: AbortSignal;
  stop(): void;
}

/**
 * Watches a job's JobCancelled (a plain NATS message on its subject, so no consumer is needed).
 * Call it BEFORE reading the job: a JobCancelled appended between the load and a later
 * subscription is seen by neither, and the work would run in full. The flush makes sure the server
 * has the subscription before the caller reads.
 */
export async function watchCancellation(nc: NatsConnection, names: EventLogNames, jobId: string): Promise<CancellationWatch> {
  const cancelled = new AbortController();
  const sub = nc.subscribe(eventSubject(names, "job", jobId, "JobCancelled"), {
    max: 1,
    callback: () => cancelled.abort(new Error("job cancelled")),
  });
  try {
    await nc.flush();
  } catch (err) {
    sub.unsubscribe();
    throw err;
  }
  return { signal: cancelled.signal, stop: () => sub.unsubscribe() };
}

/**
 * The queued job a JobQueued or JobRetried delivery asks work for, or null when there is none: the
 * job is gone, finished, or the delivery is stale (a JobQueued redelivered after a retry, or a
 * retry whose generation is already past). Render and transcription follow the same rule.
 */
export function jobToWorkOn(event: RecordedEvent, state: JobState): JobQueued["data"] | null {
  const job = state.queued;
  if (!job || isTerminal(state)) return null;
  const e = event as unknown as RecordedEvent<JobQueued | JobRetried>;
  if (e.type === "JobRetried" && (e.data as JobRetried["data"]).generation !== state.generation) return null;
  if (e.type === "JobQueued" && state.generation > 0) return null;
  return job;
}
