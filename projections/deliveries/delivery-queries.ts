import type { Db } from "../sqlite/open-database";
import type { DeliveryStatus, DeliveryView } from "../read-model-types";

interface DeliveryRow {
  id: string;
  batch_id: string;
  job_id: string | null;
  integration: string;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  detail: string;
  source_event_id: string;
  source_event_type: string;
  updated_at: string;
}

export class DeliveryQueries {
  private readonly byBatchIds;
  private readonly one;

  constructor(db: Db) {
    this.byBatchIds = db.prepare<[string], DeliveryRow>(
      "SELECT * FROM deliveries WHERE batch_id IN (SELECT value FROM json_each(?)) ORDER BY batch_id, created_seq",
    );
    this.one = db.prepare<[string], DeliveryRow>("SELECT * FROM deliveries WHERE id = ?");
  }

  /** One array per batch id, oldest delivery first. */
  deliveriesByBatchIds(batchIds: readonly string[]): DeliveryView[][] {
    if (batchIds.length === 0) return [];
    const groups = new Map<string, DeliveryView[]>(batchIds.map((id) => [id, []]));
    for (const r of this.byBatchIds.all(JSON.stringify(batchIds))) groups.get(r.batch_id)?.push(toView(r));
    return batchIds.map((id) => groups.get(id) ?? []);
  }

  delivery(id: string): DeliveryView | null {
    const row = this.one.get(id);
    return row ? toView(row) : null;
  }
}

const toView = (r: DeliveryRow): DeliveryView => ({
  id: r.id,
  batchId: r.batch_id,
  jobId: r.job_id,
  integration: r.integration,
  target: r.target,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  detail: JSON.parse(r.detail) as Record<string, string>,
  sourceEventId: r.source_event_id,
  sourceEventType: r.source_event_type,
  updatedAt: r.updated_at,
});
