import type { Db } from "../sqlite/open-database";
import type { ProjectedEvent } from "../projected-event";
import type { DeliveryRef } from "../../domain/delivery/delivery-events";
import type { DeliveryStatus } from "../read-model-types";

export type DeliveryStatements = ReturnType<typeof prepareDeliveryStatements>;

export function prepareDeliveryStatements(db: Db) {
  return {
    // attempts/last_error/detail: NULL parameters mean "keep what the row has"
    upsert: db.prepare(`INSERT INTO deliveries (id, created_seq, batch_id, job_id, integration, target, status, attempts, last_error,
        detail, source_event_id, source_event_type, updated_at)
      VALUES (@id, @seq, @batchId, @jobId, @integration, @target, @status, coalesce(@attempts, 0), @lastError,
        coalesce(@detail, '{}'), @sourceEventId, @sourceEventType, @at)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = coalesce(@attempts, attempts),
        last_error = CASE WHEN @keepError THEN last_error ELSE excluded.last_error END,
        detail = coalesce(@detail, detail), target = excluded.target, updated_at = excluded.updated_at`),
  };
}

interface Change {
  status: DeliveryStatus;
  attempts: number | null;
  lastError: string | null;
  keepError: boolean;
  detail: Readonly<Record<string, string>> | null;
}

function upsert(s: DeliveryStatements, e: ProjectedEvent, ref: DeliveryRef, c: Change) {
  s.upsert.run({
    id: ref.deliveryId,
    seq: e.seq,
    batchId: ref.batchId,
    jobId: ref.jobId,
    integration: ref.integration,
    target: ref.target,
    sourceEventId: ref.sourceEventId,
    sourceEventType: ref.sourceEventType,
    at: e.metadata.occurredAt,
    status: c.status,
    attempts: c.attempts,
    lastError: c.lastError,
    keepError: c.keepError ? 1 : 0,
    detail: c.detail ? JSON.stringify(c.detail) : null,
  });
}

/** Each integration outcome updates its delivery row; a retry request puts it back to PENDING. */
export function applyDeliveryEvent(s: DeliveryStatements, e: ProjectedEvent): void {
  switch (e.type) {
    case "DeliverySucceeded":
      return upsert(s, e, e.data, { status: "SUCCEEDED", attempts: e.data.attempts, lastError: null, keepError: false, detail: e.data.detail });
    case "DeliveryAttemptFailed":
      return upsert(s, e, e.data, { status: "RETRYING", attempts: e.data.attempt, lastError: e.data.error, keepError: false, detail: null });
    case "DeliveryFailed":
      return upsert(s, e, e.data, { status: "FAILED", attempts: e.data.attempts, lastError: e.data.error, keepError: false, detail: null });
    case "DeliveryRetryRequested":
      return upsert(s, e, e.data, { status: "PENDING", attempts: null, lastError: null, keepError: true, detail: null });
  }
}
