import { spawn, type ChildProcess } from "node:child_process";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { startTestNats, uniqueNames, type TestNats } from "./nats";
import { freePort } from "../core/nats/local-server";

/**
 * The whole system for end-to-end tests of the dashboard and the CLI: a private nats-server, the
 * server and the workers as child processes (exactly as `npm start` runs them), and optionally a
 * whisper-service. `restartServer()` kills the server process and starts a new one on the same
 * port and data directory, as a crash and restart would.
 */
export const ROOT = resolve(import.meta.dirname, "..");
const run = promisify(execFile);

export interface E2ESystem {
  readonly url: string;
  readonly dataDir: string;
  readonly logs: string[];
  restartServer(o?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface E2EOptions {
  readonly whisper?: boolean;
  readonly serverEnv?: Record<string, string>;
  readonly workerEnv?: Record<string, string>;
}


export async function waitForHttp(url: string, timeoutMs: number, what: string, alive?: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = alive?.();
    if (dead) throw new Error(`${what} exited before it was ready: ${dead}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} was not ready at ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function spawnLogged(cmd: string, args: string[], env: Record<string, string>, logs: string[], label: string): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const push = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(`[${label}] ${line}`);
    if (logs.length > 2000) logs.splice(0, logs.length - 2000);
  };
  child.stdout!.on("data", push);
  child.stderr!.on("data", push);
  return child;
}

async function kill(child: ChildProcess | null, signal: NodeJS.Signals = "SIGTERM", graceMs = 8000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill(signal);
  const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(t);
}

export async function startE2ESystem(o: E2EOptions = {}): Promise<E2ESystem> {
  const logs: string[] = [];
  const nats: TestNats = await startTestNats();
  const names = uniqueNames("e2e");
  const dataDir = await mkdtemp(join(tmpdir(), "ef-e2e-"));
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base = { NATS_URL: nats.server.url, EVENT_STREAM: names.stream, EVENT_SUBJECT_PREFIX: names.prefix, DATA_DIR: dataDir, LOG_LEVEL: "info" };

  let whisper: ChildProcess | null = null;
  let whisperUrl = "http://127.0.0.1:9";
  if (o.whisper) {
    const wport = await freePort();
    whisperUrl = `http://127.0.0.1:${wport}`;
    whisper = spawnLogged("bash", ["scripts/whisper.sh"], { WHISPER_PORT: String(wport) }, logs, "whisper");
    const w = whisper;
    await waitForHttp(`${whisperUrl}/ready`, 60_000, "whisper-service", () => (w.exitCode !== null ? `exit ${w.exitCode}` : null));
  }

  const serverEnv = { ...base, PORT: String(port), HOST: "127.0.0.1", ...o.serverEnv };
  let server: ChildProcess | null = null;
  const startServer = async () => {
    const s = spawnLogged(process.execPath, ["--import", "tsx", "server/main.ts"], serverEnv, logs, "server");
    server = s;
    await waitForHttp(`${url}/readyz`, 60_000, "server", () => (s.exitCode !== null ? `exit ${s.exitCode}\n${logs.slice(-30).join("\n")}` : null));
  };
  await startServer();
  const worker = spawnLogged(
    process.execPath,
    ["--import", "tsx", "workers/main.ts", "all"],
    { ...base, WHISPER_SERVICE_URL: whisperUrl, RENDER_CONCURRENCY: "2", BACKOFF_BASE_MS: "200", BACKOFF_MAX_MS: "2000", ...o.workerEnv },
    logs,
    "worker",
  );

  return {
    url,
    dataDir,
    logs,
    async restartServer({ downMs = 1500 } = {}) {
      await kill(server, "SIGKILL");
      await new Promise((r) => setTimeout(r, downMs));
      await startServer();
    },
    async stop() {
      await Promise.allSettled([kill(server), kill(worker), kill(whisper)]);
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Audio fixtures: sine tones (ffmpeg), speech (espeak-ng), and a file that only looks like audio. */
export async function makeTone(path: string, seconds = 2, frequency = 440): Promise<string> {
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=${frequency}:duration=${seconds}`, path]);
  return path;
}

export async function makeSpeech(path: string, text = "hello world"): Promise<string> {
  await run("espeak-ng", ["-w", path, text]);
  return path;
}
