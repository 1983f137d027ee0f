import type { MessageDeadLettered } from "../../domain/deadletter/deadletter-events";
import type { EventMetadata } from "../../domain/shared/envelope";
import type { EventStore } from "../eventlog/event-store";
import type { DeadLetterSink, FinalFailure } from "./durable-consumer";
import { errorMessage } from "./handler-errors";

/** Dead letters are events too: listed by the read model, retried by an operator through GraphQL. */
export const deadLetterId = (consumer: string, streamSeq: number) => `${consumer}-${streamSeq}`;

export function eventStoreDeadLetters(store: EventStore, actor: string): DeadLetterSink {
  return {
    async record(consumer: string, f: FinalFailure) {
      const id = deadLetterId(consumer, f.event.seq);
      const event: MessageDeadLettered = {
        type: "MessageDeadLettered",
        data: {
          deadLetterId: id,
          consumer,
          streamSeq: f.event.seq,
          eventId: f.event.id,
          eventType: f.event.type,
          aggregateId: f.event.aggregateId,
          deliveries: f.attempts,
          error: errorMessage(f.error).slice(0, 2000),
        },
      };
      const metadata: EventMetadata = {
        occurredAt: new Date().toISOString(),
        correlationId: f.event.metadata.correlationId || f.event.id,
        causationId: f.event.id,
        actor,
      };
      await store.append("deadletter", id, [event], { expectedVersion: "any", metadata });
    },
  };
}
