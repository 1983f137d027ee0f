import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { AggregateRepository } from "../core/eventlog/aggregate-repository";
import type { EventStore } from "../core/eventlog/event-store";
import type { Logger } from "../core/log/logger";
import { mediaRoots } from "../core/storage/media-paths";
import { batchDecider } from "../domain/batch/batch-decider";
import { jobDecider } from "../domain/job/job-decider";
import type { ReadModelQueries } from "../projections/read-model-types";
import { Authenticator } from "./auth/principal";
import { Commands } from "./commands/commands";
import type { ServerConfig } from "./config";
import { createApollo } from "./graphql/apollo";
import { attachGraphQLWs } from "./graphql/graphql-ws";
import { buildAppSchema } from "./graphql/schema";
import { Metrics } from "./http/metrics";
import { createRouter } from "./http/router";
import { BatchUpdateHub } from "./live/batch-update-hub";
import { ProgressHub } from "./live/progress-hub";
import { WorkerDirectory } from "./live/worker-directory";
import type { ServerServices } from "./services";
import type { ProjectorHandle } from "./projector-handle";
import { UploadStore } from "./uploads/upload-store";

export interface ServerAppDeps {
  readonly config: ServerConfig;
  readonly nc: NatsConnection;
  readonly store: EventStore;
  readonly readModel: ReadModelQueries;
  readonly projector: ProjectorHandle;
  readonly logger: Logger;
  /** Dashboard build folder; defaults to web/dist of this checkout. */
  readonly webDist?: string;
}

export interface ServerApp {
  readonly httpServer: Server;
  readonly services: ServerServices;
  /** Listens on config.host:config.port (port 0 = any free port); resolves the bound port. */
  listen(): Promise<number>;
  /** Stops accepting, closes subscriptions and connections. Does not close NATS, the store or the read model (the caller owns them). */
  close(): Promise<void>;
}

/** Composes the HTTP server, GraphQL (HTTP + WebSocket), uploads and live updates over the given infrastructure. */
export async function createServerApp(d: ServerAppDeps): Promise<ServerApp> {
  const { config, logger } = d;
  const auth = new Authenticator(config.apiTokens);
  const uploads = new UploadStore(mediaRoots(config.dataDir, config.renderOutputDir));
  const commands = new Commands({
    store: d.store,
    batches: new AggregateRepository(d.store, batchDecider, "batch"),
    jobs: new AggregateRepository(d.store, jobDecider, "job"),
    uploads,
    readModel: d.readModel,
    maxBatchItems: config.maxBatchItems,
  });
  const metrics = new Metrics();
  const progress = new ProgressHub(d.nc, config.names);
  const batchUpdates = new BatchUpdateHub(d.projector, d.readModel, progress, logger.child({ component: "live" }));
  const workers = new WorkerDirectory(d.nc, config.names, config.streamReplicas);
  const services: ServerServices = { config, readModel: d.readModel, projector: d.projector, commands, batchUpdates, progress, workers, metrics, logger };

  const schema = await buildAppSchema();
  const apollo = await createApollo({ schema, logger: logger.child({ component: "graphql" }), maxDepth: config.graphqlMaxDepth, maxComplexity: config.graphqlMaxComplexity });
  const httpServer = createServer({ requestTimeout: 0 }); // uploads of gigabytes may take long
  const ws = attachGraphQLWs({ httpServer, schema, services, auth });
  httpServer.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/graphql") return socket.destroy();
    ws.wss.handleUpgrade(req, socket, head, (client) => ws.wss.emit("connection", client, req));
  });
  const router = createRouter({
    services,
    apollo,
    auth,
    uploads,
    webDist: d.webDist ?? resolve(import.meta.dirname, "../web/dist"),
    natsConnected: () => !d.nc.isClosed() && !d.nc.isDraining(),
    maxReadyLag: 1000,
  });
  httpServer.on("request", (req, res) => void router(req, res));

  metrics.counterFrom("emberflow_events_appended_total", "Events this node appended to the log.", () => d.store.appended);
  // every event anyone appended (workers included: they have no HTTP port of their own)
  metrics.gauge("emberflow_event_log_position", "Stream position of the newest event in the log, whoever appended it.", () => d.store.lastPosition());
  metrics.gauge("emberflow_projector_position", "Stream position applied to this node's read model.", () => d.projector.position());
  metrics.gauge("emberflow_projector_lag", "Events in the log not yet applied here.", () => d.projector.lag());
  // consumers live in JetStream, shared by every worker process: read their state from there
  const consumers = async () => {
    const rows: { name: string; redelivered: number; pending: number; ackPending: number }[] = [];
    for await (const c of d.store.jsm.consumers.list(d.store.names.stream))
      rows.push({ name: c.name, redelivered: c.num_redelivered, pending: c.num_pending, ackPending: c.num_ack_pending });
    return rows;
  };
  metrics.labelled("emberflow_consumer_redelivered", "Messages delivered more than once, per durable consumer.", "gauge", async () =>
    (await consumers()).map((c) => ({ labels: { consumer: c.name }, value: c.redelivered })),
  );
  metrics.labelled("emberflow_consumer_pending", "Events not yet delivered, per durable consumer (its lag).", "gauge", async () =>
    (await consumers()).map((c) => ({ labels: { consumer: c.name }, value: c.pending })),
  );
  metrics.labelled("emberflow_consumer_ack_pending", "Events being worked on, per durable consumer.", "gauge", async () =>
    (await consumers()).map((c) => ({ labels: { consumer: c.name }, value: c.ackPending })),
  );
  metrics.gauge("emberflow_subscriptions", "Active GraphQL subscriptions (batchUpdated, batchesChanged, queueStatsUpdated, jobProgress).", () => batchUpdates.subscribers + progress.subscribers);
  metrics.gauge("emberflow_websocket_connections", "Open graphql-ws connections.", () => ws.connections());

  progress.start();
  batchUpdates.start();
  if (config.apiTokens.length === 0)
    logger.warn(`No API_TOKENS configured: anyone who reaches this port may create and cancel batches, so the server listens on ${config.host} only. Set API_TOKENS=name:operator:<token> to expose it.`);

  return {
    httpServer,
    services,
    listen: () =>
      new Promise((res, rej) => {
        httpServer.once("error", rej);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off("error", rej);
          const port = (httpServer.address() as AddressInfo).port;
          logger.info("server listening", { url: `http://${config.host}:${port}`, graphql: "/graphql", uploads: "/uploads" });
          res(port);
        });
      }),
    async close() {
      batchUpdates.stop();
      progress.stop();
      await ws.close();
      await new Promise<void>((r) => {
        httpServer.close(() => r());
        httpServer.closeAllConnections();
      });
      await apollo.stop();
    },
  };
}
