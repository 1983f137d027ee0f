import { AckPolicy, DeliverPolicy, type Consumer, type JsMsg } from "@nats-io/jetstream";
import type { RecordedEvent } from "../../domain/shared/envelope";
import type { EventStore } from "../eventlog/event-store";
import { decodeEnvelope } from "../eventlog/codec";
import type { Logger } from "../log/logger";
import { backoffDelay } from "./backoff";
import { PermanentError, RetryableError, errorMessage } from "./handler-errors";

export interface HandlerContext {
  /** 1 on the first delivery. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** No redelivery will follow a failure of this attempt. */
  readonly isLastAttempt: boolean;
  /** Aborted when the process shuts down past its deadline; long work should stop and let the message go back. */
  readonly signal: AbortSignal;
  /** Extends the ack deadline now (the runtime also does so on a timer while the handler runs). */
  working(): void;
}

export interface FinalFailure {
  readonly event: RecordedEvent;
  readonly error: unknown;
  readonly attempts: number;
}

export interface ConsumerSpec {
  /** Durable name, shared by every process running this consumer: they split the work. */
  readonly name: string;
  readonly filterSubjects: readonly string[];
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly ackWaitMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /**
   * Stream messages ahead of the handlers (fast, short handlers such as the workflow). Off for long
   * work (renders): a prefetched message would sit reserved on a busy worker while another is idle.
   */
  readonly prefetch?: boolean;
  handle(event: RecordedEvent, ctx: HandlerContext): Promise<void>;
  /** Turns a given-up failure into facts (e.g. JobFailed) before the dead-letter record. */
  onFinalFailure?(f: FinalFailure): Promise<void>;
  /**
   * What an operator's retry of a dead letter does (default: `handle` once more). A consumer whose
   * onFinalFailure recorded a terminal fact (a failed job) retries through the domain instead
   * (RetryJob), since `handle` would now see the terminal state and do nothing.
   */
  retryDeadLetter?(event: RecordedEvent, ctx: HandlerContext): Promise<void>;
}

export type ConsumerDefaults = Pick<ConsumerSpec, "concurrency" | "maxAttempts" | "ackWaitMs" | "backoffBaseMs" | "backoffMaxMs">;
export const CONSUMER_DEFAULTS: ConsumerDefaults = {
  concurrency: 1,
  maxAttempts: 5,
  ackWaitMs: 30_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
};

export interface DeadLetterSink {
  record(consumer: string, f: FinalFailure): Promise<void>;
}

export interface ConsumerStats {
  handled: number;
  redeliveries: number;
  failedAttempts: number;
  deadLettered: number;
}

export interface RunningConsumer {
  readonly name: string;
  readonly stats: ConsumerStats;
  /** Stop fetching, let in-flight work finish until the deadline, then abort it and release the messages. */
  stop(deadlineMs?: number): Promise<void>;
}

/** Creates (or updates) the durable pull consumer. The server never gives up on a message: the
 * runtime counts attempts and dead-letters, so a crash on the last attempt cannot lose it. */
export async function ensureDurable(store: EventStore, spec: Pick<ConsumerSpec, "name" | "filterSubjects" | "ackWaitMs" | "concurrency">) {
  const config = {
    durable_name: spec.name,
    filter_subjects: [...spec.filterSubjects],
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: spec.ackWaitMs * 1_000_000,
    max_deliver: -1,
    max_ack_pending: Math.max(1000, spec.concurrency * 4),
  };
  try {
    const info = await store.jsm.consumers.info(store.names.stream, spec.name);
    const same =
      JSON.stringify(info.config.filter_subjects ?? [info.config.filter_subject]) === JSON.stringify(config.filter_subjects) &&
      info.config.ack_wait === config.ack_wait;
    if (!same) await store.jsm.consumers.update(store.names.stream, spec.name, config);
  } catch {
    await store.jsm.consumers.add(store.names.stream, config);
  }
}

export async function runConsumer(
  store: EventStore,
  spec: ConsumerSpec,
  deps: { logger: Logger; deadLetters: DeadLetterSink },
): Promise<RunningConsumer> {
  await ensureDurable(store, spec);
  const consumer: Consumer = await store.js.consumers.get(store.names.stream, spec.name);
  const stats: ConsumerStats = { handled: 0, redeliveries: 0, failedAttempts: 0, deadLettered: 0 };
  const abort = new AbortController();
  let stopping = false;
  const log = deps.logger.child({ consumer: spec.name });

  async function process(m: JsMsg) {
    const attempt = m.info.deliveryCount;
    if (attempt > 1) stats.redeliveries++;
    const heartbeat = setInterval(() => m.working(), Math.max(250, Math.floor(spec.ackWaitMs / 3)));
    let event: RecordedEvent | null = null;
    try {
      event = decodeEnvelope(m.data, m.seq);
      await spec.handle(event, {
        attempt,
        maxAttempts: spec.maxAttempts,
        isLastAttempt: attempt >= spec.maxAttempts,
        signal: abort.signal,
        working: () => m.working(),
      });
      m.ack();
      stats.handled++;
    } catch (err) {
      if (abort.signal.aborted) {
        m.nak(0); // shutting down: give it back to another process now, not after ack_wait
        return;
      }
      stats.failedAttempts++;
      const permanent = err instanceof PermanentError || event === null;
      if (!permanent && attempt < spec.maxAttempts) {
        const delay = err instanceof RetryableError && err.retryAfterMs ? err.retryAfterMs : backoffDelay(attempt, spec.backoffBaseMs, spec.backoffMaxMs);
        log.warn("attempt failed, will retry", { seq: m.seq, attempt, delayMs: delay, error: errorMessage(err) });
        m.nak(delay);
        return;
      }
      await giveUp(m, event, err, attempt);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function giveUp(m: JsMsg, event: RecordedEvent | null, err: unknown, attempts: number) {
    log.error("giving up", { seq: m.seq, attempts, error: errorMessage(err) });
    const f: FinalFailure = {
      event: event ?? ({ id: `undecodable-${m.seq}`, type: "Undecodable", seq: m.seq, aggregateId: "-", aggregateType: "job", data: null, schemaVersion: 0, metadata: { occurredAt: "", correlationId: "", causationId: null, actor: "system" } } as RecordedEvent),
      error: err,
      attempts,
    };
    try {
      if (event && spec.onFinalFailure) await spec.onFinalFailure(f);
      await deps.deadLetters.record(spec.name, f);
      stats.deadLettered++;
      m.term(errorMessage(err).slice(0, 200));
    } catch (recordErr) {
      // recording failed (e.g. NATS down): leave the message to be redelivered and recorded later
      log.error("could not record the final failure; leaving the message for redelivery", { error: errorMessage(recordErr) });
      m.nak(spec.backoffBaseMs);
    }
  }

  const inFlight = new Set<Promise<void>>();
  async function loop() {
    while (!stopping) {
      let m: JsMsg | null = null;
      try {
        m = await consumer.next({ expires: 1_000 });
      } catch (err) {
        if (stopping) break;
        log.warn("fetch failed; retrying", { error: errorMessage(err) });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!m) continue;
      if (stopping) {
        m.nak(0);
        break;
      }
      const p = process(m);
      inFlight.add(p);
      await p;
      inFlight.delete(p);
    }
  }
  // prefetch mode: one streaming pull, at most `concurrency` handlers at once
  async function streamLoop() {
    const slots = Math.max(1, spec.concurrency);
    let free = slots;
    let wake: (() => void) | null = null;
    const messages = await consumer.consume({ max_messages: slots * 2, expires: 1_000 });
    stopStream = () => void messages.stop();
    for await (const m of messages) {
      if (stopping) {
        m.nak(0);
        continue;
      }
      while (free === 0) await new Promise<void>((r) => (wake = r));
      free--;
      const p = process(m).finally(() => {
        free++;
        inFlight.delete(p);
        wake?.();
        wake = null;
      });
      inFlight.add(p);
    }
    await Promise.allSettled([...inFlight]);
  }
  let stopStream: () => void = () => {};
  const loops = spec.prefetch ? [streamLoop()] : Array.from({ length: Math.max(1, spec.concurrency) }, () => loop());
  log.info("consuming", { filter: spec.filterSubjects, concurrency: spec.concurrency });

  return {
    name: spec.name,
    stats,
    async stop(deadlineMs = 10_000) {
      stopping = true;
      stopStream();
      const timer = setTimeout(() => abort.abort(new Error("shutdown deadline reached")), deadlineMs);
      await Promise.allSettled(loops);
      clearTimeout(timer);
    },
  };
}
