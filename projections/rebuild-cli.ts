/**
 * Rebuilds the read model from sequence 1 into a fresh file and swaps it in.
 *   npm run rebuild -- [--data-dir DIR] [--file PATH] [--nats-url URL] [--stream NAME] [--prefix SUBJECT]
 * Environment fallbacks: DATA_DIR, NATS_URL, NATS_TOKEN, EVENT_STREAM, EVENT_SUBJECT_PREFIX.
 * Without a NATS URL it uses the embedded event log of DATA_DIR, as `npm start` does: the running
 * one if `npm start` is up, or else a nats-server it starts on DATA_DIR/nats for the rebuild.
 * Stop the server first (or have it call rebuildAndSwap itself): a file another process has open is
 * not swapped (the rebuild says so and exits non-zero; the live file is untouched).
 * With --no-swap the rebuilt file is left next to the live one for inspection.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { connectNats } from "../core/nats/connect";
import { readEmbeddedNatsUrl } from "../core/nats/embedded-url";
import { startLocalNatsServer, type LocalNatsServer } from "../core/nats/local-server";
import { EventStore } from "../core/eventlog/event-store";
import { DEFAULT_EVENT_LOG_NAMES } from "../core/eventlog/subjects";
import { readModelPath } from "./read-model";
import { rebuildReadModel, swapReadModelFile, type RebuildProgress } from "./rebuild";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    file: { type: "string" },
    "nats-url": { type: "string" },
    stream: { type: "string" },
    prefix: { type: "string" },
    "no-swap": { type: "boolean", default: false },
  },
});

const env = process.env;
const dataDir = resolve(values["data-dir"] ?? env.DATA_DIR ?? "./data");
const file = values.file ?? readModelPath(dataDir);
const explicitUrl = values["nats-url"] ?? env.NATS_URL;
const names = {
  stream: values.stream ?? env.EVENT_STREAM ?? DEFAULT_EVENT_LOG_NAMES.stream,
  prefix: values.prefix ?? env.EVENT_SUBJECT_PREFIX ?? DEFAULT_EVENT_LOG_NAMES.prefix,
};

const show = (p: RebuildProgress) =>
  process.stdout.write(`rebuild: ${p.percent.toFixed(1)}%  seq ${p.position}/${p.target}  ${p.events} events  ${p.eventsPerSecond} events/s\n`);

/** The event log to read: the configured NATS, the running embedded one, or one started for the rebuild. */
async function eventLogUrl(): Promise<{ url: string; started: LocalNatsServer | null }> {
  if (explicitUrl) return { url: explicitUrl, started: null };
  const storeDir = join(dataDir, "nats");
  const running = readEmbeddedNatsUrl(storeDir);
  if (running) return { url: running, started: null };
  if (!existsSync(join(storeDir, "jetstream")))
    throw new Error(`No event log in ${storeDir} (npm start keeps it there). Set NATS_URL or --nats-url to rebuild from another NATS, or --data-dir.`);
  const started = await startLocalNatsServer({ storeDir });
  process.stdout.write(`rebuild: started nats-server on ${storeDir} for the rebuild\n`);
  return { url: started.url, started };
}

async function main() {
  mkdirSync(dirname(file), { recursive: true });
  const { url, started } = await eventLogUrl();
  const nc = await connectNats({ url, name: "emberflow-rebuild", token: env.NATS_TOKEN }).catch(async (err: unknown) => {
    await started?.stop();
    throw err;
  });
  try {
    const store = await EventStore.open(nc, names);
    process.stdout.write(`rebuild: ${names.stream} at ${url} -> ${file}\n`);
    const result = await rebuildReadModel({ store, path: file, onProgress: show });
    if (values["no-swap"]) {
      process.stdout.write(`rebuild: done, left at ${result.file} (not swapped)\n`);
      return;
    }
    swapReadModelFile(result.file, file);
    process.stdout.write(`rebuild: done, ${file} now at seq ${result.position}; restart the server to read it\n`);
  } finally {
    await nc.close();
    await started?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`rebuild failed: ${err instanceof Error ? err.message : String(err)}\nThe live file was not touched.\n`);
  process.exit(1);
});
