import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectNats } from "../core/nats/connect";
import { startLocalNatsServer, type LocalNatsServer } from "../core/nats/local-server";
import { EventStore } from "../core/eventlog/event-store";
import { ensureEventStream } from "../core/eventlog/stream-setup";
import type { EventLogNames } from "../core/eventlog/subjects";

export interface TestNats {
  readonly server: LocalNatsServer;
  readonly dir: string;
  connect(name?: string): Promise<NatsConnection>;
  stop(): Promise<void>;
}

/** A private nats-server per test file: free port, temp store, removed afterwards. Never the shared one on 4222. */
export async function startTestNats(): Promise<TestNats> {
  const dir = await mkdtemp(join(tmpdir(), "ef-nats-"));
  // tests do not need fsync on every write; the durability choice is measured in bench/
  const server = await startLocalNatsServer({ storeDir: join(dir, "js"), syncInterval: "2m" });
  const conns: NatsConnection[] = [];
  return {
    server,
    dir,
    async connect(name = "test") {
      const nc = await connectNats({ url: server.url, name });
      conns.push(nc);
      return nc;
    },
    async stop() {
      await Promise.allSettled(conns.map((c) => c.close()));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** Unique stream and subject names, so tests sharing a server never see each other's events. */
export function uniqueNames(label = "t"): EventLogNames {
  const n = `${label}${process.pid}x${Date.now().toString(36)}${counter++}`;
  return { stream: `EF_${n.toUpperCase()}`, prefix: `ef${n}` };
}

export async function openTestStore(nc: NatsConnection, names = uniqueNames()): Promise<EventStore> {
  const store = await EventStore.open(nc, names);
  await ensureEventStream(store.jsm, { names, replicas: 1 });
  return store;
}
