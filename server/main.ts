import "reflect-metadata";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EventStore } from "../core/eventlog/event-store";
import { ensureEventStream } from "../core/eventlog/stream-setup";
import { createLogger } from "../core/log/logger";
import { connectNats } from "../core/nats/connect";
import { openReadModel } from "../projections/read-model";
import { startProjector } from "../projections/projector";
import { createServerApp } from "./app";
import { ConfigError, configSecrets, loadServerConfig } from "./config";

/**
 * Composition root of one server node: the only place that reads process.env. `npm start` runs
 * this with NATS_URL pointing at the embedded nats-server; in a cluster, point it at NATS yourself.
 */
let config;
try {
  config = loadServerConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger({ level: config.logLevel, format: config.logFormat, secrets: configSecrets(config) }, { component: "server" });
if (!config.natsUrl) {
  logger.error("NATS_URL is not set: start everything with `npm start` (it launches NATS), or set NATS_URL=nats://host:port.");
  process.exit(2);
}

const dataDir = resolve(config.dataDir);
await mkdir(dataDir, { recursive: true });
const nc = await connectNats({ url: config.natsUrl, name: "emberflow-server", token: config.natsToken ?? undefined });
const store = await EventStore.open(nc, config.names);
await ensureEventStream(store.jsm, { names: config.names, replicas: config.streamReplicas });
const readModel = openReadModel(join(dataDir, "read-model.sqlite"));
const projector = await startProjector({ store, readModel, logger: logger.child({ component: "projector" }) });
const app = await createServerApp({ config, nc, store, readModel, projector, logger });
await app.listen();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info("shutting down", { signal });
  // a deadline: a stuck client must not keep the process alive forever
  const timer = setTimeout(() => {
    logger.error("shutdown took longer than 10 s; exiting anyway");
    process.exit(1);
  }, 10_000);
  timer.unref();
  try {
    await app.close();
    await projector.stop();
    readModel.close();
    await nc.drain();
  } catch (err) {
    logger.error("error during shutdown", { error: err });
  }
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
