/**
 * Reads the batch and job aggregates a reactor needs (names, options, outputs, transcript) straight
 * from the log, like the workers do: reactors never depend on a read model being caught up.
 */
import { batchDecider, type BatchState } from "../../domain/batch/batch-decider";
import type { BatchEvent } from "../../domain/batch/batch-events";
import { jobDecider, type JobState } from "../../domain/job/job-decider";
import type { JobEvent } from "../../domain/job/job-events";
import { fold } from "../../domain/shared/decider";
import type { DomainEvent, RecordedEvent } from "../../domain/shared/envelope";
import type { EventStore } from "../../core/eventlog/event-store";

/** RecordedEvent over each member of a union, so `e.type` narrows `e.data`. */
export type Recorded<E extends DomainEvent> = E extends DomainEvent ? RecordedEvent<E> : never;

export interface LoadedJob {
  readonly state: JobState;
  /** With stream positions: OutputRendered seqs name the drive deliveries. */
  readonly events: readonly Recorded<JobEvent>[];
}

export class PipelineFacts {
  constructor(private readonly store: EventStore) {}

  async job(id: string): Promise<LoadedJob> {
    const events = (await this.store.load("job", id)).events as unknown as Recorded<JobEvent>[];
    return { state: fold(jobDecider, events as unknown as JobEvent[]), events };
  }

  async batch(id: string): Promise<BatchState> {
    const events = (await this.store.load("batch", id)).events as unknown as BatchEvent[];
    return fold(batchDecider, events);
  }
}
