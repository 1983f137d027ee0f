import type { EventMetadata, RecordedEvent } from "../../domain/shared/envelope";

/** Metadata for events a worker writes in reaction to `cause`: same correlation, caused by it. */
export function causedBy(cause: RecordedEvent, actor: string, now: Date = new Date()): EventMetadata {
  return {
    occurredAt: now.toISOString(),
    correlationId: cause.metadata.correlationId || cause.id,
    causationId: cause.id,
    actor,
  };
}
