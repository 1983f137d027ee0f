import type { Db } from "../sqlite/open-database";
import type { ProjectedEvent } from "../projected-event";

export type AuditStatements = ReturnType<typeof prepareAuditStatements>;

export function prepareAuditStatements(db: Db) {
  return {
    insert: db.prepare(`INSERT OR IGNORE INTO audit_events (seq, id, type, schema_version, aggregate_type, aggregate_id, batch_id,
        occurred_at, actor, correlation_id, causation_id, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
  };
}

/**
 * Records every event. `jobBatchId` is the batch of a job event, as the jobs projection (applied
 * first, in the same transaction) knows it: job events other than JobQueued do not carry it, and
 * a second job -> batch table here would cost a write per job and a read per event.
 */
export function applyAuditEvent(s: AuditStatements, e: ProjectedEvent, jobBatchId: string | null): void {
  const batchId = e.aggregateType === "job" ? jobBatchId : null;
  const m = e.metadata;
  s.insert.run(e.seq, e.id, e.type, e.schemaVersion, e.aggregateType, e.aggregateId, batchId,
    m.occurredAt, m.actor, m.correlationId, m.causationId, JSON.stringify(e.data));
}
