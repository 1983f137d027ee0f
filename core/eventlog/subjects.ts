import type { AggregateType } from "../../domain/shared/envelope";

/**
 * Subject layout: `<prefix>.<aggregateType>.<aggregateId>.<eventType>`. One subject family per
 * aggregate instance (the version check uses the wildcard `<prefix>.<type>.<id>.*`), and the event type
 * last so a consumer can filter on exactly the facts it reacts to.
 */
export interface EventLogNames {
  readonly stream: string;
  readonly prefix: string;
}

export const DEFAULT_EVENT_LOG_NAMES: EventLogNames = { stream: "EF_EVENTS", prefix: "ef.events" };

const TOKEN = /^[A-Za-z0-9_-]+$/;

export function assertToken(kind: string, value: string): string {
  if (!TOKEN.test(value)) throw new Error(`Invalid ${kind} "${value}": only letters, digits, '-' and '_' are allowed.`);
  return value;
}

export const eventSubject = (n: EventLogNames, type: AggregateType, id: string, eventType: string) =>
  `${n.prefix}.${type}.${assertToken("aggregate id", id)}.${eventType}`;

export const aggregateSubjects = (n: EventLogNames, type: AggregateType, id: string) =>
  `${n.prefix}.${type}.${assertToken("aggregate id", id)}.*`;

/** Filter for one event type across all instances of an aggregate type. */
export const eventTypeFilter = (n: EventLogNames, type: AggregateType, eventType: string) => `${n.prefix}.${type}.*.${eventType}`;

export const allEvents = (n: EventLogNames) => `${n.prefix}.>`;
