/**
 * A webhook receiver for tests: verifies `X-Emberflow-Signature` against the raw body, records
 * every request, can answer a chosen status, and can go down (connection refused) and come back
 * up on the same port.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { verifyWebhookSignature } from "../../workers/integrations/webhooks/webhook-signature.js";
import { close, FailureQueue, listen, readBody, sendJson } from "./http-helpers.js";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  eventId?: string;
  signatureValid: boolean;
  /** Status the receiver answered. */
  answered: number;
}

export interface WebhookReceiverOptions {
  secret?: string;
  toleranceSeconds?: number;
  /** Answer 401 to requests whose signature does not verify (default true when a secret is set). */
  rejectInvalidSignatures?: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests answered 2xx, i.e. deliveries the sender may consider done. */
  accepted(): ReceivedWebhook[];
  /** Answer `status` to the next `count` requests (default: every request until `respondWith(200)`). */
  respondWith(status: number, count?: number, headers?: Record<string, string>): void;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const failures = new FailureQueue();
  let standing: { status: number; headers: Record<string, string> } = { status: 200, headers: {} };
  const rejectInvalid = options.rejectInvalidSignatures ?? options.secret !== undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const header = req.headers["x-emberflow-signature"];
    const signatureValid =
      options.secret !== undefined &&
      verifyWebhookSignature(options.secret, typeof header === "string" ? header : undefined, body, options.toleranceSeconds ?? 300);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const canned = failures.take() ?? (standing.status === 200 ? undefined : standing);
    const answered = canned?.status ?? (rejectInvalid && !signatureValid ? 401 : 200);
    const eventId = req.headers["x-emberflow-event-id"];
    received.push({ headers: req.headers, body, json, eventId: typeof eventId === "string" ? eventId : undefined, signatureValid, answered });
    sendJson(res, answered, { ok: answered < 300 }, canned?.headers ?? {});
  }

  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted: () => received.filter((r) => r.answered >= 200 && r.answered < 300),
    respondWith(status, count, headers = {}) {
      if (count === undefined) standing = { status, headers };
      else failures.push(count, status, headers);
    },
    down: () => close(server),
    up: async () => {
      if (!server.listening) await listen(server, port);
    },
    stop: () => close(server),
  };
}
