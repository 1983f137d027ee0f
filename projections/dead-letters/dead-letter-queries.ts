import type { Db } from "../sqlite/open-database";
import type { DeadLetterStatus, DeadLetterView } from "../read-model-types";

interface DeadLetterRow {
  id: string;
  consumer: string;
  stream_seq: number;
  event_id: string;
  event_type: string;
  aggregate_id: string;
  deliveries: number;
  error: string;
  status: DeadLetterStatus;
  created_at: string;
  updated_at: string;
}

export class DeadLetterQueries {
  private readonly list;
  private readonly one;
  private readonly open;

  constructor(db: Db) {
    this.list = db.prepare<{ status: string | null; first: number }, DeadLetterRow>(
      "SELECT * FROM dead_letters WHERE (@status IS NULL OR status = @status) ORDER BY created_seq DESC LIMIT @first",
    );
    this.one = db.prepare<[string], DeadLetterRow>("SELECT * FROM dead_letters WHERE id = ?");
    this.open = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM dead_letters WHERE status = 'OPEN'");
  }

  /** Newest first. */
  deadLetters(args: { status?: DeadLetterStatus | null; first: number }): DeadLetterView[] {
    return this.list.all({ status: args.status ?? null, first: Math.max(0, Math.floor(args.first)) }).map(toView);
  }

  deadLetter(id: string): DeadLetterView | null {
    const row = this.one.get(id);
    return row ? toView(row) : null;
  }

  openCount(): number {
    return this.open.get()!.n;
  }
}

const toView = (r: DeadLetterRow): DeadLetterView => ({
  id: r.id,
  consumer: r.consumer,
  streamSeq: r.stream_seq,
  eventId: r.event_id,
  eventType: r.event_type,
  aggregateId: r.aggregate_id,
  deliveries: r.deliveries,
  error: r.error,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
