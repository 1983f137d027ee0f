import type { JobCommand } from "../../domain/job/job-commands";
import type { JobEvent } from "../../domain/job/job-events";
import type { JobState } from "../../domain/job/job-decider";
import type { RecordedEvent } from "../../domain/shared/envelope";
import type { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { HandlerContext } from "../../core/consumers/durable-consumer";
import { causedBy } from "../../core/eventlog/metadata";

/**
 * An operator's retry of a render or transcription dead letter. The worker's final failure already
 * made the job FAILED (onFinalFailure), so running the handler again would find a terminal job and
 * do nothing while the dead letter reads "resolved". The retry goes through the domain instead:
 * RetryJob on a failed job, whose JobRetried both workers and the batch workflow react to as to any
 * retry. A job that is not failed (its final failure was never recorded) gets the handler again.
 */
export function retryDeadLetteredJob(
  jobs: AggregateRepository<JobCommand, JobEvent, JobState>,
  handle: (event: RecordedEvent, ctx: HandlerContext) => Promise<void>,
  actor: string,
) {
  return async (event: RecordedEvent, ctx: HandlerContext): Promise<void> => {
    const { state } = await jobs.load(event.aggregateId);
    if (state.status === "FAILED") {
      await jobs.handle(event.aggregateId, { type: "RetryJob" }, causedBy(event, actor));
      return;
    }
    await handle(event, ctx);
  };
}
