/**
 * What every integration reactor shares: deterministic delivery ids, "side effects once per fact"
 * (the delivery aggregate is checked before the side effect), and turning each outcome into an
 * event (DeliverySucceeded / DeliveryAttemptFailed / DeliveryFailed) instead of a log line.
 */
import type { DeliveryEvent, DeliveryRef, Integration } from "../../domain/delivery/delivery-events";
import type { RecordedEvent } from "../../domain/shared/envelope";
import type { EventStore } from "../../core/eventlog/event-store";
import { causedBy } from "../../core/eventlog/metadata";
import { eventTypeFilter } from "../../core/eventlog/subjects";
import { backoffDelay } from "../../core/consumers/backoff";
import type { ConsumerSpec, HandlerContext } from "../../core/consumers/durable-consumer";
import { PermanentError, RetryableError, errorMessage } from "../../core/consumers/handler-errors";
import type { Logger } from "../../core/log/logger";
import { IntegrationError } from "./integration-error.js";

export const INTEGRATIONS_ACTOR = "worker:integrations";

/** Subject-token-safe slug (delivery ids are aggregate ids, which become NATS subject tokens). */
export function slug(s: string, max = 32): string {
  const out = s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+/, "").slice(0, max).replace(/-+$/, "");
  return out || "x";
}

/**
 * `<integration>-<target-slug>-<source seq>`: the same fact and target always give the same id, so
 * a redelivery updates that delivery, and the source seq lets a retry find its event with store.get.
 */
export const deliveryId = (integration: Integration, target: string, sourceSeq: number) => `${integration}-${slug(target)}-${sourceSeq}`;

export function sourceSeqOf(id: string): number | null {
  const m = /-(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}

export type DeliveryStatus = "NONE" | "PENDING" | "RETRYING" | "SUCCEEDED" | "FAILED";
export interface DeliveryState {
  readonly status: DeliveryStatus;
  readonly ref: DeliveryRef | null;
  readonly detail: Readonly<Record<string, string>> | null;
}

/** Carries what an attempt needs to record its outcome. `only` restricts a re-run to one delivery. */
export interface DeliveryRun {
  readonly ctx: HandlerContext;
  /** The event the outcome is caused by: the source event, or the DeliveryRetryRequested. */
  readonly cause: RecordedEvent;
  readonly only?: string;
}

type Backoff = Pick<ConsumerSpec, "backoffBaseMs" | "backoffMaxMs">;

export class DeliveryRecorder {
  /** One attempt per delivery id at a time in this process: check-then-send must not interleave. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly backoff: Backoff,
    private readonly logger: Logger,
  ) {}

  async state(id: string): Promise<DeliveryState> {
    const { events } = await this.store.load("delivery", id);
    let s: DeliveryState = { status: "NONE", ref: null, detail: null };
    for (const e of events as unknown as DeliveryEvent[]) {
      const ref = s.ref ?? e.data;
      if (e.type === "DeliverySucceeded") s = { status: "SUCCEEDED", ref, detail: e.data.detail };
      else if (e.type === "DeliveryAttemptFailed") s = { ...s, status: "RETRYING", ref };
      else if (e.type === "DeliveryFailed") s = { ...s, status: "FAILED", ref };
      else s = { ...s, status: "PENDING", ref }; // DeliveryRetryRequested: an operator asked again
    }
    return s;
  }

  /**
   * One delivery, once per fact: skipped when it already succeeded (or failed for good and nobody
   * asked to retry). A failure that will be retried is recorded and returned (the caller throws
   * after the event's other deliveries had their turn); a final one is recorded and swallowed, so
   * the message is acked: the failed delivery is a fact, retried via DeliveryRetryRequested.
   */
  async deliver(ref: DeliveryRef, run: DeliveryRun, send: () => Promise<Record<string, string>>): Promise<RetryableError | null> {
    if (run.only && run.only !== ref.deliveryId) return null;
    const id = ref.deliveryId;
    const go = () => this.deliverNow(ref, run, send);
    const next = (this.locks.get(id) ?? Promise.resolve()).then(go, go);
    const settled = next.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => this.locks.get(id) === settled && this.locks.delete(id));
    return next;
  }

  private async deliverNow(ref: DeliveryRef, run: DeliveryRun, send: () => Promise<Record<string, string>>): Promise<RetryableError | null> {
    const before = await this.state(ref.deliveryId);
    if (before.status === "SUCCEEDED" || before.status === "FAILED") return null;
    const { ctx } = run;
    const log = this.logger.child({ delivery: ref.deliveryId });
    let detail: Record<string, string>;
    try {
      detail = await send();
    } catch (err) {
      if (ctx.signal.aborted) throw err; // shutting down: not a failed attempt, the message goes back
      const message = errorMessage(err).slice(0, 500);
      const retryable = isRetryable(err);
      if (retryable && !ctx.isLastAttempt) {
        const delay = retryAfter(err) ?? backoffDelay(ctx.attempt, this.backoff.backoffBaseMs, this.backoff.backoffMaxMs);
        log.warn("delivery attempt failed, will retry", { attempt: ctx.attempt, error: message });
        await this.record(ref, run, {
          type: "DeliveryAttemptFailed",
          data: { ...ref, attempt: ctx.attempt, error: message, retryInSeconds: Math.ceil(delay / 1000) },
        });
        return new RetryableError(errorCodeOf(err), message, delay);
      }
      log.error("delivery failed", { attempt: ctx.attempt, error: message, retryable });
      await this.record(ref, run, { type: "DeliveryFailed", data: { ...ref, attempts: ctx.attempt, error: message } });
      return null;
    }
    await this.record(ref, run, { type: "DeliverySucceeded", data: { ...ref, attempts: ctx.attempt, detail } });
    return null;
  }

  /** "any": the side effect already happened, its outcome must be recorded whatever else was written. */
  private async record(ref: DeliveryRef, run: DeliveryRun, event: DeliveryEvent): Promise<void> {
    await this.store.append("delivery", ref.deliveryId, [event], {
      expectedVersion: "any",
      metadata: causedBy(run.cause, INTEGRATIONS_ACTOR),
    });
  }
}

/** After all of an event's deliveries ran: retry the event if any asked to, soonest first. */
export function throwIfAnyRetry(results: readonly (RetryableError | null)[]): void {
  const retries = results.filter((r): r is RetryableError => r !== null);
  if (retries.length === 0) return;
  const soonest = retries.reduce((a, b) => ((a.retryAfterMs ?? 0) <= (b.retryAfterMs ?? 0) ? a : b));
  throw soonest;
}

function isRetryable(err: unknown): boolean {
  if (err instanceof IntegrationError) return err.retryable;
  if (err instanceof PermanentError) return false;
  return true; // unknown errors are transient until the last attempt, as in the consumer runtime
}

function retryAfter(err: unknown): number | undefined {
  if (err instanceof IntegrationError || err instanceof RetryableError) return err.retryAfterMs;
  return undefined;
}

function errorCodeOf(err: unknown): string {
  const c = (err as { code?: unknown })?.code;
  return typeof c === "string" ? c : "DELIVERY_FAILED";
}

export interface ReactorParts {
  readonly name: string;
  readonly integration: Integration;
  readonly filterSubjects: readonly string[];
  readonly tuning: Omit<ConsumerSpec, "name" | "filterSubjects" | "handle" | "onFinalFailure">;
  /** Handles a source fact; with `run.only`, just that delivery (an operator's retry). */
  onSource(event: RecordedEvent, run: DeliveryRun): Promise<void>;
  /** A retry whose source is not found by seq (e.g. ntfy's batch-started); default: record it failed. */
  onRetryWithoutSource?(ref: DeliveryRef, run: DeliveryRun): Promise<boolean>;
}

/**
 * Builds one integration's ConsumerSpec: its source facts plus DeliveryRetryRequested (filtered to
 * this integration), so every integration has its own durable consumer and cannot block another.
 */
export function integrationSpec(store: EventStore, recorder: DeliveryRecorder, p: ReactorParts): ConsumerSpec {
  return {
    ...p.tuning,
    name: p.name,
    filterSubjects: [...p.filterSubjects, eventTypeFilter(store.names, "delivery", "DeliveryRetryRequested")],
    async handle(event, ctx) {
      if (event.type !== "DeliveryRetryRequested") return p.onSource(event, { ctx, cause: event });
      const ref = event.data as DeliveryRef;
      if (ref.integration !== p.integration) return;
      const run: DeliveryRun = { ctx, cause: event, only: ref.deliveryId };
      const seq = sourceSeqOf(ref.deliveryId);
      const source = seq === null ? null : await store.get(seq);
      if (source && source.id === ref.sourceEventId) return p.onSource(source, run);
      if (p.onRetryWithoutSource && (await p.onRetryWithoutSource(ref, run))) return;
      await recorder.deliver(ref, run, async () => {
        throw new PermanentError("SOURCE_NOT_FOUND", `source event ${ref.sourceEventType} of ${ref.deliveryId} not found in the log`);
      });
    },
  };
}
