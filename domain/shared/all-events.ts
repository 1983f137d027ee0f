import type { BatchEvent } from "../batch/batch-events";
import type { DeadLetterEvent } from "../deadletter/deadletter-events";
import type { DeliveryEvent } from "../delivery/delivery-events";
import type { JobEvent } from "../job/job-events";
import type { AggregateType, RecordedEvent } from "./envelope";

export type AnyEvent = BatchEvent | JobEvent | DeliveryEvent | DeadLetterEvent;
export type AnyEventType = AnyEvent["type"];
export type AnyRecordedEvent = RecordedEvent<AnyEvent>;

/** Current schema version of each event type; bump it and add an upcaster when a shape changes. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<AnyEventType, number>> = {
  BatchCreated: 2,
  BatchJobSettled: 1,
  BatchJobReopened: 1,
  BatchCompleted: 1,
  BatchCancelRequested: 1,
  BatchExportRequested: 1,
  JobQueued: 2,
  RenderStarted: 1,
  OutputRendered: 1,
  TranscriptCompleted: 1,
  JobAttemptFailed: 1,
  JobFailed: 1,
  JobCompleted: 1,
  JobCancelled: 1,
  JobRetried: 1,
  DeliverySucceeded: 1,
  DeliveryAttemptFailed: 1,
  DeliveryFailed: 1,
  DeliveryRetryRequested: 1,
  MessageDeadLettered: 1,
  DeadLetterRetryRequested: 1,
  DeadLetterResolved: 1,
};

export const AGGREGATE_OF_EVENT: Readonly<Record<AnyEventType, AggregateType>> = {
  BatchCreated: "batch",
  BatchJobSettled: "batch",
  BatchJobReopened: "batch",
  BatchCompleted: "batch",
  BatchCancelRequested: "batch",
  BatchExportRequested: "batch",
  JobQueued: "job",
  RenderStarted: "job",
  OutputRendered: "job",
  TranscriptCompleted: "job",
  JobAttemptFailed: "job",
  JobFailed: "job",
  JobCompleted: "job",
  JobCancelled: "job",
  JobRetried: "job",
  DeliverySucceeded: "delivery",
  DeliveryAttemptFailed: "delivery",
  DeliveryFailed: "delivery",
  DeliveryRetryRequested: "delivery",
  MessageDeadLettered: "deadletter",
  DeadLetterRetryRequested: "deadletter",
  DeadLetterResolved: "deadletter",
};
