import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import type { EventLogNames } from "../eventlog/subjects";

/**
 * Live progress ticks (FFmpeg percent, ETA) travel on core NATS subjects, outside the event log:
 * they are not facts worth keeping forever, only milestones are events. Every server node subscribes,
 * so a subscriber on any node sees every worker's ticks.
 */
export interface ProgressTick {
  readonly batchId: string;
  readonly jobId: string;
  readonly stage: "render" | "transcribe";
  /** Output format being rendered, when stage is render. */
  readonly format: string | null;
  /** 0..100 for the whole job. */
  readonly percent: number;
  readonly etaSeconds: number | null;
  /** Worker clock, ISO-8601: only for display, never projected. */
  readonly at: string;
}

export const progressSubject = (names: EventLogNames, batchId: string, jobId: string) =>
  `progress.${names.stream}.${batchId}.${jobId}`;
export const batchProgressFilter = (names: EventLogNames, batchId: string) => `progress.${names.stream}.${batchId}.*`;
export const allProgressFilter = (names: EventLogNames) => `progress.${names.stream}.>`;

const enc = new TextEncoder();
const dec = new TextDecoder();

export function publishProgress(nc: NatsConnection, names: EventLogNames, tick: ProgressTick): void {
  nc.publish(progressSubject(names, tick.batchId, tick.jobId), enc.encode(JSON.stringify(tick)));
}

export function subscribeProgress(nc: NatsConnection, subject: string, onTick: (t: ProgressTick) => void): Subscription {
  return nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      try {
        onTick(JSON.parse(dec.decode(msg.data)) as ProgressTick);
      } catch {
        /* a malformed tick is dropped: progress is advisory */
      }
    },
  });
}
