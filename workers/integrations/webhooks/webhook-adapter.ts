/**
 * Signed webhook delivery to n8n and any number of subscriptions. Delivery is per subscription so
 * the reactor can retry just the one that failed (keyed by event id + subscription id) instead of
 * re-sending to receivers that already accepted the event.
 */
import { createHash } from "node:crypto";
import { postWithClassification } from "../http-post.js";
import { IntegrationError } from "../integration-error.js";
import {
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  LEGACY_SECRET_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
} from "./webhook-signature.js";

export interface WebhookSubscription {
  /** Stable id, used in idempotency keys; derived from the URL when omitted. */
  id?: string;
  url: string;
  secret?: string;
  /** Filters: exact types (`job.completed`), prefixes (`batch.*`) or `*`. */
  events: string[];
  /** Also send the raw secret as `X-Webhook-Secret` (seed / n8n Header Auth compatibility). */
  legacySecretHeader?: boolean;
}

export interface ResolvedSubscription extends WebhookSubscription {
  id: string;
}

export interface WebhookMessage {
  /** Event id: sent as `X-Emberflow-Event-Id` so receivers can drop redeliveries. */
  eventId: string;
  type: string;
  payload: unknown;
}

export interface DeliveryOutcome {
  subscriptionId: string;
  ok: boolean;
  status?: number;
  error?: IntegrationError;
}

export interface WebhookAdapter {
  subscriptionsFor(type: string): ResolvedSubscription[];
  /** Delivers to one subscription; throws IntegrationError (check `retryable`). */
  deliver(subscriptionId: string, message: WebhookMessage): Promise<{ status: number }>;
  /** Delivers to every matching subscription; never throws, reports per subscription. */
  deliverAll(message: WebhookMessage): Promise<DeliveryOutcome[]>;
}

export interface WebhookAdapterConfig {
  subscriptions: WebhookSubscription[];
  timeoutMs?: number;
  nowSeconds?: () => number;
  fetchImpl?: typeof fetch;
}

export interface WebhookEnvConfig {
  /** `N8N_WEBHOOK_RENDER_URL` */
  n8nRenderUrl?: string;
  /** `N8N_WEBHOOK_SECRET` */
  n8nSecret?: string;
  /** Parsed `WEBHOOKS` JSON list. */
  subscriptions?: WebhookSubscription[];
}

/** The seed posted to n8n per render job, on success and on (final) failure. */
export const N8N_RENDER_EVENTS = ["job.completed", "job.failed"];

export function createWebhookAdapterIfConfigured(
  env: WebhookEnvConfig,
  options: Omit<WebhookAdapterConfig, "subscriptions"> = {},
): WebhookAdapter | undefined {
  const subscriptions: WebhookSubscription[] = [...(env.subscriptions ?? [])];
  // Only the n8n URL may be unsigned (seed compatibility); WEBHOOKS entries must carry a secret.
  if (subscriptions.some((s) => !s.secret)) throw configError("every WEBHOOKS subscription needs a secret");
  if (env.n8nRenderUrl) {
    subscriptions.unshift({
      id: "n8n-render",
      url: env.n8nRenderUrl,
      secret: env.n8nSecret || undefined,
      events: N8N_RENDER_EVENTS,
      legacySecretHeader: true,
    });
  }
  if (subscriptions.length === 0) return undefined;
  return createWebhookAdapter({ ...options, subscriptions });
}

export function createWebhookAdapter(config: WebhookAdapterConfig): WebhookAdapter {
  const subscriptions = config.subscriptions.map(resolveSubscription);
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  if (byId.size !== subscriptions.length) throw configError("subscription ids must be unique");
  const now = config.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  async function deliver(subscriptionId: string, message: WebhookMessage): Promise<{ status: number }> {
    const subscription = byId.get(subscriptionId);
    if (!subscription) {
      // Config changed between attempts: the subscription is gone, so retrying cannot help.
      throw new IntegrationError("webhook", `unknown subscription ${subscriptionId}`, { retryable: false, code: "UNKNOWN_SUBSCRIPTION" });
    }
    const body = JSON.stringify(message.payload);
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "emberflow-webhooks/1",
      [EVENT_ID_HEADER]: message.eventId,
      [EVENT_TYPE_HEADER]: message.type,
    };
    if (subscription.secret) {
      headers[SIGNATURE_HEADER] = signatureHeader(subscription.secret, body, now());
      if (subscription.legacySecretHeader) headers[LEGACY_SECRET_HEADER] = subscription.secret;
    }
    const result = await postWithClassification({
      integration: "webhook",
      what: `webhook ${subscription.id}`,
      url: subscription.url,
      headers,
      body,
      timeoutMs: config.timeoutMs ?? 10_000,
      fetchImpl: config.fetchImpl,
    });
    return { status: result.status };
  }

  return {
    subscriptionsFor: (type) => subscriptions.filter((s) => matchesEvent(s.events, type)),
    deliver,
    async deliverAll(message) {
      const targets = subscriptions.filter((s) => matchesEvent(s.events, message.type));
      return Promise.all(
        targets.map(async (s): Promise<DeliveryOutcome> => {
          try {
            const { status } = await deliver(s.id, message);
            return { subscriptionId: s.id, ok: true, status };
          } catch (err) {
            const error = err instanceof IntegrationError ? err : new IntegrationError("webhook", String(err), { retryable: true, code: "UNKNOWN", cause: err });
            return { subscriptionId: s.id, ok: false, status: error.status, error };
          }
        }),
      );
    },
  };
}

export function matchesEvent(filters: string[], type: string): boolean {
  return filters.some((filter) => {
    if (filter === "*" || filter === type) return true;
    return filter.endsWith(".*") && type.startsWith(filter.slice(0, -1));
  });
}

function resolveSubscription(subscription: WebhookSubscription): ResolvedSubscription {
  let url: URL;
  try {
    url = new URL(subscription.url);
  } catch {
    throw configError("a subscription url is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw configError("subscription urls must be http(s)");
  if (!Array.isArray(subscription.events) || subscription.events.length === 0) {
    throw configError(`subscription for ${url.host} needs at least one event filter`);
  }
  const id = subscription.id ?? `wh-${createHash("sha256").update(subscription.url).digest("hex").slice(0, 12)}`;
  return { ...subscription, id };
}

function configError(message: string): IntegrationError {
  return new IntegrationError("webhook", message, { retryable: false, code: "CONFIG" });
}
