import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test-support/fakes/webhook-receiver.js";
import { createWebhookAdapter, createWebhookAdapterIfConfigured } from "./webhook-adapter.js";
import type { WebhookMessage } from "./webhook-adapter.js";
import { verifyWebhookSignature } from "./webhook-signature.js";

const SECRET = "whsec_test_1234567890";
let receiver: WebhookReceiver;

const message = (eventId = "evt-1"): WebhookMessage => ({
  eventId,
  type: "job.completed",
  payload: { eventId, type: "job.completed", jobId: "j1", audioFile: "雨.mp3", driveUrl: null },
});

beforeEach(async () => {
  receiver = await startWebhookReceiver({ secret: SECRET });
});
afterEach(async () => {
  await receiver.stop();
});

describe("webhook adapter against the fake receiver", () => {
  it("delivers a signed payload with event id and the legacy secret header for n8n", async () => {
    const adapter = createWebhookAdapterIfConfigured({ n8nRenderUrl: receiver.url, n8nSecret: SECRET })!;
    expect(adapter.subscriptionsFor("job.completed").map((s) => s.id)).toEqual(["n8n-render"]);
    await expect(adapter.deliver("n8n-render", message())).resolves.toEqual({ status: 200 });
    const [got] = receiver.received;
    expect(got.signatureValid).toBe(true);
    expect(got.eventId).toBe("evt-1");
    expect(got.headers["x-emberflow-event-type"]).toBe("job.completed");
    expect(got.headers["x-webhook-secret"]).toBe(SECRET);
    expect(got.json).toMatchObject({ audioFile: "雨.mp3" });
    expect(verifyWebhookSignature(SECRET, got.headers["x-emberflow-signature"] as string, got.body, 60)).toBe(true);
  });

  it("does not send the raw secret to plain subscriptions", async () => {
    const adapter = createWebhookAdapter({ subscriptions: [{ id: "s1", url: receiver.url, secret: SECRET, events: ["job.*"] }] });
    await adapter.deliver("s1", message());
    expect(receiver.received[0].headers["x-webhook-secret"]).toBeUndefined();
    expect(receiver.received[0].signatureValid).toBe(true);
  });

  it("a wrong secret is rejected by the receiver and classified permanent", async () => {
    const adapter = createWebhookAdapter({ subscriptions: [{ id: "s1", url: receiver.url, secret: "wrong", events: ["*"] }] });
    await expect(adapter.deliver("s1", message())).rejects.toMatchObject({ retryable: false, status: 401 });
    expect(receiver.received[0].signatureValid).toBe(false);
  });

  it("receiver down is retryable; once it is back the same event is delivered", async () => {
    const adapter = createWebhookAdapter({ subscriptions: [{ id: "s1", url: receiver.url, secret: SECRET, events: ["*"] }], timeoutMs: 2000 });
    await receiver.down();
    await expect(adapter.deliver("s1", message("evt-down"))).rejects.toMatchObject({ retryable: true, code: "NETWORK" });
    await receiver.up();
    await expect(adapter.deliver("s1", message("evt-down"))).resolves.toEqual({ status: 200 });
    expect(receiver.accepted().map((r) => r.eventId)).toEqual(["evt-down"]);
  });

  it("5xx and 429 are retryable, Retry-After is reported", async () => {
    const adapter = createWebhookAdapter({ subscriptions: [{ id: "s1", url: receiver.url, secret: SECRET, events: ["*"] }] });
    receiver.respondWith(502, 1);
    receiver.respondWith(429, 1, { "retry-after": "30" });
    await expect(adapter.deliver("s1", message())).rejects.toMatchObject({ retryable: true, status: 502 });
    await expect(adapter.deliver("s1", message())).rejects.toMatchObject({ retryable: true, status: 429, retryAfterMs: 30_000 });
  });

  it.each([400, 404, 410])("HTTP %i is permanent (not retried)", async (status) => {
    const adapter = createWebhookAdapter({ subscriptions: [{ id: "s1", url: receiver.url, secret: SECRET, events: ["*"] }] });
    receiver.respondWith(status);
    await expect(adapter.deliver("s1", message())).rejects.toMatchObject({ retryable: false, status });
  });

  it("deliverAll reports per subscription and honours filters", async () => {
    const other = await startWebhookReceiver({ secret: "other-secret" });
    try {
      const adapter = createWebhookAdapter({
        subscriptions: [
          { id: "jobs", url: receiver.url, secret: SECRET, events: ["job.completed"] },
          { id: "batches", url: other.url, secret: "other-secret", events: ["batch.*"] },
          { id: "gone", url: other.url, secret: "other-secret", events: ["*"] },
        ],
      });
      other.respondWith(410);
      const outcomes = await adapter.deliverAll(message());
      expect(outcomes.map((o) => [o.subscriptionId, o.ok, o.error?.retryable])).toEqual([
        ["jobs", true, undefined],
        ["gone", false, false],
      ]);
    } finally {
      await other.stop();
    }
  });

  it("is off unless configured and rejects unsigned WEBHOOKS entries", () => {
    expect(createWebhookAdapterIfConfigured({})).toBeUndefined();
    expect(() => createWebhookAdapterIfConfigured({ subscriptions: [{ url: "http://x", events: ["*"] }] })).toThrow(/secret/);
  });
});
