import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll } from "vitest";
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

/** Metadata for the events a test appends itself. */
export const TEST_METADATA = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" } as const;

/**
 * The usual preamble of a test file: a private nats-server started before its tests and stopped
 * after them, one connection to it, and a fresh event store (unique names) per call of `store()`.
 */
export function useTestNats(): { readonly nc: () => NatsConnection; readonly store: () => Promise<EventStore> } {
  let nats: TestNats | undefined;
  let conn: NatsConnection | undefined;
  beforeAll(async () => {
    nats = await startTestNats();
    conn = await nats.connect();
  });
  afterAll(async () => nats?.stop());
  const nc = () => {
    if (!conn) throw new Error("useTestNats: the server starts in beforeAll; use it inside a test");
    return conn;
  };
  return { nc, store: () => openTestStore(nc()) };
}
