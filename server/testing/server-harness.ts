import "reflect-metadata";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { NatsConnection } from "@nats-io/transport-node";
import type { EventStore } from "../../core/eventlog/event-store";
import type { EventLogNames } from "../../core/eventlog/subjects";
import { quietLogger } from "../../core/log/logger";
import { openReadModel, type ReadModel } from "../../projections/read-model";
import { startProjector, type Projector } from "../../projections/projector";
import { openTestStore, startTestNats, uniqueNames, type TestNats } from "../../test-support/nats";
import { createServerApp, type ServerApp } from "../app";
import { loadServerConfig } from "../config";

/**
 * A real server for e2e tests: private nats-server, unique stream, temp DATA_DIR, the real read
 * model and projector, listening on a free loopback port. `restart()` builds a new app and a new
 * read-model instance over the same file, as a process restart would.
 */
export interface GqlResult<T> {
  readonly status: number;
  readonly data: T | null;
  readonly errors: { message: string; extensions?: { code?: string } & Record<string, unknown> }[] | undefined;
}

export interface ServerHarness {
  readonly nats: TestNats;
  readonly nc: NatsConnection;
  readonly store: EventStore;
  readonly names: EventLogNames;
  readonly dataDir: string;
  url: string;
  app: ServerApp;
  readModel: ReadModel;
  projector: Projector;
  gql<T, V>(doc: TypedDocumentNode<T, V> | string, variables?: V, o?: { token?: string; headers?: Record<string, string> }): Promise<GqlResult<T>>;
  // the body is either the 201 array or an error object: tests index into both shapes
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  upload(files: { name: string; content: Buffer | Uint8Array; type?: string }[], o?: { token?: string; field?: string }): Promise<{ status: number; body: any }>;
  wsClient(connectionParams?: Record<string, unknown>): Client;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServerHarness(env: Record<string, string> = {}): Promise<ServerHarness> {
  const nats = await startTestNats();
  const nc = await nats.connect("server-harness");
  const names = uniqueNames("srv");
  const store = await openTestStore(nc, names);
  const dataDir = await mkdtemp(join(tmpdir(), "ef-server-"));
  const config = loadServerConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    EVENT_STREAM: names.stream,
    EVENT_SUBJECT_PREFIX: names.prefix,
    READ_YOUR_WRITES_TIMEOUT_MS: "5000",
    ...env,
  });
  const clients: Client[] = [];

  const boot = async () => {
    const readModel = openReadModel(join(dataDir, "read-model.sqlite"));
    const projector = await startProjector({ store, readModel, logger: quietLogger() });
    const app = await createServerApp({ config, nc, store, readModel, projector, logger: quietLogger(), webDist: join(dataDir, "no-web-dist") });
    const port = await app.listen();
    return { readModel, projector, app, url: `http://127.0.0.1:${port}` };
  };
  const shutdown = async (h: ServerHarness) => {
    await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
    await h.app.close();
    await h.projector.stop();
    h.readModel.close();
  };

  const h: ServerHarness = {
    nats,
    nc,
    store,
    names,
    dataDir,
    ...(await boot()),
    async gql(doc, variables, o = {}) {
      const headers: Record<string, string> = { "content-type": "application/json", ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      const res = await fetch(`${h.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query: typeof doc === "string" ? doc : print(doc), variables }) });
      const body = (await res.json()) as { data?: never; errors?: GqlResult<unknown>["errors"] };
      return { status: res.status, data: body.data ?? null, errors: body.errors };
    },
    async upload(files, o = {}) {
      const form = new FormData();
      for (const f of files) form.append(o.field ?? "file", new Blob([new Uint8Array(f.content)], { type: f.type ?? "application/octet-stream" }), f.name);
      const headers: Record<string, string> = o.token ? { authorization: `Bearer ${o.token}` } : {};
      const res = await fetch(`${h.url}/uploads`, { method: "POST", body: form, headers });
      return { status: res.status, body: await res.json() };
    },
    wsClient(connectionParams) {
      const c = createClient({ url: h.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams, lazy: true, retryAttempts: 0 });
      clients.push(c);
      return c;
    },
    async restart() {
      await shutdown(h);
      Object.assign(h, await boot());
    },
    async stop() {
      await shutdown(h);
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** A short real WAV (sine) made by ffmpeg, as an upload would bring. */
export async function makeWav(dir: string, seconds = 1, frequency = 440): Promise<string> {
  const out = join(dir, `sine-${frequency}-${seconds}.wav`);
  await promisify(execFile)("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=${frequency}:duration=${seconds}`, out]);
  return out;
}

/** Collects values from a graphql-ws subscription until `until` says stop (or the timeout). */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, until: (all: T[]) => boolean, timeoutMs = 15_000) {
  const got: T[] = [];
  let dispose = () => {};
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`subscription did not finish in ${timeoutMs} ms; got ${JSON.stringify(got).slice(0, 2000)}`));
    }, timeoutMs);
    dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) {
            clearTimeout(timer);
            dispose();
            return reject(new Error(`subscription error: ${JSON.stringify(v.errors)}`));
          }
          got.push(v.data as T);
          if (until(got)) {
            clearTimeout(timer);
            dispose();
            resolve(got);
          }
        },
        error: (e) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(got);
        },
      },
    );
  });
  return { done, got, dispose: () => dispose() };
}
