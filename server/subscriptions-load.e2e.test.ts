import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishProgress } from "../core/progress/progress-channel";
import { startServerHarness, type ServerHarness } from "./testing/server-harness";

let h: ServerHarness;
beforeAll(async () => {
  h = await startServerHarness();
});
afterAll(async () => h?.stop());

/**
 * DESIGN.md section 6: 1,000 concurrent subscribers get a progress update within 100 ms at p99.
 * Client and server share this process, and the full suite runs files in parallel on small
 * machines, so the 100 ms bar is asserted with EF_STRICT_PERF=1 (run this file alone); otherwise
 * a loose bound catches regressions by an order of magnitude (e.g. per-subscriber NATS subscriptions).
 */
const P99_LIMIT_MS = process.env.EF_STRICT_PERF === "1" ? 100 : 1000;
describe("subscription fan-out", () => {
  it("delivers one progress tick to 1,000 subscribers (20 connections) within 100 ms at p99", async () => {
    const SUBSCRIBERS = 1000;
    const clients = Array.from({ length: 20 }, () => h.wsClient());
    const received: number[] = [];
    const live = new Set<number>();
    let sentAt = 0;
    const ready = new Promise<void>((resolve) => {
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const client = clients[i % clients.length]!;
        client.subscribe(
          { query: `subscription { jobProgress(batchId: "load") { jobId percent } }` },
          {
            next: (v) => {
              const d = v.data as { jobProgress: { percent: number } } | undefined;
              if (d?.jobProgress.percent === -1) {
                live.add(i);
                if (live.size === SUBSCRIBERS) resolve();
              } else received.push(performance.now() - sentAt);
            },
            error: () => {},
            complete: () => {},
          },
        );
      }
    });
    // warm-up ticks until every subscription is confirmed live
    const tick = (percent: number) => publishProgress(h.nc, h.names, { batchId: "load", jobId: "j", stage: "render", format: null, percent, etaSeconds: null, at: "" });
    const warm = setInterval(() => live.size < SUBSCRIBERS && tick(-1), 50);
    await ready;
    clearInterval(warm);
    await new Promise((r) => setTimeout(r, 200)); // let warm-up stragglers drain
    received.length = 0;
    sentAt = performance.now();
    tick(50);
    for (let i = 0; i < 100 && received.length < SUBSCRIBERS; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(SUBSCRIBERS);
    const sorted = [...received].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(SUBSCRIBERS * 0.99) - 1]!;
    console.log(`fan-out latency ms: p50 ${sorted[499]!.toFixed(1)} p99 ${p99.toFixed(1)} max ${sorted[999]!.toFixed(1)} min ${sorted[0]!.toFixed(1)}`);
    expect(p99).toBeLessThan(P99_LIMIT_MS);
  });
});
