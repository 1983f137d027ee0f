import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { resolveFormatId } from "../domain/formats";

/** Command-line parsing for `emberflow`: pure, so the rules are unit-tested without a server. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface GlobalOptions {
  readonly url: string;
  readonly token: string | null;
}

export interface SubmitOptions {
  /** As typed; relative ones are relative to baseDir. */
  readonly paths: string[];
  /** Where the command was run from (see invocationDir). */
  readonly baseDir: string;
  readonly template: "FLAME" | "MIST";
  readonly formats: string[];
  readonly transcribe: boolean;
  readonly syncToDrive: boolean;
  readonly notify: boolean;
  readonly exportToSheets: boolean;
  readonly quality: "DRAFT" | "BALANCED" | "HIGH";
  readonly name: string | null;
  readonly idempotencyKey: string | null;
  readonly watch: boolean;
}

export type Command =
  | { kind: "help" }
  | { kind: "submit"; global: GlobalOptions; submit: SubmitOptions }
  | { kind: "show"; global: GlobalOptions; batchId: string; json: boolean }
  | { kind: "watch"; global: GlobalOptions; batchId: string }
  | { kind: "dead-letters"; global: GlobalOptions; retry: string | null }
  | { kind: "rebuild"; passThrough: string[] };

export const USAGE = `emberflow: submit and watch emberflow batches

Usage:
  emberflow submit <folder-or-files...> [--template flame|mist] [--formats flat_1080p,vr360_mono_4k]
                   [--no-transcribe] [--drive] [--notify|--no-notify] [--sheets]
                   [--quality draft|balanced|high] [--name NAME] [--idempotency-key KEY] [--no-watch]
  emberflow show <batchId> [--json]
  emberflow watch <batchId>
  emberflow dead-letters [--retry <id>]
  emberflow rebuild [-- rebuild options: --data-dir DIR --nats-url URL ...]

Options for every command:
  --url URL      server (EMBERFLOW_URL, default http://localhost:4000)
  --token TOKEN  API token (EMBERFLOW_TOKEN)

Formats take the API ids (flat_1080p, flat_4k_vertical, vr360_stereo_8k, ...) or the old aliases
(1080p, 4k, 360mono, 360stereo, ...).

Exit status of submit and watch: 0 COMPLETED, 2 PARTIAL, 3 FAILED or CANCELLED,
4 a file was rejected (nothing submitted), 1 any other error.`;

const globalSpec = {
  url: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * The directory that relative paths on the command line are relative to. `npm run cli -- ...`
 * runs the script in the package root, not where it was typed, and records that place in INIT_CWD.
 * A program started in some other directory by a process that itself runs under npm inherits a
 * stale INIT_CWD, so INIT_CWD is only believed while the process runs in npm's package root
 * (the folder of npm_package_json).
 */
export function invocationDir(env: Record<string, string | undefined>, cwd: string): string {
  const init = env.INIT_CWD;
  if (!init) return cwd;
  const pkg = env.npm_package_json;
  if (pkg && resolve(dirname(pkg)) !== resolve(cwd)) return cwd;
  return resolve(cwd, init);
}

/** The rebuild script's options that take a path (it runs in the repo root, so they are made absolute). */
const REBUILD_PATH_OPTIONS = ["--data-dir", "--file"];

/** Makes the values of the named path options (`--opt v` or `--opt=v`) absolute against baseDir. */
export function resolvePathOptions(args: readonly string[], names: readonly string[], baseDir: string): string[] {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!names.includes(name)) continue;
    if (eq > 0) out[i] = `${name}=${resolve(baseDir, a.slice(eq + 1))}`;
    else if (i + 1 < out.length) {
      i += 1;
      out[i] = resolve(baseDir, out[i]!);
    }
  }
  return out;
}

export function parseCommand(argv: string[], env: Record<string, string | undefined>, cwd: string = process.cwd()): Command {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help" || cmd === "-h") return { kind: "help" };
  if (cmd === "rebuild") return { kind: "rebuild", passThrough: resolvePathOptions(rest.filter((a) => a !== "--"), REBUILD_PATH_OPTIONS, invocationDir(env, cwd)) };
  const globalOf = (v: { url?: string; token?: string }): GlobalOptions => ({
    url: (v.url ?? env.EMBERFLOW_URL ?? "http://localhost:4000").replace(/\/+$/, ""),
    token: v.token ?? env.EMBERFLOW_TOKEN ?? null,
  });
  const parse = <O extends Record<string, { type: "string" | "boolean"; short?: string; default?: string | boolean }>>(options: O) => {
    try {
      return parseArgs({ args: rest, options: { ...globalSpec, ...options }, allowPositionals: true, allowNegative: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\nRun \`emberflow help\` for usage.`);
    }
  };

  switch (cmd) {
    case "submit": {
      const { values: v, positionals } = parse({
        template: { type: "string", default: "flame" },
        formats: { type: "string", default: "flat_1080p" },
        transcribe: { type: "boolean", default: true },
        drive: { type: "boolean", default: false },
        notify: { type: "boolean", default: true },
        sheets: { type: "boolean", default: false },
        quality: { type: "string", default: "balanced" },
        name: { type: "string" },
        "idempotency-key": { type: "string" },
        watch: { type: "boolean", default: true },
      });
      if (v.help) return { kind: "help" };
      if (positionals.length === 0) throw new UsageError("submit needs at least one folder or audio file.");
      const template = String(v.template).toUpperCase();
      if (template !== "FLAME" && template !== "MIST") throw new UsageError(`Unknown template "${v.template}": use flame or mist.`);
      const quality = String(v.quality).toUpperCase();
      if (quality !== "DRAFT" && quality !== "BALANCED" && quality !== "HIGH") throw new UsageError(`Unknown quality "${v.quality}": use draft, balanced or high.`);
      return {
        kind: "submit",
        global: globalOf(v as { url?: string; token?: string }),
        submit: {
          paths: positionals,
          baseDir: invocationDir(env, cwd),
          template,
          formats: parseFormats(String(v.formats)),
          transcribe: Boolean(v.transcribe),
          syncToDrive: Boolean(v.drive),
          notify: Boolean(v.notify),
          exportToSheets: Boolean(v.sheets),
          quality,
          name: (v.name as string | undefined) ?? null,
          idempotencyKey: (v["idempotency-key"] as string | undefined) ?? null,
          watch: Boolean(v.watch),
        },
      };
    }
    case "show":
    case "watch": {
      const { values: v, positionals } = parse({ json: { type: "boolean", default: false } });
      if (v.help) return { kind: "help" };
      if (positionals.length !== 1) throw new UsageError(`${cmd} needs exactly one batch id.`);
      const global = globalOf(v as { url?: string; token?: string });
      return cmd === "show" ? { kind: "show", global, batchId: positionals[0]!, json: Boolean(v.json) } : { kind: "watch", global, batchId: positionals[0]! };
    }
    case "dead-letters": {
      const { values: v } = parse({ retry: { type: "string" } });
      if (v.help) return { kind: "help" };
      return { kind: "dead-letters", global: globalOf(v as { url?: string; token?: string }), retry: (v.retry as string | undefined) ?? null };
    }
    default:
      throw new UsageError(`Unknown command "${cmd}". Commands: submit, show, watch, dead-letters, rebuild.`);
  }
}

/** "flat_1080p,360mono" -> ["FLAT_1080P", "VR360_MONO_4K"], aliases resolved, duplicates dropped. */
export function parseFormats(list: string): string[] {
  const out: string[] = [];
  for (const raw of list.split(",").map((s) => s.trim()).filter(Boolean)) {
    const id = resolveFormatId(raw);
    if (!id) throw new UsageError(`Unknown format "${raw}". Use ids such as flat_1080p, flat_4k, flat_1080p_vertical, vr360_mono_4k, vr360_stereo_4k (or the aliases 1080p, 4k, 360mono, 360stereo).`);
    const e = id.toUpperCase();
    if (!out.includes(e)) out.push(e);
  }
  if (out.length === 0) throw new UsageError("--formats needs at least one format.");
  return out;
}
