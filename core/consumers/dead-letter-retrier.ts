import type { DeadLetterRetryRequested } from "../../domain/deadletter/deadletter-events";
import type { EventStore } from "../eventlog/event-store";
import { eventTypeFilter } from "../eventlog/subjects";
import type { Logger } from "../log/logger";
import { runConsumer, type ConsumerSpec, type DeadLetterSink, type RunningConsumer } from "./durable-consumer";

/**
 * Runs a consumer's handler once more on the event a dead letter points at (or its retryDeadLetter,
 * when it has one), when an operator asks (DeadLetterRetryRequested). Success is recorded as
 * DeadLetterResolved; failure dead-letters again.
 */
export async function runDeadLetterRetrier(
  store: EventStore,
  spec: ConsumerSpec,
  deps: { logger: Logger; deadLetters: DeadLetterSink; actor: string },
): Promise<RunningConsumer> {
  return runConsumer(
    store,
    {
      name: `${spec.name}-dlq`,
      filterSubjects: [eventTypeFilter(store.names, "deadletter", "DeadLetterRetryRequested")],
      concurrency: 1,
      maxAttempts: 1,
      ackWaitMs: spec.ackWaitMs,
      backoffBaseMs: spec.backoffBaseMs,
      backoffMaxMs: spec.backoffMaxMs,
      async handle(request, ctx) {
        const data = (request as unknown as DeadLetterRetryRequested & { seq: number }).data;
        if (data.consumer !== spec.name) return;
        const original = await store.get(data.streamSeq);
        if (!original) return;
        const metadata = { occurredAt: new Date().toISOString(), correlationId: original.metadata.correlationId, causationId: request.id, actor: deps.actor };
        try {
          const retry = spec.retryDeadLetter ?? spec.handle;
          await retry.call(spec, original, { ...ctx, attempt: 1, maxAttempts: 1, isLastAttempt: true });
        } catch (err) {
          if (spec.onFinalFailure) await spec.onFinalFailure({ event: original, error: err, attempts: 1 });
          await deps.deadLetters.record(spec.name, { event: original, error: err, attempts: 1 });
          return;
        }
        await store.append("deadletter", data.deadLetterId, [{ type: "DeadLetterResolved", data: { deadLetterId: data.deadLetterId, consumer: spec.name } }], {
          expectedVersion: "any",
          metadata,
        });
      },
    },
    { logger: deps.logger, deadLetters: { record: async () => {} } },
  );
}
