import type { EventStore } from "../eventlog/event-store";
import type { Logger } from "../log/logger";
import { runDeadLetterRetrier } from "./dead-letter-retrier";
import { eventStoreDeadLetters } from "./dead-letters";
import { runConsumer, type ConsumerSpec, type RunningConsumer } from "./durable-consumer";

/** A durable consumer plus its dead-letter retrier: what every worker and integration runs. */
export async function startReactor(store: EventStore, spec: ConsumerSpec, deps: { logger: Logger; actor: string }): Promise<RunningConsumer> {
  const deadLetters = eventStoreDeadLetters(store, deps.actor);
  const main = await runConsumer(store, spec, { logger: deps.logger, deadLetters });
  const retrier = await runDeadLetterRetrier(store, spec, { logger: deps.logger, deadLetters, actor: deps.actor });
  return {
    name: spec.name,
    stats: main.stats,
    async stop(deadlineMs) {
      await Promise.all([main.stop(deadlineMs), retrier.stop(deadlineMs)]);
    },
  };
}
