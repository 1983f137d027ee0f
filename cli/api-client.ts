import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { basename } from "node:path";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { GlobalOptions } from "./args";

/** The CLI's GraphQL client: HTTP for queries and mutations, graphql-ws for subscriptions, streamed uploads. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface UploadedFile {
  readonly id: string;
  readonly fileName: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly durationSeconds: number | null;
}

export class ApiClient {
  private ws: Client | null = null;

  constructor(private readonly o: GlobalOptions) {}

  private headers(): Record<string, string> {
    return this.o.token ? { authorization: `Bearer ${this.o.token}` } : {};
  }

  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.o.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...this.headers() }, body: JSON.stringify({ query, variables }) });
    } catch (e) {
      throw new ApiError(`Cannot reach the emberflow server at ${this.o.url} (${(e as Error).cause ?? (e as Error).message}): start it with \`npm start\` or pass --url.`, "NETWORK");
    }
    const body = (await res.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | null;
    if (!body) throw new ApiError(`The server answered HTTP ${res.status} without a GraphQL body.`, null);
    if (body.errors?.length) {
      const e = body.errors[0]!;
      const code = e.extensions?.code ?? null;
      const hint = code === "UNAUTHENTICATED" || code === "FORBIDDEN" ? " (pass --token or set EMBERFLOW_TOKEN)" : "";
      throw new ApiError(`${e.message}${hint}`, code);
    }
    return body.data as T;
  }

  /** Streams one file to POST /uploads as multipart (constant memory), reporting bytes sent. */
  async upload(path: string, onProgress?: (sent: number, total: number) => void): Promise<UploadedFile> {
    const size = (await stat(path)).size;
    const boundary = `----emberflow${Math.random().toString(16).slice(2)}${Date.now()}`;
    const name = basename(path).replace(/["\r\n]/g, "_");
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const url = new URL(`${this.o.url}/uploads`);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<UploadedFile>((resolve, reject) => {
      const req = request(url, {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(head.length + size + tail.length), ...this.headers() },
      });
      req.on("error", (e) => reject(new ApiError(`Upload of ${name} failed: ${e.message}`, "NETWORK")));
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = null;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          if (res.statusCode === 201 && Array.isArray(body) && body[0]) return resolve(body[0] as UploadedFile);
          const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
          reject(new ApiError(err?.message ?? `HTTP ${res.statusCode}`, err?.code ?? `HTTP_${res.statusCode}`));
        });
      });
      req.write(head);
      let sent = 0;
      const file = createReadStream(path);
      file.on("data", (c) => {
        sent += c.length;
        onProgress?.(sent, size);
      });
      file.on("error", (e) => {
        req.destroy();
        reject(new ApiError(`Cannot read ${path}: ${e.message}`, "IO"));
      });
      file.on("end", () => req.end(tail));
      file.pipe(req, { end: false });
    });
  }

  /** Subscribes over graphql-ws (reconnecting on drops); returns the unsubscribe function. */
  subscribe<T>(query: string, variables: Record<string, unknown>, onData: (d: T) => void, onError: (e: Error) => void): () => void {
    this.ws ??= createClient({
      url: this.o.url.replace(/^http/, "ws") + "/graphql",
      webSocketImpl: WebSocket,
      connectionParams: this.o.token ? { authorization: `Bearer ${this.o.token}` } : {},
      retryAttempts: 30,
      shouldRetry: () => true,
      retryWait: (n) => new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** n))),
      on: { connected: () => this.onReconnect?.() },
    });
    return this.ws.subscribe<T>(
      { query, variables },
      {
        next: (r) => {
          if (r.errors?.length) onError(new ApiError(r.errors[0]!.message, String(r.errors[0]!.extensions?.code ?? "")));
          else if (r.data) onData(r.data as T);
        },
        error: (e) => onError(e instanceof Error ? e : new ApiError(`The subscription was closed (${(e as { code?: number }).code ?? "?"}${(e as { reason?: string }).reason ? `: ${(e as { reason?: string }).reason}` : ""}).`, null)),
        complete: () => {},
      },
    );
  }

  onReconnect: (() => void) | null = null;

  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = null;
  }
}
