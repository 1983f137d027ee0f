/** Shared fixtures for the transcription tests and bench: the real whisper-service, espeak-ng speech. */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (c) => (err = (err + c).slice(-2000)));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/** espeak-ng speech as a WAV file (the Python tests use the same tool, at 150 wpm). */
export async function speech(path: string, text: string): Promise<string> {
  await run("espeak-ng", ["-s", "150", "-w", path, text]);
  return path;
}

export async function sha256Of(path: string): Promise<string> {
  return createHash("sha256").update(await readFile(path)).digest("hex");
}


export interface WhisperService {
  readonly url: string;
  readonly port: number;
  /** Starts (again) and waits for GET /ready 200. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real service via `bash scripts/whisper.sh` (it execs Python, so killing the child stops it).
 * The tiny.en model ships with the venv: no network. Output is kept for the error message only.
 */
export function whisperService(port: number, env: Record<string, string> = {}): WhisperService {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = "";
  return {
    url,
    port,
    async start() {
      if (child) return;
      output = "";
      const p = spawn("bash", [join(repoRoot, "scripts", "whisper.sh")], {
        cwd: repoRoot,
        env: { ...process.env, WHISPER_HOST: "127.0.0.1", WHISPER_PORT: String(port), WHISPER_LOG_LEVEL: "warning", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = p;
      const keep = (c: Buffer) => (output = (output + c).slice(-4000));
      p.stdout?.on("data", keep);
      p.stderr?.on("data", keep);
      let exited = false;
      p.on("exit", () => (exited = true));
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (exited) {
          child = null;
          throw new Error(`whisper-service exited during start-up:\n${output}`);
        }
        try {
          const r = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
          await r.body?.cancel();
          if (r.status === 200) return;
        } catch {
          /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      await this.stop();
      throw new Error(`whisper-service not ready within 90 s:\n${output}`);
    },
    async stop() {
      const p = child;
      child = null;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const gone = new Promise<void>((r) => p.once("exit", () => r()));
      p.kill("SIGTERM");
      const timer = setTimeout(() => p.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
