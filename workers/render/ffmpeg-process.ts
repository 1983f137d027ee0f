import { existsSync } from "node:fs";
/**
 * Runs FFmpeg (or any render command) as a child process with: progress from `-progress pipe:1`,
 * cancellation through an AbortSignal, a per-job timeout, and the last lines of stderr kept for
 * the error message. Never blocks the event loop (the seed used execSync, which starved lock
 * renewal, inventory §11.14).
 *
 * An external renderer runs in its own process group (`ownProcessGroup`) so that stopping it also
 * stops anything it started (it is often a shell script). FFmpeg itself stays in our group, so a
 * supervisor that stops the worker's group stops FFmpeg too; and any child still running when this
 * process exits is killed (an orphaned 8K encode would hold the CPU for hours). Stopping is SIGTERM, then SIGKILL after
 * `killGraceMs`: FFmpeg usually exits on SIGTERM at once, but a wedged encoder must still be gone
 * well inside the 2-second budget.
 */
import { spawn } from "node:child_process";
import { RenderError } from "./errors.js";
import { ProgressParser, toRenderProgress, type ProgressCallback } from "./progress.js";

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  killGraceMs?: number;
  /** Raw stdout chunks (utf8). */
  onStdout?: (chunk: string) => void;
  /** How many stderr lines to keep. */
  stderrLines?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run in a new process group and signal the whole group (external renderers). */
  ownProcessGroup?: boolean;
}

/** Children alive now: killed if this process exits while they run. */
const live = new Map<number, boolean>(); // pid -> own process group
let exitHookInstalled = false;
function trackChild(pid: number, group: boolean): void {
  live.set(pid, group);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const [p, g] of live) {
      try {
        process.kill(g ? -p : p, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  });
}

export interface RunResult {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stderrTail: string[];
}

const DEFAULT_GRACE_MS = 1000;
const PDEATHSIG = process.platform === "linux" && existsSync("/usr/bin/setpriv");

/** Resolves when the process exits (any exit code); rejects only with CANCELLED or TIMEOUT, or spawn errors. */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { signal, timeoutMs, killGraceMs = DEFAULT_GRACE_MS, stderrLines = 40 } = options;
  if (signal?.aborted) return Promise.reject(cancelled(command));

  return new Promise<RunResult>((resolve, reject) => {
    // A worker killed with SIGKILL cannot kill its children; the kernel can: setpriv (util-linux)
    // sets PR_SET_PDEATHSIG so FFmpeg dies with the worker instead of rendering on as an orphan.
    const [cmd, argv] = PDEATHSIG ? ["setpriv", ["--pdeathsig", "KILL", "--", command, ...args]] : [command, args];
    const child = spawn(cmd, argv, {
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.ownProcessGroup ?? false,
      env: options.env,
      cwd: options.cwd,
    });
    const tail: string[] = [];
    let partial = "";
    let stopReason: "cancel" | "timeout" | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    if (child.pid !== undefined) trackChild(child.pid, options.ownProcessGroup ?? false);
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(options.ownProcessGroup ? -child.pid : child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          /* already gone */
        }
      }
    };
    const stop = (reason: "cancel" | "timeout") => {
      if (stopReason) return;
      stopReason = reason;
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), killGraceMs);
      killTimer.unref();
    };
    const onAbort = () => stop("cancel");
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) timeoutTimer = setTimeout(() => stop("timeout"), timeoutMs);

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => options.onStdout?.(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n|\r/);
      partial = lines.pop() ?? "";
      for (const l of lines) if (l.trim()) tail.push(l);
      if (tail.length > stderrLines) tail.splice(0, tail.length - stderrLines);
    });

    const cleanup = () => {
      if (child.pid !== undefined) live.delete(child.pid);
      signal?.removeEventListener("abort", onAbort);
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
    };
    child.once("error", (err) => {
      cleanup();
      reject(new RenderError("FFMPEG_FAILED", `Could not start ${command}: ${err.message}`, { cause: err }));
    });
    child.once("close", (exitCode, exitSignal) => {
      cleanup();
      if (partial.trim()) tail.push(partial);
      if (stopReason === "cancel") return reject(cancelled(command));
      if (stopReason === "timeout") {
        return reject(new RenderError("TIMEOUT", `Render did not finish within ${Math.round((timeoutMs ?? 0) / 1000)} s and was stopped.`));
      }
      resolve({ exitCode, exitSignal, stderrTail: tail.slice(-stderrLines) });
    });
  });
}

function cancelled(command: string): RenderError {
  return new RenderError("CANCELLED", `Render was cancelled (${command.split("/").pop()} stopped).`);
}

export interface FfmpegRunOptions extends Omit<RunOptions, "onStdout"> {
  /** Total media seconds, for percent and ETA. */
  durationSeconds: number;
  onProgress?: ProgressCallback;
  ffmpegPath?: string;
  /** Input file, named in AUDIO_UNDECODABLE messages. */
  inputLabel?: string;
}

export interface FfmpegRunResult {
  /** Media seconds FFmpeg reported at the end (out_time), if any. */
  outTimeSeconds?: number;
  stderrTail: string[];
}

/** Runs FFmpeg with `-progress pipe:1` added; throws RenderError on any failure. */
export async function runFfmpeg(args: readonly string[], options: FfmpegRunOptions): Promise<FfmpegRunResult> {
  const parser = new ProgressParser();
  const startedAt = Date.now();
  let lastOut: number | undefined;
  const full = ["-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", ...args];
  const result = await runProcess(options.ffmpegPath ?? "ffmpeg", full, {
    ...options,
    onStdout: (chunk) => {
      for (const block of parser.push(chunk)) {
        if (block.outTimeUs !== undefined) lastOut = block.outTimeUs / 1e6;
        options.onProgress?.(toRenderProgress(block, options.durationSeconds, Date.now() - startedAt));
      }
    },
  });
  if (result.exitCode !== 0) throw classifyFailure(result, lastOut, options.inputLabel);
  return { outTimeSeconds: lastOut, stderrTail: result.stderrTail };
}

// FFmpeg's words for "this input is not decodable audio" (probe/open failures, no audio stream).
const UNDECODABLE = [
  /Invalid data found when processing input/i,
  /could not find codec parameters/i,
  /Stream specifier ':?a.*' .*matches no streams/i,
  /matches no streams/i,
  /does not contain any stream/i,
  /Failed to read frame size/i,
  /moov atom not found/i,
  /Error opening input/i,
  /Decoding requested, but no decoder found/i,
];
const DISK = [/No space left on device/i, /Disk quota exceeded/i, /Read-only file system/i, /Permission denied/i];

export function classifyFailure(result: RunResult, lastOutSeconds: number | undefined, inputLabel?: string): RenderError {
  const tail = result.stderrTail;
  const text = tail.join("\n");
  const last10 = tail.slice(-10).join("\n");
  const how = result.exitSignal ? `was killed by ${result.exitSignal}` : `exited with code ${result.exitCode}`;
  if (DISK.some((re) => re.test(text))) {
    return new RenderError("OUTPUT_FAILED", `FFmpeg could not write the output (${how}). Check disk space and permissions.\n${last10}`, { stderrTail: last10 });
  }
  // Only before any media time was produced: a decoding hiccup mid-file is not "undecodable".
  if (!lastOutSeconds && UNDECODABLE.some((re) => re.test(text))) {
    const name = inputLabel ? ` "${inputLabel.split("/").pop()}"` : "";
    return new RenderError("AUDIO_UNDECODABLE", `The audio file${name} cannot be decoded; it is damaged or not an audio format FFmpeg reads. Upload it again or convert it.\n${last10}`, { stderrTail: last10 });
  }
  return new RenderError("FFMPEG_FAILED", `FFmpeg ${how}. Last lines of its output:\n${last10}`, { stderrTail: last10 });
}
