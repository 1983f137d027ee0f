/**
 * A creator's own visual engine instead of the built-in templates: a command with placeholders
 * {input} {output} {width} {height} {fps}, e.g.
 *   `my-engine --audio {input} --size {width}x{height} --fps {fps} --out {output}`
 *
 * The command is split into arguments here (quotes respected) and placeholders are replaced inside
 * each argument, so a path with spaces stays one argument and nothing goes through a shell. Shell
 * features need an explicit `sh -c '...'` (then the values are substituted raw into that script;
 * they are paths this worker chose, not user text). If the command prints FFmpeg-style progress
 * (`out_time_us=` lines, e.g. an FFmpeg with `-progress pipe:1`), progress is reported from it.
 */
import { RenderError } from "./errors.js";
import { runProcess } from "./ffmpeg-process.js";
import { ProgressParser, toRenderProgress, type ProgressCallback } from "./progress.js";

export type RendererCommand = string | readonly string[];

export interface RendererValues {
  input: string;
  output: string;
  width: number;
  height: number;
  fps: number;
}

/** Splits a command line like a POSIX shell would for words and quotes (no expansion of any kind). */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new TypeError(`Unterminated ${quote} quote in renderer command`);
  if (inWord) out.push(cur);
  return out;
}

export function expandRendererCommand(command: RendererCommand, values: RendererValues): string[] {
  const words = typeof command === "string" ? splitCommandLine(command) : [...command];
  if (words.length === 0) throw new TypeError("Renderer command is empty");
  const map: Record<string, string> = {
    input: values.input,
    output: values.output,
    width: String(values.width),
    height: String(values.height),
    fps: String(values.fps),
  };
  return words.map((w) => w.replace(/\{(input|output|width|height|fps)\}/g, (_, k: string) => map[k]));
}

export interface ExternalRunOptions {
  command: RendererCommand;
  values: RendererValues;
  durationSeconds: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: ProgressCallback;
}

/** Runs the external renderer; throws FFMPEG_FAILED (with its stderr tail) when it exits non-zero. */
export async function runExternalRenderer(options: ExternalRunOptions): Promise<void> {
  const [cmd, ...args] = expandRendererCommand(options.command, options.values);
  const parser = new ProgressParser();
  const startedAt = Date.now();
  const res = await runProcess(cmd, args, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    ownProcessGroup: true,
    onStdout: (chunk) => {
      for (const b of parser.push(chunk)) options.onProgress?.(toRenderProgress(b, options.durationSeconds, Date.now() - startedAt));
    },
  });
  if (res.exitCode !== 0) {
    const last10 = res.stderrTail.slice(-10).join("\n");
    const how = res.exitSignal ? `was killed by ${res.exitSignal}` : `exited with code ${res.exitCode}`;
    throw new RenderError("FFMPEG_FAILED", `External renderer "${cmd}" ${how}. Last lines of its output:\n${last10}`, { stderrTail: last10 });
  }
}
