import type { Db } from "../sqlite/open-database";
import type { BatchStatusView, BatchView, Page } from "../read-model-types";
import type { BatchOptions } from "../../domain/job/job-events";

interface BatchRow {
  id: string;
  created_seq: number;
  name: string;
  status: BatchStatusView;
  template: string;
  formats: string;
  options: string;
  created_at: string;
  completed_at: string | null;
  idempotency_key: string | null;
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  progress_sum: number;
  version: number;
}

/** Cursors are opaque to clients: base64url of the BatchCreated sequence, the newest-first sort key. */
export const encodeBatchCursor = (createdSeq: number) => Buffer.from(`b:${createdSeq}`).toString("base64url");

export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
  constructor(cursor: string) {
    super(`Invalid cursor "${cursor}": pass the endCursor of a previous page, or null for the first page.`);
  }
}

export function decodeBatchCursor(cursor: string): number {
  const m = /^b:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) throw new InvalidCursorError(cursor);
  return Number(m[1]);
}

const MAX = Number.MAX_SAFE_INTEGER;

export class BatchQueries {
  private readonly byIds;
  private readonly byKey;
  private readonly page;
  private readonly count;

  constructor(db: Db) {
    this.byIds = db.prepare<[string], BatchRow>("SELECT * FROM batches WHERE id IN (SELECT value FROM json_each(?))");
    this.byKey = db.prepare<[string], BatchRow>("SELECT * FROM batches WHERE idempotency_key = ? ORDER BY created_seq LIMIT 1");
    // `@status IS NULL OR` keeps one statement for both filtered and unfiltered pages
    this.page = db.prepare<{ before: number; status: string | null; limit: number }, BatchRow>(
      `SELECT * FROM batches WHERE created_seq < @before AND (@status IS NULL OR status = @status)
       ORDER BY created_seq DESC LIMIT @limit`,
    );
    this.count = db.prepare<{ status: string | null }, { n: number }>(
      "SELECT count(*) AS n FROM batches WHERE (@status IS NULL OR status = @status)",
    );
  }

  batch(id: string): BatchView | null {
    return this.batchesByIds([id])[0] ?? null;
  }

  batchesByIds(ids: readonly string[]): (BatchView | null)[] {
    if (ids.length === 0) return [];
    const found = new Map(this.byIds.all(JSON.stringify(ids)).map((r) => [r.id, toBatchView(r)]));
    return ids.map((id) => found.get(id) ?? null);
  }

  batchByIdempotencyKey(key: string): BatchView | null {
    const row = this.byKey.get(key);
    return row ? toBatchView(row) : null;
  }

  listBatches(args: { first: number; after?: string | null; status?: BatchStatusView | null }): Page<BatchView> {
    const first = Math.max(0, Math.floor(args.first));
    const before = args.after ? decodeBatchCursor(args.after) : MAX;
    const status = args.status ?? null;
    const rows = this.page.all({ before, status, limit: first + 1 });
    const items = rows.slice(0, first);
    return {
      items: items.map(toBatchView),
      hasNextPage: rows.length > first,
      endCursor: items.length > 0 ? encodeBatchCursor(items[items.length - 1]!.created_seq) : null,
      totalCount: this.count.get({ status })!.n,
    };
  }
}

function toBatchView(r: BatchRow): BatchView {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    template: r.template,
    formats: JSON.parse(r.formats) as string[],
    options: JSON.parse(r.options) as BatchOptions,
    createdAt: r.created_at,
    completedAt: r.completed_at,
    counts: { total: r.total, queued: r.queued, running: r.running, succeeded: r.succeeded, failed: r.failed, cancelled: r.cancelled },
    progress: r.total > 0 ? Math.round(r.progress_sum / r.total) : 0,
    idempotencyKey: r.idempotency_key,
    version: r.version,
  };
}
