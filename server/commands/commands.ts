import { uuidv7 } from "uuidv7";
import type { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import type { EventStore } from "../../core/eventlog/event-store";
import type { BatchCommand } from "../../domain/batch/batch-commands";
import type { BatchState } from "../../domain/batch/batch-decider";
import type { BatchEvent } from "../../domain/batch/batch-events";
import type { BatchOptions } from "../../domain/job/job-events";
import type { JobCommand } from "../../domain/job/job-commands";
import type { JobState } from "../../domain/job/job-decider";
import type { JobEvent } from "../../domain/job/job-events";
import type { EventMetadata } from "../../domain/shared/envelope";
import type { FormatId } from "../../domain/formats";
import { conflict, DomainError, notFound } from "../../domain/shared/domain-error";
import type { BatchView, ReadModelQueries } from "../../projections/read-model-types";
import { batchViewFromLog } from "./batch-fallback-view";
import type { UploadStore } from "../uploads/upload-store";
import { batchIdForKey } from "./keyed-batch-id";

export interface CreateBatchRequest {
  readonly name: string;
  readonly uploadIds: readonly string[];
  readonly template: string;
  readonly formats: readonly FormatId[];
  readonly options: BatchOptions;
  readonly idempotencyKey: string | null;
}

export interface CommandResult {
  /** Stream position to wait for before reading the result (read-your-writes). */
  readonly position: number;
}

export interface CommandDeps {
  readonly store: EventStore;
  readonly batches: AggregateRepository<BatchCommand, BatchEvent, BatchState>;
  readonly jobs: AggregateRepository<JobCommand, JobEvent, JobState>;
  readonly uploads: UploadStore;
  readonly readModel: ReadModelQueries;
  readonly maxBatchItems: number;
}

/**
 * Application services behind the mutations: resolve what the command needs, run it through the
 * aggregate's decider (validation lives there), append, and return the position. Thin on purpose.
 */
export class Commands {
  constructor(private readonly d: CommandDeps) {}

  private meta(actor: string): EventMetadata {
    return { occurredAt: new Date().toISOString(), correlationId: uuidv7(), causationId: null, actor };
  }

  async createBatch(req: CreateBatchRequest, actor: string): Promise<CommandResult & { batchId: string; replayed: boolean }> {
    const key = req.idempotencyKey;
    // with a key the id comes from the key (keyed-batch-id.ts): the log itself remembers it
    const batchId = key ? batchIdForKey(key) : uuidv7();
    if (key) {
      const existing = await this.existingBatch(batchId);
      if (existing) return existing;
    }
    const items = await Promise.all(
      req.uploadIds.map(async (uploadId) => ({ jobId: uuidv7(), uploadId, upload: await this.d.uploads.get(uploadId) })),
    );
    try {
      const res = await this.d.batches.handle(
        batchId,
        { type: "CreateBatch", batchId, name: req.name, template: req.template, formats: req.formats, options: req.options, items, idempotencyKey: key, maxItems: this.d.maxBatchItems },
        this.meta(actor),
      );
      return { batchId, position: res.position, replayed: false };
    } catch (err) {
      // a request with the same key (on any node) created it first: that batch is the answer
      if (key && err instanceof DomainError && err.code === "CONFLICT") {
        const existing = await this.existingBatch(batchId);
        if (existing) return existing;
      }
      throw err;
    }
  }

  private async existingBatch(batchId: string): Promise<{ batchId: string; position: number; replayed: true } | null> {
    const loaded = await this.d.batches.load(batchId);
    return loaded.state.created ? { batchId, position: loaded.version, replayed: true } : null;
  }

  /** The batch as the log has it, for answers when the read model lags (see batch-fallback-view.ts). */
  async batchFromLog(id: string): Promise<BatchView | null> {
    const first = (await this.d.store.load("batch", id)).events[0];
    return first ? batchViewFromLog(this.d.batches, id, first.metadata.occurredAt) : null;
  }

  async cancelBatch(id: string, actor: string): Promise<CommandResult> {
    requireId(id, "Batch");
    const res = await this.d.batches.handle(id, { type: "CancelBatch", reason: `cancelled by ${actor}` }, this.meta(actor));
    return { position: res.position };
  }

  async exportBatchToSheets(id: string, actor: string): Promise<CommandResult> {
    requireId(id, "Batch");
    const res = await this.d.batches.handle(id, { type: "RequestSheetsExport" }, this.meta(actor));
    return { position: res.position };
  }

  async cancelJob(id: string, actor: string): Promise<CommandResult> {
    requireId(id, "Job");
    const cancel = () => this.d.jobs.handle(id, { type: "CancelJob", reason: `cancelled by ${actor}` }, this.meta(actor));
    // A job of a batch created a moment ago may not be queued yet (the workflow fans out
    // asynchronously); give the workflow a few seconds rather than answer "not found".
    for (let waited = 0; ; waited += 200) {
      try {
        return { position: (await cancel()).position };
      } catch (err) {
        const pending = err instanceof DomainError && err.code === "NOT_FOUND" && this.d.readModel.job(id) !== null;
        if (!pending) throw err;
        if (waited >= 5_000) throw conflict(`Job ${id} is not queued yet: try again in a moment.`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async retryJob(id: string, actor: string): Promise<CommandResult> {
    requireId(id, "Job");
    const res = await this.d.jobs.handle(id, { type: "RetryJob" }, this.meta(actor));
    return { position: res.position };
  }

  async retryDeadLetter(id: string, actor: string): Promise<CommandResult> {
    const dl = this.d.readModel.deadLetter(id);
    if (!dl) throw notFound(`Dead letter ${id} not found: list them with Query.deadLetters.`);
    if (dl.status !== "OPEN") throw conflict(`Dead letter ${id} is ${dl.status.toLowerCase()}: only an open dead letter can be retried.`);
    const res = await this.d.store.append(
      "deadletter",
      id,
      [{ type: "DeadLetterRetryRequested", data: { deadLetterId: id, consumer: dl.consumer, streamSeq: dl.streamSeq } }],
      { expectedVersion: "any", metadata: this.meta(actor) },
    );
    return { position: res.position };
  }

  async retryDelivery(id: string, actor: string): Promise<CommandResult> {
    const d = this.d.readModel.delivery(id);
    if (!d) throw notFound(`Delivery ${id} not found: see Batch.deliveries.`);
    if (d.status !== "FAILED") throw conflict(`Delivery ${id} is ${d.status.toLowerCase()}: only a failed delivery can be retried.`);
    const res = await this.d.store.append(
      "delivery",
      id,
      [
        {
          type: "DeliveryRetryRequested",
          data: { deliveryId: id, batchId: d.batchId, jobId: d.jobId, integration: d.integration, target: d.target, sourceEventId: d.sourceEventId, sourceEventType: d.sourceEventType },
        },
      ],
      { expectedVersion: "any", metadata: this.meta(actor) },
    );
    return { position: res.position };
  }
}

/** Ids become NATS subject tokens: anything else cannot name an aggregate, so it is simply not found. */
function requireId(id: string, kind: string): void {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) throw notFound(`${kind} ${JSON.stringify(id.slice(0, 100))} not found.`);
}
