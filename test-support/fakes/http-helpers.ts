/** Small helpers the fake servers share: read a body, answer JSON, listen on a loopback port. */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** Listens on 127.0.0.1 (port 0 = any free port) and resolves the bound port. */
export async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and drops keep-alive sockets so "down" really means connection refused. */
export async function close(server: Server): Promise<void> {
  if (!server.listening) return;
  const done = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await done;
}

/** A queue of canned failures: `take()` returns the next one and consumes it. */
export class FailureQueue {
  private readonly queue: { status: number; headers: Record<string, string> }[] = [];

  push(count: number, status: number, headers: Record<string, string> = {}): void {
    for (let i = 0; i < count; i += 1) this.queue.push({ status, headers });
  }

  take(): { status: number; headers: Record<string, string> } | undefined {
    return this.queue.shift();
  }

  clear(): void {
    this.queue.length = 0;
  }
}
