/**
 * ntfy publisher. Publishes as JSON to the server root rather than with Title/Tags headers:
 * HTTP headers are Latin-1 only, so the seed lost every notification whose title held a unicode
 * audio name (inventory §6, §11.14). JSON carries UTF-8 intact and needs no RFC 2047 encoding.
 */
import { postWithClassification } from "../http-post.js";
import { IntegrationError } from "../integration-error.js";
import type { NtfyMessage, NtfyPriority } from "./ntfy-messages.js";

export interface NtfyConfig {
  /** Server base URL (`NTFY_URL`, alias `NTFY_SERVER`), e.g. `https://ntfy.sh`; a path prefix is kept. */
  url: string;
  /** `NTFY_TOPIC`. */
  topic: string;
  /** `NTFY_TOKEN`: access token sent as `Authorization: Bearer`. */
  token?: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface NtfyPublishResult {
  /** ntfy's message id, when the server returned one. */
  messageId?: string;
  /** True when this idempotency id was already published by this adapter instance. */
  duplicate: boolean;
}

export interface NtfyAdapter {
  /**
   * Publishes one message. `idempotencyId` (the triggering event id) suppresses repeats within
   * this process; cross-process once-only delivery is the reactor's job (it records the id after
   * success), because ntfy itself has no idempotency key.
   */
  publish(message: NtfyMessage, idempotencyId: string): Promise<NtfyPublishResult>;
}

/** ntfy's JSON API wants numeric priorities (1..5), unlike its `Priority` header. */
const PRIORITY_NUMBER: Record<NtfyPriority, number> = { min: 1, low: 2, default: 3, high: 4, urgent: 5 };
const REMEMBERED_IDS = 1000;

export function createNtfyAdapterIfConfigured(config: Partial<NtfyConfig> | undefined): NtfyAdapter | undefined {
  // Off unless configured: a topic is what makes ntfy useful (the seed's gate too).
  if (!config?.topic || !config.url) return undefined;
  return createNtfyAdapter(config as NtfyConfig);
}

export function createNtfyAdapter(config: NtfyConfig): NtfyAdapter {
  if (!/^https?:\/\//i.test(config.url)) {
    throw new IntegrationError("ntfy", "url must start with http:// or https://", { retryable: false, code: "CONFIG" });
  }
  if (!config.topic || /[/\s]/.test(config.topic)) {
    throw new IntegrationError("ntfy", "topic must be a non-empty name without slashes or spaces", {
      retryable: false,
      code: "CONFIG",
    });
  }
  const endpoint = `${config.url.replace(/\/+$/, "")}/`;
  const published = new Map<string, string | undefined>();

  return {
    async publish(message, idempotencyId) {
      if (published.has(idempotencyId)) return { messageId: published.get(idempotencyId), duplicate: true };
      const body = JSON.stringify({
        topic: config.topic,
        title: message.title,
        message: message.message,
        priority: PRIORITY_NUMBER[message.priority],
        tags: message.tags,
        ...(message.click ? { click: message.click } : {}),
      });
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
      if (config.token) headers.authorization = `Bearer ${config.token}`;
      const result = await postWithClassification({
        integration: "ntfy",
        what: "ntfy server",
        url: endpoint,
        headers,
        body,
        timeoutMs: config.timeoutMs ?? 10_000,
        fetchImpl: config.fetchImpl,
      });
      const messageId = parseMessageId(result.body);
      published.set(idempotencyId, messageId);
      if (published.size > REMEMBERED_IDS) published.delete(published.keys().next().value as string);
      return { messageId, duplicate: false };
    },
  };
}

function parseMessageId(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: unknown };
    return typeof parsed.id === "string" ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}
