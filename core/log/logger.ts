/**
 * A small structured logger: one line per record, readable in a terminal ("pretty") or as JSON
 * lines for machines. Secrets are scrubbed by key and by value before anything is written.
 */
export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /(token|secret|password|private_?key|authorization)/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  readonly level?: Level;
  readonly format?: "pretty" | "json";
  /** Values that must never be printed (configured tokens, keys). */
  readonly secrets?: readonly string[];
  readonly write?: (line: string) => void;
}

export function createLogger(o: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  const min = ORDER[o.level ?? "info"];
  const secrets = (o.secrets ?? []).filter((s) => s.length >= 4);
  const write = o.write ?? ((l: string) => process.stderr.write(l + "\n"));
  const scrub = (v: unknown): unknown => {
    if (typeof v === "string") return secrets.reduce((s, secret) => s.split(secret).join("[redacted]"), v);
    if (v instanceof Error) return scrub(v.message);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? "[redacted]" : scrub(x)]));
    return v;
  };
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const all = scrub({ ...base, ...fields }) as Record<string, unknown>;
    if (o.format === "json") {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: scrub(msg), ...all }));
      return;
    }
    const { component, ...rest } = all;
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    const time = new Date().toISOString().slice(11, 23);
    write(`${time} ${level.toUpperCase().padEnd(5)} ${component ? `[${component}] ` : ""}${scrub(msg)}${extra ? "  " + extra : ""}`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(o, { ...base, ...fields }),
  };
}

/** For tests: drops everything below error. */
export const quietLogger = (): Logger => createLogger({ level: "error" });
