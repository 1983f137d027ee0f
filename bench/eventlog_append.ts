/**
 * Event-log append rate under each fsync policy, measured side by side in one run:
 * JetStream's default (fsync every 2 minutes, the baseline), `1s`, and `always` (every acknowledged
 * event on disk before the ack). docs/durability.md records the figures and the choice. Prints appends/s for awaited single appends (one aggregate, with the
 * expected-version check) and for many aggregates in parallel (how the workflow fans out).
 *   node --import tsx bench/eventlog_append.ts [events]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectNats } from "../core/nats/connect";
import { startLocalNatsServer } from "../core/nats/local-server";
import { EventStore } from "../core/eventlog/event-store";
import { ensureEventStream } from "../core/eventlog/stream-setup";

const N = Number(process.argv[2] ?? 3000);
const meta = { occurredAt: new Date().toISOString(), correlationId: "bench", causationId: null, actor: "bench" };
const event = (i: number) => ({ type: "RenderStarted", data: { attempt: i, worker: "bench-worker-with-a-realistic-name" } });

async function measure(sync: string) {
  const dir = await mkdtemp(join(tmpdir(), "ef-bench-"));
  const server = await startLocalNatsServer({ storeDir: dir, syncInterval: sync });
  const nc = await connectNats({ url: server.url, name: "bench" });
  const names = { stream: "BENCH", prefix: "bench.events" };
  const store = await EventStore.open(nc, names);
  await ensureEventStream(store.jsm, { names, replicas: 1 });
  let v = 0;
  let t = performance.now();
  for (let i = 0; i < N; i++) v = (await store.append("job", "one", [event(i)], { expectedVersion: v, metadata: meta })).position;
  const serial = N / ((performance.now() - t) / 1000);
  t = performance.now();
  const lanes = 64;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      let ver = 0;
      for (let i = 0; i < N / lanes; i++) ver = (await store.append("job", `lane${lane}`, [event(i)], { expectedVersion: ver, metadata: meta })).position;
    }),
  );
  const parallel = N / ((performance.now() - t) / 1000);
  await nc.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
  return { serial, parallel };
}

const lazy = await measure("2m");
const oneSecond = await measure("1s");
const always = await measure("always");
const f = (n: number) => `${Math.round(n).toLocaleString("en")}/s`.padStart(9);
console.log(`events per run: ${N}`);
for (const [label, r] of [["2m (JetStream default)", lazy], ["1s", oneSecond], ["always", always]] as const)
  console.log(
    `sync_interval=${label.padEnd(23)} serial ${f(r.serial)} (x${(r.serial / lazy.serial).toFixed(2)})  ` +
      `64 aggregates in parallel ${f(r.parallel)} (x${(r.parallel / lazy.parallel).toFixed(2)})`,
  );
