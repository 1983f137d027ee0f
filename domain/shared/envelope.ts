/**
 * The event envelope: every fact in the log carries these fields. Events are immutable and live
 * forever, so `schemaVersion` lets old shapes be upcast on read (see upcasters.ts) instead of rewritten.
 */
export type AggregateType = "batch" | "job" | "delivery" | "deadletter";

export interface EventMetadata {
  /** ISO-8601 UTC; projections take time from here, never from the clock. */
  readonly occurredAt: string;
  /** Id of the request or workflow run this event belongs to (the first command's id). */
  readonly correlationId: string;
  /** Id of the event or command that caused this one; null for a user request. */
  readonly causationId: string | null;
  /** Who did it: `user:<token name>`, `worker:<kind>`, `system`. */
  readonly actor: string;
}

/** What a decider produces: a type and its data; the log adds ids and metadata. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

export interface EventEnvelope<E extends DomainEvent = DomainEvent> {
  /** UUIDv7; also the Nats-Msg-Id, so a retried publish is deduplicated. */
  readonly id: string;
  readonly type: E["type"];
  readonly schemaVersion: number;
  readonly aggregateType: AggregateType;
  readonly aggregateId: string;
  readonly data: E["data"];
  readonly metadata: EventMetadata;
}

/** An envelope as read back from the log, with its stream position. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> extends EventEnvelope<E> {
  /** JetStream stream sequence: the global, gap-tolerant position. */
  readonly seq: number;
}

/** Narrow a recorded event of a union to the member with this type. */
export type EventOf<E extends DomainEvent, T extends E["type"]> = Extract<E, { type: T }>;
