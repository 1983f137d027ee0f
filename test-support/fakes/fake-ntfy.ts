/**
 * A local ntfy server speaking enough of the publish protocol for adapter tests: JSON publish at
 * `POST /` and header publish at `POST|PUT /<topic>` (with RFC 2047 decoding of headers, as ntfy
 * does), bearer-token auth, recorded messages, and injectable failures.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { close, FailureQueue, listen, readBody, sendJson } from "./http-helpers.js";

export interface RecordedNtfyMessage {
  id: string;
  via: "json" | "headers";
  topic: string;
  title?: string;
  message: string;
  /** Normalised to ntfy's 1..5 scale whichever way it was sent. */
  priority: number;
  tags: string[];
  click?: string;
  authorization?: string;
}

export interface FakeNtfyOptions {
  /** When set, every publish must carry `Authorization: Bearer <token>`. */
  token?: string;
}

export interface FakeNtfy {
  url: string;
  messages: RecordedNtfyMessage[];
  /** The next `count` publishes answer `status` (with optional headers, e.g. Retry-After). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Stop listening (connection refused) and come back on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

const PRIORITY_NAMES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, urgent: 5, max: 5 };

export async function startFakeNtfy(options: FakeNtfyOptions = {}): Promise<FakeNtfy> {
  const messages: RecordedNtfyMessage[] = [];
  const failures = new FailureQueue();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method !== "POST" && req.method !== "PUT") return sendJson(res, 405, { code: 40501, error: "method not allowed" });
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return sendJson(res, 401, { code: 40101, http: 401, error: "unauthorized" });
    }
    const failure = failures.take();
    if (failure) return sendJson(res, failure.status, { http: failure.status, error: "injected" }, failure.headers);

    const path = new URL(req.url ?? "/", "http://x").pathname;
    const recorded = path === "/" ? fromJson(body) : fromHeaders(path.slice(1), req, body);
    if (!recorded) return sendJson(res, 400, { code: 40001, http: 400, error: "invalid request" });
    recorded.authorization = req.headers.authorization;
    messages.push(recorded);
    sendJson(res, 200, { id: recorded.id, time: Math.floor(Date.now() / 1000), event: "message", topic: recorded.topic });
  }

  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    failNext: (count, status, headers) => failures.push(count, status, headers),
    down: () => close(server),
    up: async () => {
      if (!server.listening) await listen(server, port);
    },
    stop: () => close(server),
  };
}

function fromJson(body: string): RecordedNtfyMessage | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof parsed.topic !== "string" || parsed.topic === "") return undefined;
  // ntfy's JSON API only accepts numeric priorities; a string here is a client bug worth catching.
  if (parsed.priority !== undefined && typeof parsed.priority !== "number") return undefined;
  return {
    id: randomUUID(),
    via: "json",
    topic: parsed.topic,
    title: typeof parsed.title === "string" ? parsed.title : undefined,
    message: typeof parsed.message === "string" ? parsed.message : "triggered",
    priority: (parsed.priority as number | undefined) ?? 3,
    tags: Array.isArray(parsed.tags) ? parsed.tags.map(String) : [],
    click: typeof parsed.click === "string" ? parsed.click : undefined,
  };
}

function fromHeaders(topic: string, req: IncomingMessage, body: string): RecordedNtfyMessage | undefined {
  if (!topic || topic.includes("/")) return undefined;
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return typeof value === "string" ? decodeRfc2047(value) : undefined;
  };
  const rawPriority = header("priority") ?? header("x-priority") ?? "default";
  const priority = PRIORITY_NAMES[rawPriority] ?? Number(rawPriority);
  if (!Number.isInteger(priority) || priority < 1 || priority > 5) return undefined;
  const tags = header("tags") ?? header("x-tags");
  return {
    id: randomUUID(),
    via: "headers",
    topic,
    title: header("title") ?? header("x-title"),
    message: body || "triggered",
    priority,
    tags: tags ? tags.split(",").map((t) => t.trim()).filter(Boolean) : [],
    click: header("click") ?? header("x-click"),
  };
}

/** Decodes `=?UTF-8?B?...?=` / `=?UTF-8?Q?...?=` encoded words, which ntfy accepts in headers. */
function decodeRfc2047(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, enc: string, text: string) => {
    if (enc.toUpperCase() === "B") return Buffer.from(text, "base64").toString("utf8");
    const bytes = text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  });
}
