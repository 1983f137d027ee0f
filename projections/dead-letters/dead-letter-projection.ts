import type { Db } from "../sqlite/open-database";
import type { ProjectedEvent } from "../projected-event";

export type DeadLetterStatements = ReturnType<typeof prepareDeadLetterStatements>;

export function prepareDeadLetterStatements(db: Db) {
  return {
    upsert: db.prepare(`INSERT INTO dead_letters (id, created_seq, consumer, stream_seq, event_id, event_type, aggregate_id,
        deliveries, error, status, created_at, updated_at)
      VALUES (@id, @seq, @consumer, @streamSeq, @eventId, @eventType, @aggregateId, @deliveries, @error, 'OPEN', @at, @at)
      ON CONFLICT (id) DO UPDATE SET consumer = excluded.consumer, stream_seq = excluded.stream_seq, event_id = excluded.event_id,
        event_type = excluded.event_type, aggregate_id = excluded.aggregate_id, deliveries = excluded.deliveries,
        error = excluded.error, status = 'OPEN', updated_at = excluded.updated_at`),
    status: db.prepare("UPDATE dead_letters SET status = ?, updated_at = ? WHERE id = ?"),
  };
}

/** OPEN when a consumer gives up, RETRYING when an operator asks again, RESOLVED when it went through. */
export function applyDeadLetterEvent(s: DeadLetterStatements, e: ProjectedEvent): void {
  const at = e.metadata.occurredAt;
  switch (e.type) {
    case "MessageDeadLettered": {
      const d = e.data;
      s.upsert.run({ id: d.deadLetterId, seq: e.seq, consumer: d.consumer, streamSeq: d.streamSeq, eventId: d.eventId,
        eventType: d.eventType, aggregateId: d.aggregateId, deliveries: d.deliveries, error: d.error, at });
      return;
    }
    case "DeadLetterRetryRequested":
      s.status.run("RETRYING", at, e.data.deadLetterId);
      return;
    case "DeadLetterResolved":
      s.status.run("RESOLVED", at, e.data.deadLetterId);
      return;
  }
}
