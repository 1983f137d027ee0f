import type { BatchCreated, JobOutcome } from "../../domain/batch/batch-events";
import { batchDecider } from "../../domain/batch/batch-decider";
import { jobDecider } from "../../domain/job/job-decider";
import { DomainError } from "../../domain/shared/domain-error";
import type { JobCancelled, JobCompleted, JobFailed, JobRetried } from "../../domain/job/job-events";
import type { RecordedEvent } from "../../domain/shared/envelope";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import { causedBy } from "../../core/eventlog/metadata";
import { eventTypeFilter } from "../../core/eventlog/subjects";
import { CONSUMER_DEFAULTS, type ConsumerSpec } from "../../core/consumers/durable-consumer";

const ACTOR = "worker:workflow";

/**
 * The batch workflow, a process manager on the log:
 * - fan-out: BatchCreated -> one JobQueued per item (each job its own aggregate);
 * - cancel: BatchCancelRequested -> JobCancelled for every job still open;
 * - fan-in: terminal job events -> BatchJobSettled, and BatchCompleted exactly once when the last
 *   job settles. The batch aggregate's version check makes "exactly once" hold across restarts and
 *   several workflow instances; a JobAttemptFailed that will be retried is not terminal, so it can
 *   never complete a batch early (the seed's bug).
 */
export function batchWorkflowConsumers(store: EventStore, o: { concurrency?: number } = {}): ConsumerSpec[] {
  const batches = new AggregateRepository(store, batchDecider, "batch");
  const jobs = new AggregateRepository(store, jobDecider, "job");
  const base = { ...CONSUMER_DEFAULTS, maxAttempts: 10, backoffBaseMs: 200, backoffMaxMs: 10_000, prefetch: true };

  const fanOut: ConsumerSpec = {
    ...base,
    name: "workflow-fanout",
    concurrency: o.concurrency ?? 8,
    filterSubjects: [eventTypeFilter(store.names, "batch", "BatchCreated")],
    async handle(event) {
      const data = (event as unknown as RecordedEvent<BatchCreated>).data;
      const createdAt = event.metadata.occurredAt;
      const meta = causedBy(event, ACTOR);
      // jobs are independent aggregates: queue them in parallel, in bounded chunks
      let cancelRequested = false;
      for (let i = 0; i < data.items.length; i += 64) {
        const chunk = data.items.slice(i, i + 64);
        await Promise.all(
          chunk.map((item, k) =>
            jobs.handle(
              item.jobId,
              {
                type: "QueueJob",
                data: {
                  jobId: item.jobId,
                  batchId: data.batchId,
                  index: i + k,
                  batchName: data.name,
                  batchCreatedAt: createdAt,
                  upload: item.upload,
                  template: data.template,
                  formats: data.formats,
                  options: data.options,
                },
              },
              meta,
              { assumeNew: true },
            ),
          ),
        );
        // A cancel handled while this chunk was being queued skipped the jobs that did not exist
        // yet (see `cancel`): checked after queueing, so every job is either seen by the cancel
        // handler or cancelled here. Once seen, the rest are queued and cancelled at once, so the
        // batch still settles every job and completes as CANCELLED.
        cancelRequested ||= (await batches.load(data.batchId)).state.cancelRequested;
        if (cancelRequested) await Promise.all(chunk.map((item) => jobs.handle(item.jobId, { type: "CancelJob", reason: "batch cancelled" }, meta)));
      }
    },
  };

  const cancel: ConsumerSpec = {
    ...base,
    name: "workflow-cancel",
    concurrency: 2,
    filterSubjects: [eventTypeFilter(store.names, "batch", "BatchCancelRequested")],
    async handle(event) {
      const { state } = await batches.load(event.aggregateId);
      const meta = causedBy(event, ACTOR);
      const open = (state.created?.items ?? []).filter((i) => !state.settled.has(i.jobId));
      await Promise.all(
        open.map((i) =>
          jobs.handle(i.jobId, { type: "CancelJob", reason: "batch cancelled" }, meta).catch((err: unknown) => {
            // not queued yet: the fan-out checks the batch after queueing and cancels it there
            if (err instanceof DomainError && err.code === "NOT_FOUND") return;
            throw err;
          }),
        ),
      );
    },
  };

  const settle: ConsumerSpec = {
    ...base,
    name: "workflow-settle",
    concurrency: o.concurrency ?? 8,
    filterSubjects: ["JobCompleted", "JobFailed", "JobCancelled", "JobRetried"].map((t) => eventTypeFilter(store.names, "job", t)),
    async handle(event) {
      const meta = causedBy(event, ACTOR);
      const e = event as unknown as RecordedEvent<JobCompleted | JobFailed | JobCancelled | JobRetried>;
      if (e.type === "JobRetried") {
        await batches.handle(e.data.batchId, { type: "ReopenJob", jobId: event.aggregateId, generation: e.data.generation }, meta);
        return;
      }
      const outcome: JobOutcome = e.type === "JobCompleted" ? "succeeded" : e.type === "JobFailed" ? "failed" : "cancelled";
      await batches.handle(e.data.batchId, { type: "SettleJob", jobId: event.aggregateId, outcome, generation: e.data.generation }, meta);
    },
  };

  return [fanOut, cancel, settle];
}
