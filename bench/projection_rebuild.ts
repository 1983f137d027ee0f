/**
 * Projection rebuild throughput, with baselines measured in the same run on the same machine:
 *   node --import tsx bench/projection_rebuild.ts [--events 100000] [--jobs-per-batch 100]
 * Appends realistic events (batches of 100 jobs with full lifecycles: queued, render started,
 * outputs, Drive deliveries, transcript, completion, settlement, some retries and failures) to a
 * private nats-server, then times:
 *   raw read     - ordered consumer, messages counted, no decoding (the transport's ceiling)
 *   decoded read - the projector's log reader (decode + upcast), no SQLite
 *   raw sqlite   - one INSERT per event into a single table, 5,000 per transaction (the disk's floor)
 *   rebuild      - rebuildReadModel(): every read model, from seq 1 into a fresh file
 *   catch-up     - the live projector (startProjector) on an empty file: what a new server node does
 * Target (DESIGN.md section 6): rebuild >= 50,000 events/s.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DeliverPolicy } from "@nats-io/jetstream";
import { startTestNats, openTestStore } from "../test-support/nats";
import { allEvents } from "../core/eventlog/subjects";
import type { EventEnvelope } from "../domain/shared/envelope";
import { openDatabase } from "../projections/sqlite/open-database";
import { startLogReader } from "../projections/log-reader";
import { rebuildReadModel } from "../projections/rebuild";
import { openReadModel } from "../projections/read-model";
import { startProjector } from "../projections/projector";
import { quietLogger } from "../core/log/logger";
import { EventFactory, publishPipelined } from "../projections/testing/event-factory";

const { values } = parseArgs({ options: { events: { type: "string", default: "100000" }, "jobs-per-batch": { type: "string", default: "100" } } });
const wanted = Number(values.events);
const jobsPerBatch = Number(values["jobs-per-batch"]);
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
const fmt = (n: number) => n.toLocaleString("en-US");

/** Wall time, and this process's CPU time: on a shared machine the CPU figure is the steadier one. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(c);
  return { value, ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), "ef-bench-rebuild-"));
const nats = await startTestNats();
try {
  const store = await openTestStore(await nats.connect("bench"));
  const f = new EventFactory("bench");
  const events: EventEnvelope[] = [];
  while (events.length < wanted) events.push(...f.batchLifecycle(jobsPerBatch, { failEvery: 10, failHard: 50 }));
  const pub = await timed(() => publishPipelined(store, events));
  const last = pub.value;
  console.log(`machine: ${cpus().length} CPUs, node ${process.version}`);
  console.log(`appended ${fmt(last)} events in ${Math.round(pub.ms)} ms (${fmt(rate(last, pub.ms))} events/s, pipelined publishes)`);

  // raw read: the transport alone
  const raw = await timed(async () => {
    const c = await store.js.consumers.get(store.names.stream, {
      filter_subjects: [allEvents(store.names)], deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1,
    });
    const msgs = await c.consume({ max_messages: 10_000 });
    let n = 0;
    for await (const m of msgs) if (++n, m.seq >= last) break;
    await msgs.close();
    return n;
  });

  // decoded read: what the projector does before SQLite
  const decoded = await timed(async () => {
    let n = 0;
    let reached!: () => void;
    const done = new Promise<void>((r) => (reached = r));
    const reader = await startLogReader({ store, fromSeq: 1, maxBatch: 5000, onBatch: (b) => { n += b.length; if (b.at(-1)!.seq >= last) reached(); } });
    await done;
    await reader.stop();
    return n;
  });

  // raw sqlite: one row per event, same pragmas as a rebuild
  const payloads = events.map((e) => JSON.stringify(e.data));
  const sqlite = await timed(async () => {
    const db = openDatabase(join(dir, "raw.sqlite"));
    db.pragma("synchronous = OFF");
    db.exec("CREATE TABLE t (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, aggregate_id TEXT NOT NULL, data TEXT NOT NULL) STRICT");
    const ins = db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
    const tx = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) ins.run(i + 1, events[i]!.type, events[i]!.aggregateId, payloads[i]!);
    });
    for (let i = 0; i < events.length; i += 5000) tx(i, Math.min(events.length, i + 5000));
    db.close();
    return events.length;
  });

  const rebuild = await timed(() => rebuildReadModel({ store, path: join(dir, "read-model.sqlite") }));

  // catch-up: the live path, one SQLite transaction per run the log reader hands over, in this thread
  const catchUp = await timed(async () => {
    const rm = openReadModel(join(dir, "live.sqlite"));
    const projector = await startProjector({ store, readModel: rm, logger: quietLogger() });
    if (!(await projector.waitFor(last, 600_000))) throw new Error("the projector did not catch up");
    await projector.stop();
    rm.close();
    return last;
  });

  const r = {
    raw: rate(raw.value, raw.ms),
    decoded: rate(decoded.value, decoded.ms),
    sqlite: rate(sqlite.value, sqlite.ms),
    rebuild: rate(rebuild.value.events, rebuild.ms),
    catchUp: rate(catchUp.value, catchUp.ms),
  };
  const c = {
    raw: rate(raw.value, raw.cpuMs),
    decoded: rate(decoded.value, decoded.cpuMs),
    sqlite: rate(sqlite.value, sqlite.cpuMs),
    rebuild: rate(rebuild.value.events, rebuild.cpuMs),
    catchUp: rate(catchUp.value, catchUp.cpuMs),
  };
  console.log("");
  console.log(`raw ordered-consumer read   ${fmt(r.raw).padStart(10)} events/s  (baseline)`);
  console.log(`decoded read (log reader)   ${fmt(r.decoded).padStart(10)} events/s  ${(r.decoded / r.raw).toFixed(2)}x raw read`);
  console.log(`raw SQLite inserts          ${fmt(r.sqlite).padStart(10)} events/s  (baseline)`);
  console.log(`rebuild (all read models)   ${fmt(r.rebuild).padStart(10)} events/s  ${(r.rebuild / r.raw).toFixed(2)}x raw read, ${(r.rebuild / r.sqlite).toFixed(2)}x raw SQLite`);
  console.log(`live projector catch-up     ${fmt(r.catchUp).padStart(10)} events/s  ${(r.catchUp / r.rebuild).toFixed(2)}x rebuild (a new node catching up)`);
  console.log("");
  console.log(`per CPU-second of this process (nats-server excluded; steadier on a busy machine):`);
  console.log(`raw read ${fmt(c.raw)}, decoded read ${fmt(c.decoded)}, raw SQLite ${fmt(c.sqlite)}, rebuild ${fmt(c.rebuild)}, catch-up ${fmt(c.catchUp)} events/CPU-s;` +
    ` rebuild = ${(c.rebuild / c.raw).toFixed(2)}x raw read, ${(c.rebuild / c.sqlite).toFixed(2)}x raw SQLite`);
  console.log(`rebuild of ${fmt(rebuild.value.events)} events took ${Math.round(rebuild.ms)} ms; target >= 50,000 events/s: ${r.rebuild >= 50_000 ? "met" : "NOT met"}`);
} finally {
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
