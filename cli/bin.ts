#!/usr/bin/env -S node --import tsx
/**
 * `emberflow`: the command line for emberflow (npm run cli -- ..., or the `emberflow` bin).
 * A GraphQL client like the dashboard: submit folders, watch live progress, inspect batches and
 * dead letters, and rebuild the read model. `emberflow help` prints usage and exit statuses.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { ApiClient, ApiError } from "./api-client";
import { USAGE, UsageError, parseCommand, type Command } from "./args";
import { BATCH, DEAD_LETTERS, RETRY_DEAD_LETTER, type BatchView, type DeadLetterView } from "./operations";
import { describeBatch } from "./render";
import { RejectedFileError, submitBatch } from "./submit";
import { watchBatch } from "./watch";

const out = { isTTY: Boolean(process.stdout.isTTY), columns: process.stdout.columns ?? 100, write: (t: string) => void process.stdout.write(t) };
const log = (line: string) => void process.stderr.write(`${line}\n`);

async function run(cmd: Command): Promise<number> {
  switch (cmd.kind) {
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case "rebuild":
      return new Promise<number>((res) => {
        const root = resolve(import.meta.dirname, "..");
        const child = spawn(process.execPath, ["--import", "tsx", "projections/rebuild-cli.ts", ...cmd.passThrough], { cwd: root, stdio: "inherit" });
        child.on("exit", (code, signal) => res(code ?? (signal ? 1 : 0)));
        child.on("error", (e) => {
          log(`emberflow rebuild: ${e.message}`);
          res(1);
        });
      });
    case "submit": {
      const api = new ApiClient(cmd.global);
      try {
        const r = await submitBatch(api, cmd.submit, log);
        log(`batch ${r.batchId}${r.replayed ? " (already created with this idempotency key)" : ""}: ${cmd.global.url}/#/batches/${r.batchId}`);
        if (!cmd.submit.watch) {
          process.stdout.write(`${r.batchId}\n`);
          return 0;
        }
        return await watchBatch(api, r.batchId, out, r.position);
      } finally {
        await api.close();
      }
    }
    case "watch": {
      const api = new ApiClient(cmd.global);
      try {
        return await watchBatch(api, cmd.batchId, out);
      } finally {
        await api.close();
      }
    }
    case "show": {
      const api = new ApiClient(cmd.global);
      const d = await api.gql<{ batch: BatchView | null }>(BATCH, { id: cmd.batchId });
      if (!d.batch) {
        log(`No batch ${cmd.batchId}.`);
        return 1;
      }
      process.stdout.write(cmd.json ? `${JSON.stringify(d.batch, null, 2)}\n` : `${describeBatch(d.batch, cmd.global.url).join("\n")}\n`);
      return 0;
    }
    case "dead-letters": {
      const api = new ApiClient(cmd.global);
      if (cmd.retry) {
        const r = await api.gql<{ retryDeadLetter: { position: number; deadLetter: { id: string; status: string } | null } }>(RETRY_DEAD_LETTER, { id: cmd.retry });
        process.stdout.write(`retry requested for ${cmd.retry} (status ${r.retryDeadLetter.deadLetter?.status ?? "unknown"}, position ${r.retryDeadLetter.position})\n`);
        return 0;
      }
      const d = await api.gql<{ deadLetters: DeadLetterView[] }>(DEAD_LETTERS);
      if (d.deadLetters.length === 0) process.stdout.write("no dead letters\n");
      for (const l of d.deadLetters) process.stdout.write(`${l.id}  ${l.status}  ${l.consumer}  ${l.eventType}  ${l.aggregateId}  deliveries ${l.deliveries}  ${l.updatedAt}\n    ${l.error}\n`);
      return 0;
    }
  }
}

try {
  process.exitCode = await run(parseCommand(process.argv.slice(2), process.env, process.cwd()));
} catch (e) {
  if (e instanceof UsageError) {
    log(`emberflow: ${e.message}`);
    process.exitCode = 1;
  } else if (e instanceof RejectedFileError) {
    log(`emberflow: ${e.message}`);
    process.exitCode = 4;
  } else if (e instanceof ApiError) {
    log(`emberflow: ${e.message}`);
    process.exitCode = 1;
  } else {
    log(`emberflow: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  }
}
