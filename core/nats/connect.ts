import { connect, type NatsConnection } from "@nats-io/transport-node";
import { NatsServerTooOldError, MIN_NATS_SERVER_VERSION, versionAtLeast } from "./server-version";

export interface NatsConnectOptions {
  readonly url: string;
  readonly name: string;
  readonly token?: string;
}

/** Connects and refuses servers older than the minimum, with a message that says how to get one. */
export async function connectNats(opts: NatsConnectOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers: opts.url,
    name: opts.name,
    token: opts.token,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // every request otherwise builds two Error objects up front just to keep an async stack trace:
    // a tenth of the pipeline's CPU in a profile, while our errors already say which call failed
    noAsyncTraces: true,
  });
  const version = nc.info?.version ?? "0.0.0";
  if (!versionAtLeast(version, MIN_NATS_SERVER_VERSION)) {
    await nc.close();
    throw new NatsServerTooOldError(version, opts.url);
  }
  return nc;
}
