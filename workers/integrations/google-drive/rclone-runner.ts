/**
 * Runs rclone with spawn (never execSync: the seed blocked the event loop and lost lock renewals,
 * inventory §11.14) and turns its exit codes into IntegrationErrors. Only read/copy subcommands
 * are allowed: `rclone sync` deleted remote extras in the seed and must never run from here.
 */
import { spawn } from "node:child_process";
import { IntegrationError } from "../integration-error.js";

export interface RcloneRunnerOptions {
  /** rclone binary; default `rclone` on PATH. */
  binary?: string;
  /** `RCLONE_CONFIG`: a config file path, passed as `--config`. */
  configPath?: string;
  /** Kill rclone after this long; the copy is retried by the caller. */
  timeoutMs?: number;
}

export interface RcloneResult {
  stdout: string;
  stderr: string;
}

const ALLOWED_SUBCOMMANDS = new Set(["copyto", "lsjson", "listremotes", "version"]);
const MAX_CAPTURE = 1024 * 1024;

/**
 * rclone's documented exit codes (rclone.org/docs/#exit-code): 5 = temporary, 8 = transfer limit
 * (Drive's 750 GB/day) and 10 = max duration are worth retrying; 1 (usage/config), 3/4 (not found),
 * 6 (no-retry) and 7 (fatal, e.g. account suspended) are not. 1 and 2 are refined from stderr.
 */
const RETRYABLE_EXIT = new Set([5, 8, 10]);
const TRANSIENT_STDERR =
  /connection refused|connection reset|i\/o timeout|timeout|no such host|temporary failure|EOF|50[0-9] |rateLimitExceeded|too many requests|429|TLS handshake/i;
const PERMANENT_STDERR = /permission denied|not found|storageQuotaExceeded|quota exceeded|invalid_grant|didn't find section|unauthorized|forbidden/i;

export async function runRclone(args: string[], options: RcloneRunnerOptions = {}): Promise<RcloneResult> {
  const subcommand = args[0];
  if (!subcommand || !ALLOWED_SUBCOMMANDS.has(subcommand)) {
    throw new IntegrationError("google-drive", `rclone subcommand "${subcommand}" is not allowed here`, {
      retryable: false,
      code: "FORBIDDEN_SUBCOMMAND",
    });
  }
  const fullArgs = options.configPath ? [...args, "--config", options.configPath] : args;
  const binary = options.binary ?? "rclone";

  return new Promise<RcloneResult>((resolve, reject) => {
    const child = spawn(binary, fullArgs, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < MAX_CAPTURE) stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      // Keep the tail: the last lines say why rclone gave up.
      stderr = (stderr + chunk).slice(-64 * 1024);
    });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 5000).unref();
        }, options.timeoutMs)
      : undefined;

    child.on("error", (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      const missing = err.code === "ENOENT";
      reject(
        new IntegrationError(
          "google-drive",
          missing ? `rclone binary "${binary}" not found: install rclone or fix its path` : `could not start rclone (${err.message})`,
          { retryable: !missing, code: missing ? "RCLONE_MISSING" : "SPAWN", cause: err },
        ),
      );
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) {
        reject(new IntegrationError("google-drive", `rclone ${subcommand} timed out; will be retried`, { retryable: true, code: "TIMEOUT" }));
        return;
      }
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      reject(classifyExit(subcommand, code, signal, stderr));
    });
  });
}

export function classifyExit(subcommand: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): IntegrationError {
  const reason = lastMeaningfulLine(stderr);
  if (code === null) {
    return new IntegrationError("google-drive", `rclone ${subcommand} killed by ${signal}; will be retried`, { retryable: true, code: "KILLED" });
  }
  // Exit 2 is uncategorised: retry unless stderr names a cause retrying cannot fix; the caller's
  // attempts are bounded, so a wrong guess costs a few attempts, not a lost upload.
  const retryable =
    RETRYABLE_EXIT.has(code) ||
    (code === 1 && TRANSIENT_STDERR.test(stderr)) ||
    (code === 2 && (TRANSIENT_STDERR.test(stderr) || !PERMANENT_STDERR.test(stderr)));
  const next = retryable ? "will be retried" : "not retried: check the remote configuration and paths";
  return new IntegrationError("google-drive", `rclone ${subcommand} exited ${code} (${reason}); ${next}`, {
    retryable,
    code: `RCLONE_EXIT_${code}`,
  });
}

function lastMeaningfulLine(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  // rclone prefixes lines with a timestamp; drop it so messages are stable.
  const last = (lines.at(-1) ?? "no output").replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, "");
  return last.slice(0, 300);
}

/** Splits `RCLONE_FLAGS` like a shell would for simple cases: spaces, single and double quotes. */
export function parseRcloneFlags(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}
