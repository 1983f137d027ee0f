/**
 * Orchestration throughput: no-op jobs through the whole pipeline (create -> fan-out -> render ->
 * transcribe -> job complete -> batch settled/completed -> projected into SQLite), against plain
 * BullMQ moving no-op jobs through two queues on the same machine (Redis on 127.0.0.1:6379), in
 * the same run. Also checks that cost grows linearly with batch size (jobs/s at 100 vs 1000 per
 * batch) and that every batch completes exactly once. Laid out as `npm start` runs it: the workers
 * (workflow, a no-op render and transcribe) in this process, the projector in a process of its own
 * (the server's), each with its own NATS connection. NATS_SYNC_INTERVAL (default 1s, the embedded
 * server's setting; `always` for the cluster's) sets the event stream's fsync policy.
 *   node --import tsx bench/pipeline_throughput.ts [totalJobs=2000]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { uuidv7 } from "uuidv7";
import { connectNats } from "../core/nats/connect";
import { startLocalNatsServer } from "../core/nats/local-server";
import { EventStore } from "../core/eventlog/event-store";
import { ensureEventStream } from "../core/eventlog/stream-setup";
import { AggregateRepository } from "../core/eventlog/aggregate-repository";
import { eventTypeFilter } from "../core/eventlog/subjects";
import { CONSUMER_DEFAULTS, runConsumer, type ConsumerSpec } from "../core/consumers/durable-consumer";
import { quietLogger } from "../core/log/logger";
import { batchDecider } from "../domain/batch/batch-decider";
import { jobDecider } from "../domain/job/job-decider";
import { options, output, transcript, upload } from "../domain/job/fixtures";
import { batchWorkflowConsumers } from "../workers/workflow/batch-workflow";
import { spawn } from "node:child_process";
import { openReadModel } from "../projections/read-model";
import { openDatabase } from "../projections/sqlite/open-database";

const TOTAL = Number(process.argv[2] ?? 2000);
const SYNC = process.env.NATS_SYNC_INTERVAL ?? "1s";
const meta = () => ({ occurredAt: new Date().toISOString(), correlationId: "bench", causationId: null, actor: "bench" });

/** CPU seconds a process has used so far (utime + stime from /proc; clock ticks are 1/100 s on Linux). */
async function processCpu(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
interface Cost {
  rate: number;
  /** CPU milliseconds per job: the Node processes (workers, projector), and the broker (redis-server or nats-server). */
  nodeMs: number;
  projectorMs?: number;
  brokerMs: number;
}

async function bullmqBaseline(n: number): Promise<Cost> {
  const connection = { host: "127.0.0.1", port: 6379 };
  const tag = `efbench${Date.now()}`;
  const a = new Queue(`${tag}-a`, { connection });
  const b = new Queue(`${tag}-b`, { connection });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const wa = new Worker(`${tag}-a`, async (job) => void (await b.add("noop", job.data, { removeOnComplete: true })), { connection, concurrency: 50 });
  const wb = new Worker(`${tag}-b`, async () => void (++done === n && finish()), { connection, concurrency: 50 });
  const info = await (await a.client).info();
  const redisPid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  const [node0, redis0] = [nodeCpu(), await processCpu(redisPid)];
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500)
    await a.addBulk(Array.from({ length: Math.min(500, n - i) }, (_, k) => ({ name: "noop", data: { i: i + k }, opts: { removeOnComplete: true } })));
  await finished;
  const rate = n / ((performance.now() - t0) / 1000);
  const cost = { rate, nodeMs: ((nodeCpu() - node0) * 1000) / n, brokerMs: (((await processCpu(redisPid)) - redis0) * 1000) / n };
  await Promise.all([wa.close(), wb.close()]);
  await Promise.all([a.obliterate({ force: true }), b.obliterate({ force: true })]);
  await Promise.all([a.close(), b.close()]);
  return cost;
}

async function emberflow(total: number, perBatch: number) {
  const dir = await mkdtemp(join(tmpdir(), "ef-pipe-"));
  const server = await startLocalNatsServer({ storeDir: join(dir, "js"), syncInterval: SYNC });
  const nc = await connectNats({ url: server.url, name: "bench" });
  const names = { stream: "BENCH", prefix: "bench.events" };
  const store = await EventStore.open(nc, names);
  await ensureEventStream(store.jsm, { names, replicas: 1 });
  const jobs = new AggregateRepository(store, jobDecider, "job");
  const batches = new AggregateRepository(store, batchDecider, "batch");
  const base = { ...CONSUMER_DEFAULTS, concurrency: 64, maxAttempts: 20, backoffBaseMs: 50, prefetch: true };
  const noopRender: ConsumerSpec = {
    ...base,
    name: "render",
    filterSubjects: [eventTypeFilter(names, "job", "JobQueued")],
    // a no-op render has nothing to do between the two facts: issued together, the repository
    // decides them as one group and appends RenderStarted + OutputRendered in one round trip
    async handle(e, ctx) {
      await Promise.all([
        jobs.handle(e.aggregateId, { type: "StartRender", attempt: ctx.attempt, worker: "bench" }, meta()),
        jobs.handle(e.aggregateId, { type: "RecordOutput", output: output("flat_1080p") }, meta()),
      ]);
    },
  };
  const noopTranscribe: ConsumerSpec = {
    ...base,
    name: "transcribe",
    filterSubjects: [eventTypeFilter(names, "job", "JobQueued")],
    handle: async (e) => void (await jobs.handle(e.aggregateId, { type: "RecordTranscript", transcript: transcript() }, meta())),
  };
  const deps = { logger: quietLogger(), deadLetters: { record: async () => {} } };
  const consumers = await Promise.all(
    [...batchWorkflowConsumers(store, { concurrency: 64 }), noopRender, noopTranscribe].map((s) => runConsumer(store, s, deps)),
  );
  const path = join(dir, "read-model.sqlite");
  openReadModel(path).close(); // migrated before the projector process and the poller below open it
  const projector = spawn(process.execPath, ["--import", "tsx", "projections/testing/projector-child.ts", server.url, names.stream, names.prefix, path, "0", "5000"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((r) => projector.stdout!.once("data", () => r()));
  const readModel = openDatabase(path, { readonly: true });
  const statusOf = readModel.prepare<[string], { status: string }>("SELECT status FROM batches WHERE id = ?");
  const ids: string[] = [];
  const [node0, nats0, proj0] = [nodeCpu(), await processCpu(server.process.pid), await processCpu(projector.pid)];
  const t0 = performance.now();
  for (let b = 0; b < total / perBatch; b++) {
    const batchId = uuidv7();
    ids.push(batchId);
    await batches.handle(batchId, {
      type: "CreateBatch",
      batchId,
      name: `bench ${b}`,
      template: "flame",
      formats: ["flat_1080p"],
      options: options({ transcribe: true }),
      items: Array.from({ length: perBatch }, (_, i) => ({ jobId: uuidv7(), uploadId: `u${i}`, upload: upload(i) })),
      idempotencyKey: null,
      maxItems: perBatch,
    }, meta());
  }
  for (;;) {
    if (ids.every((id) => ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(statusOf.get(id)?.status ?? ""))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const nodeMs = ((nodeCpu() - node0) * 1000) / total;
  const brokerMs = (((await processCpu(server.process.pid)) - nats0) * 1000) / total;
  const projectorMs = (((await processCpu(projector.pid)) - proj0) * 1000) / total;
  let completions = 0;
  for (const id of ids) completions += (await store.load("batch", id)).events.filter((e) => e.type === "BatchCompleted").length;
  const events = await store.lastPosition();
  await Promise.all(consumers.map((c) => c.stop(2_000)));
  projector.kill("SIGTERM");
  readModel.close();
  await nc.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
  return { rate: total / seconds, nodeMs, projectorMs, brokerMs, seconds, completions, batches: ids.length, events };
}

const f = (n: number) => Math.round(n).toLocaleString("en");
const ms = (c: Cost) =>
  c.projectorMs === undefined
    ? `CPU/job ${c.nodeMs.toFixed(2)} ms node + ${c.brokerMs.toFixed(2)} ms broker`
    : `CPU/job ${c.nodeMs.toFixed(2)} ms workers + ${c.projectorMs.toFixed(2)} ms projector + ${c.brokerMs.toFixed(2)} ms broker`;
const baseline = await bullmqBaseline(TOTAL);
console.log(`BullMQ, ${f(TOTAL)} no-op jobs through two queues (concurrency 50): ${f(baseline.rate)} jobs/s, ${ms(baseline)}`);
for (const perBatch of [100, 1000]) {
  const r = await emberflow(TOTAL, perBatch);
  console.log(
    `emberflow (sync_interval=${SYNC}), ${f(TOTAL)} no-op jobs in ${r.batches} batches of ${perBatch}: ${f(r.rate)} jobs/s ` +
      `(${f(r.events)} events, ${r.seconds.toFixed(2)} s), ${ms(r)}, ratio vs BullMQ ${(r.rate / baseline.rate).toFixed(2)}, ` +
      `batches completed ${r.completions}/${r.batches} (exactly once: ${r.completions === r.batches})`,
  );
}
process.exit(0);
