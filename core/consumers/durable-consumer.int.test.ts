import { describe, expect, it } from "vitest";
import { TEST_METADATA, useTestNats } from "../../test-support/nats";
import type { RecordedEvent } from "../../domain/shared/envelope";
import { quietLogger } from "../log/logger";
import { eventTypeFilter } from "../eventlog/subjects";
import type { EventStore } from "../eventlog/event-store";
import { runConsumer, type ConsumerSpec, type FinalFailure } from "./durable-consumer";
import { PermanentError } from "./handler-errors";
import { startReactor } from "./reactor";

const meta = TEST_METADATA;
const testNats = useTestNats();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

function spec(store: EventStore, over: Partial<ConsumerSpec>): ConsumerSpec {
  return {
    name: `c${Math.random().toString(36).slice(2, 8)}`,
    filterSubjects: [eventTypeFilter(store.names, "job", "RenderStarted")],
    concurrency: 1,
    maxAttempts: 3,
    ackWaitMs: 2_000,
    backoffBaseMs: 50,
    backoffMaxMs: 200,
    handle: async () => {},
    ...over,
  };
}
const publish = (store: EventStore, id: string) =>
  store.append("job", id, [{ type: "RenderStarted", data: { attempt: 1, worker: "t" } }], { expectedVersion: "any", metadata: meta });
const deps = { logger: quietLogger(), deadLetters: { record: async () => {} } };

describe("durable consumer runtime", () => {
  it("retries a transient failure with backoff and acks once the work succeeds", async () => {
    const store = await testNats.store();
    const attempts: number[] = [];
    const c = await runConsumer(store, spec(store, {
      handle: async (_e, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error("flaky");
      },
    }), deps);
    await publish(store, "a");
    await until(() => c.stats.handled === 1);
    await sleep(300);
    expect(attempts).toEqual([1, 2, 3]);
    await c.stop();
  });

  it("turns a permanent failure into a final failure and a dead letter at once, without retries", async () => {
    const store = await testNats.store();
    const finals: FinalFailure[] = [];
    const c = await startReactor(store, spec(store, {
      handle: async () => {
        throw new PermanentError("AUDIO_UNDECODABLE", "not audio");
      },
      onFinalFailure: async (f) => void finals.push(f),
    }), { logger: quietLogger(), actor: "worker:test" });
    const { position } = await publish(store, "p");
    await until(() => c.stats.deadLettered === 1);
    expect(finals).toHaveLength(1);
    expect(finals[0]!.attempts).toBe(1);
    const dl = await store.load("deadletter", `${c.name}-${position}`);
    expect(dl.events.map((e) => e.type)).toEqual(["MessageDeadLettered"]);
    expect(dl.events[0]!.data).toMatchObject({ error: "not audio", streamSeq: position, deliveries: 1 });
    await c.stop();
  });

  it("gives up after the last attempt, and an operator's retry runs the handler again", async () => {
    const store = await testNats.store();
    let healthy = false;
    const seen: RecordedEvent[] = [];
    const c = await startReactor(store, spec(store, {
      maxAttempts: 2,
      handle: async (e) => {
        if (!healthy) throw new Error("service down");
        seen.push(e);
      },
    }), { logger: quietLogger(), actor: "worker:test" });
    const { position } = await publish(store, "d");
    await until(() => c.stats.deadLettered === 1);
    healthy = true;
    const id = `${c.name}-${position}`;
    await store.append("deadletter", id, [{ type: "DeadLetterRetryRequested", data: { deadLetterId: id, consumer: c.name, streamSeq: position } }], { expectedVersion: "any", metadata: meta });
    await until(() => seen.length === 1);
    await sleep(200);
    const dl = await store.load("deadletter", id);
    expect(dl.events.map((e) => e.type)).toEqual(["MessageDeadLettered", "DeadLetterRetryRequested", "DeadLetterResolved"]);
    await c.stop();
  });

  it("an operator's retry runs the consumer's retryDeadLetter instead of the handler when it has one", async () => {
    const store = await testNats.store();
    const handled: string[] = [];
    const retried: RecordedEvent[] = [];
    const c = await startReactor(store, spec(store, {
      handle: async (e) => {
        handled.push(e.id);
        throw new PermanentError("X", "refused");
      },
      retryDeadLetter: async (e) => void retried.push(e),
    }), { logger: quietLogger(), actor: "worker:test" });
    const { position } = await publish(store, "r");
    await until(() => c.stats.deadLettered === 1);
    const id = `${c.name}-${position}`;
    await store.append("deadletter", id, [{ type: "DeadLetterRetryRequested", data: { deadLetterId: id, consumer: c.name, streamSeq: position } }], { expectedVersion: "any", metadata: meta });
    await until(() => retried.length === 1);
    expect(retried[0]!.seq).toBe(position);
    expect(handled).toHaveLength(1); // the handler ran on the delivery only
    await sleep(300);
    expect((await store.load("deadletter", id)).events.map((e) => e.type)).toEqual(["MessageDeadLettered", "DeadLetterRetryRequested", "DeadLetterResolved"]);
    await c.stop();
  });

  it("keeps a long job alive with heartbeats past its ack deadline (no redelivery)", async () => {
    const store = await testNats.store();
    let calls = 0;
    const c = await runConsumer(store, spec(store, {
      ackWaitMs: 600,
      handle: async () => {
        calls++;
        await sleep(2_000);
      },
    }), deps);
    await publish(store, "long");
    await until(() => c.stats.handled === 1);
    await sleep(800);
    expect(calls).toBe(1);
    expect(c.stats.redeliveries).toBe(0);
    await c.stop();
  });

  it.each([false, true])("runs up to `concurrency` handlers at once, and several processes share one durable (prefetch %s)", async (prefetch) => {
    const store = await testNats.store();
    let running = 0;
    let peak = 0;
    const handled: string[] = [];
    const s = spec(store, {
      concurrency: 4,
      prefetch,
      handle: async (e) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(150);
        handled.push(e.aggregateId);
        running--;
      },
    });
    const a = await runConsumer(store, s, deps);
    const b = await runConsumer(store, s, deps);
    await Promise.all(Array.from({ length: 16 }, (_, i) => publish(store, `n${i}`)));
    await until(() => handled.length === 16);
    expect(new Set(handled).size).toBe(16);
    expect(peak).toBeGreaterThan(4);
    expect(a.stats.handled).toBeGreaterThan(0);
    expect(b.stats.handled).toBeGreaterThan(0);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("on shutdown past the deadline aborts in-flight work and releases it to another process", async () => {
    const store = await testNats.store();
    const s = spec(store, {
      ackWaitMs: 30_000,
      handle: async (_e, ctx) => {
        await new Promise((_r, rej) => ctx.signal.addEventListener("abort", () => rej(new Error("aborted"))));
      },
    });
    const first = await runConsumer(store, s, deps);
    await publish(store, "x");
    await sleep(300);
    const t0 = Date.now();
    await first.stop(200);
    expect(Date.now() - t0).toBeLessThan(2_500);
    let got = 0;
    const second = await runConsumer(store, { ...s, handle: async () => void got++ }, deps);
    await until(() => got === 1, 5_000); // released with nak(0), not after the 30 s ack wait
    await second.stop();
  });
});
