/**
 * `npm start`: the whole system on one machine. Without NATS_URL it runs its own nats-server
 * (JetStream, store under DATA_DIR, a free port: 4222 may belong to another NATS); without
 * WHISPER_SERVICE_URL it runs the whisper-service; then the server and all workers. Output of each
 * is prefixed with its name. Ctrl-C stops everything: server and workers first (they finish or
 * release in-flight work), then the services they need. Every child runs in a process group of its
 * own, so the terminal's Ctrl-C reaches only this launcher: otherwise nats-server would die at once
 * while the workers are still draining.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createServer } from "node:net";
import { startLocalNatsServer, freePort, type LocalNatsServer } from "../core/nats/local-server";
import { EMBEDDED_NATS_URL_FILE } from "../core/nats/embedded-url";

const root = resolve(import.meta.dirname, "..");
const env: Record<string, string | undefined> = { ...process.env };
const dataDir = resolve(env.DATA_DIR ?? resolve(root, "data"));
env.DATA_DIR = dataDir;
const colours: Record<string, string> = { nats: "35", whisper: "33", server: "36", worker: "32", start: "1" };

function log(name: string, line: string) {
  const tag = process.stdout.isTTY ? `\x1b[${colours[name] ?? "0"}m${name.padEnd(7)}\x1b[0m` : name.padEnd(7);
  process.stdout.write(`${tag} | ${line}\n`);
}

function pipe(name: string, child: ChildProcess) {
  for (const stream of [child.stdout, child.stderr]) {
    let buf = "";
    stream?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) if (l.trim()) log(name, l);
    });
  }
}

const children: { name: string; child: ChildProcess }[] = [];
function run(name: string, cmd: string, args: string[]) {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  pipe(name, child);
  children.push({ name, child });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log("start", `${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  return child;
}

async function waitForHttp(url: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

let nats: LocalNatsServer | null = null;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  log("start", "stopping (server and workers first)");
  const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));
  const apps = children.filter((c) => c.name !== "whisper");
  for (const c of apps) c.child.kill("SIGTERM");
  await Promise.race([Promise.all(apps.map((c) => exited(c.child))), new Promise((r) => setTimeout(r, 30_000))]);
  for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGTERM");
  await Promise.race([Promise.all(children.map((c) => exited(c.child))), new Promise((r) => setTimeout(r, 10_000))]);
  await nats?.stop();
  rmSync(urlFile, { force: true });
  log("start", "stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
// children in their own groups outlive a launcher that dies without stopping them: take them along
process.on("exit", () => {
  for (const c of [...children.map((x) => x.child), nats?.process]) if (c && c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});
/** Tells other tools (npm run rebuild) where the embedded nats-server listens; removed on stop. */
const urlFile = resolve(dataDir, "nats", EMBEDDED_NATS_URL_FILE);

const DEFAULT_WHISPER_PORT = 8001;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once("error", () => res(false));
    s.listen(port, "127.0.0.1", () => s.close(() => res(true)));
  });
}

async function main() {
  if (!env.NATS_URL) {
    nats = await startLocalNatsServer({
      storeDir: resolve(dataDir, "nats"),
      port: env.EMBEDDED_NATS_PORT ? Number(env.EMBEDDED_NATS_PORT) : undefined,
      syncInterval: env.NATS_SYNC_INTERVAL ?? "1s",
      detached: true,
    });
    env.NATS_URL = nats.url;
    writeFileSync(urlFile, `${nats.url}\n`);
    log("nats", `embedded nats-server on ${nats.url}, store ${resolve(dataDir, "nats")}`);
  } else log("start", `using NATS at ${env.NATS_URL}`);

  if (!env.WHISPER_SERVICE_URL) {
    // the documented default 8001 when it is free (automations call it there); another free port when not
    const port = env.WHISPER_PORT ? Number(env.WHISPER_PORT) : ((await portIsFree(DEFAULT_WHISPER_PORT)) ? DEFAULT_WHISPER_PORT : await freePort());
    env.WHISPER_PORT = String(port);
    env.WHISPER_SERVICE_URL = `http://127.0.0.1:${port}`;
    run("whisper", "bash", [resolve(root, "scripts/whisper.sh")]);
    log("start", `whisper-service starting on ${env.WHISPER_SERVICE_URL} (model loads in the background)`);
  } else log("start", `using whisper-service at ${env.WHISPER_SERVICE_URL}`);

  run("server", process.execPath, ["--import", "tsx", resolve(root, "server/main.ts")]);
  run("worker", process.execPath, ["--import", "tsx", resolve(root, "workers/main.ts"), "all"]);
  const port = env.PORT ?? "4000";
  if (await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000))
    log("start", `emberflow is up: dashboard http://localhost:${port}/  GraphiQL http://localhost:${port}/graphql`);
}

main().catch((err) => {
  log("start", `failed: ${err instanceof Error ? err.message : String(err)}`);
  void stop(1);
});
