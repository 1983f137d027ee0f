import type { AnyEvent } from "../domain/shared/all-events";
import type { DomainEvent, RecordedEvent } from "../domain/shared/envelope";

/**
 * A recorded event as a discriminated union (RecordedEvent<AnyEvent> is not one: its `type` and
 * `data` are independent unions), so a `switch (e.type)` narrows `e.data`.
 */
export type ProjectedEvent = AnyEvent extends infer E ? (E extends DomainEvent ? RecordedEvent<E> : never) : never;

export const asProjected = (e: RecordedEvent): ProjectedEvent => e as ProjectedEvent;
