import type { Db } from "../sqlite/open-database";
import type { AuditEventView } from "../read-model-types";

interface AuditRow {
  seq: number;
  id: string;
  type: string;
  schema_version: number;
  aggregate_type: string;
  aggregate_id: string;
  batch_id: string | null;
  occurred_at: string;
  actor: string;
  correlation_id: string;
  causation_id: string | null;
  data: string;
}

export class AuditQueries {
  private readonly trail;

  constructor(db: Db) {
    // a UNION of two index range scans rather than one OR, which SQLite would answer with a table scan
    this.trail = db.prepare<{ id: string; after: number; first: number }, AuditRow>(
      `SELECT * FROM (
         SELECT * FROM audit_events WHERE aggregate_id = @id AND seq > @after
         UNION
         SELECT * FROM audit_events WHERE batch_id = @id AND seq > @after
       ) ORDER BY seq LIMIT @first`,
    );
  }

  /** The events of an aggregate (and, for a batch, of its jobs), in log order after `after`. */
  events(args: { aggregateId: string; after?: number | null; first: number }): AuditEventView[] {
    const rows = this.trail.all({ id: args.aggregateId, after: args.after ?? 0, first: Math.max(0, Math.floor(args.first)) });
    return rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      type: r.type,
      schemaVersion: r.schema_version,
      aggregateType: r.aggregate_type,
      aggregateId: r.aggregate_id,
      batchId: r.batch_id,
      occurredAt: r.occurred_at,
      actor: r.actor,
      correlationId: r.correlation_id,
      causationId: r.causation_id,
      data: JSON.parse(r.data) as unknown,
    }));
  }
}
