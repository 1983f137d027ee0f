import type { DomainEvent } from "../shared/envelope";

/** A message a consumer gave up on after its last delivery; listed in GraphQL and retryable. */
export type MessageDeadLettered = DomainEvent<
  "MessageDeadLettered",
  {
    readonly deadLetterId: string;
    readonly consumer: string;
    readonly streamSeq: number;
    readonly eventId: string;
    readonly eventType: string;
    readonly aggregateId: string;
    readonly deliveries: number;
    readonly error: string;
  }
>;
/** An operator asked to run the consumer's handler on the original event once more. */
export type DeadLetterRetryRequested = DomainEvent<
  "DeadLetterRetryRequested",
  { readonly deadLetterId: string; readonly consumer: string; readonly streamSeq: number }
>;
export type DeadLetterResolved = DomainEvent<"DeadLetterResolved", { readonly deadLetterId: string; readonly consumer: string }>;

export type DeadLetterEvent = MessageDeadLettered | DeadLetterRetryRequested | DeadLetterResolved;
