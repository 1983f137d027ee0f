import { z } from "zod";
import type { EventLogNames } from "../core/eventlog/subjects";

/**
 * Server configuration, parsed and validated once from the environment (only server/main.ts passes
 * process.env in). Every message says which variable is wrong and what a valid value looks like.
 */
export type Role = "viewer" | "operator";
export interface ApiToken {
  readonly name: string;
  readonly role: Role;
  readonly token: string;
}

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly renderOutputDir: string | null;
  readonly natsUrl: string | null;
  readonly natsToken: string | null;
  readonly names: EventLogNames;
  /** Replicas of the event stream and KV buckets: 1 on one machine, 3 on a cluster. */
  readonly streamReplicas: number;
  readonly apiTokens: readonly ApiToken[];
  readonly maxUploadBytes: number;
  readonly maxBatchItems: number;
  readonly publicUrl: string | null;
  readonly graphqlMaxDepth: number;
  readonly graphqlMaxComplexity: number;
  readonly readYourWritesTimeoutMs: number;
  readonly logFormat: "pretty" | "json";
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const int = (name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number between ${min} and ${max} (got "${v}")` });
        return z.NEVER;
      }
      return n;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? null : v.trim()));

const TOKEN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function parseTokens(raw: string | null, ctx: z.RefinementCtx): ApiToken[] {
  if (!raw) return [];
  const out: ApiToken[] = [];
  for (const [i, entry] of raw.split(",").map((s) => s.trim()).filter(Boolean).entries()) {
    // never echo the entry: it contains the secret
    const [name, role, ...rest] = entry.split(":");
    const token = rest.join(":");
    if (!name || !TOKEN_NAME.test(name))
      ctx.addIssue({ code: "custom", message: `API_TOKENS entry ${i + 1}: the name must be 1-64 letters, digits, '.', '_' or '-' (format name:role:token)` });
    else if (role !== "viewer" && role !== "operator")
      ctx.addIssue({ code: "custom", message: `API_TOKENS entry ${i + 1} (${name}): role must be viewer or operator (format name:role:token)` });
    else if (token.length < 16)
      ctx.addIssue({ code: "custom", message: `API_TOKENS entry ${i + 1} (${name}): the token must be at least 16 characters` });
    else out.push({ name, role, token });
  }
  const names = out.map((t) => t.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) ctx.addIssue({ code: "custom", message: `API_TOKENS: the name "${dup}" is used twice; names become event actors and must be unique` });
  return out;
}

const url = (name: string) =>
  optionalString.refine((v) => v === null || /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v), { message: `${name} must be a URL such as http://host:port` });

const schema = z
  .object({
    PORT: int("PORT", 4000, 0, 65535),
    HOST: optionalString,
    ALLOW_UNAUTHENTICATED_NETWORK: optionalString,
    DATA_DIR: optionalString,
    RENDER_OUTPUT_DIR: optionalString,
    NATS_URL: url("NATS_URL"),
    NATS_TOKEN: optionalString,
    EVENT_STREAM: optionalString.refine((v) => v === null || /^[A-Za-z0-9_-]+$/.test(v), {
      message: "EVENT_STREAM may contain only letters, digits, '_' and '-'",
    }),
    EVENT_SUBJECT_PREFIX: optionalString.refine((v) => v === null || /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(v), {
      message: "EVENT_SUBJECT_PREFIX must be dot-separated tokens of letters, digits, '_' and '-' (e.g. ef.events)",
    }),
    EVENT_STREAM_REPLICAS: int("EVENT_STREAM_REPLICAS", 1, 1, 5),
    // parsed at field level so its problems are listed together with every other variable's
    API_TOKENS: optionalString.transform((v, ctx) => parseTokens(v, ctx)),
    MAX_UPLOAD_BYTES: int("MAX_UPLOAD_BYTES", 2 * 1024 ** 3, 1),
    MAX_BATCH_ITEMS: int("MAX_BATCH_ITEMS", 100, 1, 10_000),
    PUBLIC_URL: url("PUBLIC_URL"),
    GRAPHQL_MAX_DEPTH: int("GRAPHQL_MAX_DEPTH", 12, 2, 100),
    GRAPHQL_MAX_COMPLEXITY: int("GRAPHQL_MAX_COMPLEXITY", 5000, 10),
    READ_YOUR_WRITES_TIMEOUT_MS: int("READ_YOUR_WRITES_TIMEOUT_MS", 5000, 0, 60_000),
    LOG_FORMAT: optionalString.refine((v) => v === null || v === "pretty" || v === "json", { message: "LOG_FORMAT must be pretty or json" }),
    LOG_LEVEL: optionalString.refine((v) => v === null || ["debug", "info", "warn", "error"].includes(v), {
      message: "LOG_LEVEL must be debug, info, warn or error",
    }),
  })
  .superRefine((e, ctx) => {
    // without tokens anyone who reaches the port may mutate and upload: only on purpose beyond loopback
    if (e.HOST && e.API_TOKENS.length === 0 && !isLoopback(e.HOST) && e.ALLOW_UNAUTHENTICATED_NETWORK !== "1")
      ctx.addIssue({
        code: "custom",
        message: `HOST=${e.HOST} would let anyone who reaches the port create and cancel batches: set API_TOKENS (name:role:token,...), listen on 127.0.0.1, or set ALLOW_UNAUTHENTICATED_NETWORK=1 if a proxy in front does the authentication`,
      });
  })
  .transform((e) => {
    const apiTokens = e.API_TOKENS;
    const config: ServerConfig = {
      port: e.PORT,
      // without tokens anyone who can reach the port may mutate: keep it on loopback
      host: e.HOST ?? (apiTokens.length === 0 ? "127.0.0.1" : "0.0.0.0"),
      dataDir: e.DATA_DIR ?? "./data",
      renderOutputDir: e.RENDER_OUTPUT_DIR,
      natsUrl: e.NATS_URL,
      natsToken: e.NATS_TOKEN,
      names: { stream: e.EVENT_STREAM ?? "EF_EVENTS", prefix: e.EVENT_SUBJECT_PREFIX ?? "ef.events" },
      streamReplicas: e.EVENT_STREAM_REPLICAS,
      apiTokens,
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxBatchItems: e.MAX_BATCH_ITEMS,
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, "") ?? null,
      graphqlMaxDepth: e.GRAPHQL_MAX_DEPTH,
      graphqlMaxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
      readYourWritesTimeoutMs: e.READ_YOUR_WRITES_TIMEOUT_MS,
      logFormat: (e.LOG_FORMAT ?? "pretty") as "pretty" | "json",
      logLevel: (e.LOG_LEVEL ?? "info") as ServerConfig["logLevel"],
    };
    return config;
  });

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Parses the environment; throws one ConfigError listing every problem. */
export function loadServerConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const res = schema.safeParse(env);
  if (res.success) return res.data;
  // every message names its variable; the path would only repeat it
  const lines = res.error.issues.map((i) => `  - ${i.message}`);
  throw new ConfigError(`Invalid server configuration; fix these environment variables:\n${lines.join("\n")}`);
}

/** Values that must never be logged. */
export const configSecrets = (c: ServerConfig): string[] => [...c.apiTokens.map((t) => t.token), ...(c.natsToken ? [c.natsToken] : [])];
