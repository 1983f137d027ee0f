/**
 * Composition root of the worker process: `node --import tsx workers/main.ts <kind...>` where kind
 * is all | render | transcribe | workflow | integrations. The only place workers read process.env.
 * Several processes (on several machines) can run the same kinds against one NATS: they share the
 * durable consumers and split the work.
 */
import { hostname } from "node:os";
import { connectNats } from "../core/nats/connect";
import { EventStore } from "../core/eventlog/event-store";
import { ensureEventStream } from "../core/eventlog/stream-setup";
import { startReactor } from "../core/consumers/reactor";
import type { ConsumerSpec, RunningConsumer } from "../core/consumers/durable-consumer";
import { createLogger } from "../core/log/logger";
import { mediaRoots } from "../core/storage/media-paths";
import { InFlightCounter, startHeartbeat } from "../core/heartbeat/heartbeat";
import { openWorkersBucket } from "../core/heartbeat/workers-bucket";
import { parseWorkerConfig } from "./worker-config";
import { batchWorkflowConsumers } from "./workflow/batch-workflow";
import { renderReactor } from "./render/render-reactor";
import { transcribeReactor } from "./transcribe/transcribe-reactor";
import { integrationReactors } from "./integrations/integration-reactors";
import { integrationSecrets, parseIntegrationConfig } from "./integrations/integrations-config";
import { splitCommandLine } from "./render/external-renderer";
import { cleanupStaleTemps } from "./render/publish";

const KINDS = ["render", "transcribe", "workflow", "integrations"] as const;
type Kind = (typeof KINDS)[number];

async function main() {
  const args = process.argv.slice(2);
  const kinds: Kind[] = args.length === 0 || args.includes("all") ? [...KINDS] : (args as Kind[]);
  const bad = kinds.filter((k) => !KINDS.includes(k));
  if (bad.length) throw new Error(`Unknown worker kind ${bad.join(", ")}: use all, ${KINDS.join(", ")}.`);

  const config = parseWorkerConfig(process.env);
  const integrations = kinds.includes("integrations") ? parseIntegrationConfig(process.env) : null;
  const secrets = [config.NATS_TOKEN, ...(integrations ? integrationSecrets(integrations) : [])].filter((s): s is string => Boolean(s));
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, secrets }, { component: "worker" });
  const nc = await connectNats({ url: config.NATS_URL, name: `emberflow-worker-${config.WORKER_ID}`, token: config.NATS_TOKEN });
  const names = { stream: config.EVENT_STREAM, prefix: config.EVENT_SUBJECT_PREFIX };
  const store = await EventStore.open(nc, names);
  await ensureEventStream(store.jsm, { names, replicas: config.EVENT_STREAM_REPLICAS });
  const roots = mediaRoots(config.DATA_DIR, config.RENDER_OUTPUT_DIR);
  const timing = { ackWaitMs: config.ACK_WAIT_MS, backoffBaseMs: config.BACKOFF_BASE_MS, backoffMaxMs: config.BACKOFF_MAX_MS };

  const specs: { kind: Kind; spec: ConsumerSpec }[] = [];
  if (kinds.includes("workflow"))
    for (const spec of batchWorkflowConsumers(store, { concurrency: config.WORKFLOW_CONCURRENCY })) specs.push({ kind: "workflow", spec });
  if (kinds.includes("render")) {
    // temporaries of a render whose worker was killed: untouched for 15 min means nobody writes them
    const removed = await cleanupStaleTemps(roots.outputDir, 15 * 60_000);
    if (removed) logger.info("removed stale render temporaries", { removed });
    specs.push({
      kind: "render",
      spec: renderReactor(store, {
        nc,
        roots,
        logger: logger.child({ component: "render" }),
        workerId: config.WORKER_ID,
        concurrency: config.RENDER_CONCURRENCY,
        maxAttempts: config.RENDER_MAX_ATTEMPTS,
        timeoutMs: config.RENDER_TIMEOUT_MS,
        renderer: config.RENDERER ? splitCommandLine(config.RENDERER) : undefined,
        ...timing,
      }),
    });
  }
  if (kinds.includes("transcribe"))
    specs.push({
      kind: "transcribe",
      spec: transcribeReactor(store, {
        nc,
        roots,
        logger: logger.child({ component: "transcribe" }),
        workerId: config.WORKER_ID,
        concurrency: config.TRANSCRIBE_CONCURRENCY,
        maxAttempts: config.TRANSCRIBE_MAX_ATTEMPTS,
        whisperUrl: config.WHISPER_SERVICE_URL,
        ...timing,
      }),
    });
  if (integrations) {
    const r = integrationReactors(store, { config: integrations, roots, logger: logger.child({ component: "integrations" }) });
    for (const line of r.describe()) logger.info(line, { component: "integrations" });
    for (const spec of r.specs) specs.push({ kind: "integrations", spec });
  }

  const running: RunningConsumer[] = [];
  const inFlight = new InFlightCounter();
  for (const { kind, spec } of specs)
    running.push(
      await startReactor(store, { ...spec, handle: (event, ctx) => inFlight.track(() => spec.handle(event, ctx)) }, { logger: logger.child({ component: kind }), actor: `worker:${kind}` }),
    );
  logger.info("workers running", { kinds: kinds.join(","), consumers: running.map((r) => r.name).join(","), nats: config.NATS_URL });
  // announced once consuming, so "seen" means "working"; the ops view lists it (docs/architecture.md)
  const heartbeat = await startHeartbeat((await openWorkersBucket(nc, names, { replicas: config.EVENT_STREAM_REPLICAS })).kv, {
    workerId: config.WORKER_ID,
    host: hostname(),
    pid: process.pid,
    kinds,
    inFlight: () => inFlight.count,
    handled: () => running.reduce((n, r) => n + r.stats.handled, 0),
    logger: logger.child({ component: "heartbeat" }),
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping: finishing in-flight work", { signal, deadlineMs: config.SHUTDOWN_DEADLINE_MS });
    // past the deadline handlers are aborted and their messages released; a handler that ignores
    // its abort signal must not keep the process (and the launcher waiting on it) alive for ever
    setTimeout(() => {
      logger.error("shutdown took longer than the deadline plus 10 s; exiting anyway");
      process.exit(1);
    }, config.SHUTDOWN_DEADLINE_MS + 10_000).unref();
    await Promise.all(running.map((r) => r.stop(config.SHUTDOWN_DEADLINE_MS)));
    await heartbeat.stop(); // leaves the list now instead of turning stale
    await nc.drain().catch(() => nc.close());
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`emberflow worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
