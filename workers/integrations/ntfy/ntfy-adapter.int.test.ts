import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeNtfy, type FakeNtfy } from "../../../test-support/fakes/fake-ntfy.js";
import { IntegrationError } from "../integration-error.js";
import { createNtfyAdapter, createNtfyAdapterIfConfigured } from "./ntfy-adapter.js";
import { buildBatchNotification, buildJobFailedNotification } from "./ntfy-messages.js";

const TOKEN = "tk_test_secret_token";
let server: FakeNtfy;

beforeEach(async () => {
  server = await startFakeNtfy({ token: TOKEN });
});
afterEach(async () => {
  await server.stop();
});

describe("ntfy adapter against the fake server", () => {
  it("publishes title, priority, tags, click and bearer auth as JSON", async () => {
    const ntfy = createNtfyAdapter({ url: server.url, topic: "emberflow", token: TOKEN });
    const msg = buildBatchNotification(
      { batchId: "b-1", batchName: "Rain", status: "PARTIAL", counts: { total: 5, succeeded: 4, failed: 1, cancelled: 0 } },
      { publicUrl: "https://ember.example" },
    );
    const result = await ntfy.publish(msg, "evt-1");
    expect(result.duplicate).toBe(false);
    expect(result.messageId).toBeTruthy();
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]).toMatchObject({
      via: "json",
      topic: "emberflow",
      title: "Batch Partial: 4/5 succeeded",
      priority: 4,
      tags: ["warning", "movie_camera"],
      click: "https://ember.example/#/batches/b-1",
      authorization: `Bearer ${TOKEN}`,
    });
  });

  it("delivers non-Latin-1 titles intact", async () => {
    const ntfy = createNtfyAdapter({ url: server.url, topic: "emberflow", token: TOKEN });
    const msg = buildJobFailedNotification({ batchId: "b", jobId: "j", fileName: "雨の瞑想 🌧️ Ærø.mp3", errorMessage: "boom" });
    await ntfy.publish(msg, "evt-2");
    expect(server.messages[0].title).toBe("Render Failed: 雨の瞑想 🌧️ Ærø.mp3");
  });

  it("does not publish the same idempotency id twice", async () => {
    const ntfy = createNtfyAdapter({ url: server.url, topic: "emberflow", token: TOKEN });
    const msg = buildJobFailedNotification({ batchId: "b", jobId: "j", fileName: "a.mp3", errorMessage: "boom" });
    await ntfy.publish(msg, "evt-3");
    const again = await ntfy.publish(msg, "evt-3");
    expect(again.duplicate).toBe(true);
    expect(server.messages).toHaveLength(1);
  });

  it("classifies a wrong token as permanent, without leaking the token", async () => {
    const ntfy = createNtfyAdapter({ url: server.url, topic: "emberflow", token: "wrong-token-value" });
    const err = await ntfy.publish(buildJobFailedNotification({ batchId: "b", jobId: "j", fileName: "a", errorMessage: "e" }), "e4").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err).toMatchObject({ retryable: false, status: 401 });
    expect(String((err as Error).message)).not.toContain("wrong-token-value");
  });

  it("classifies 429 (with Retry-After) and 5xx as retryable", async () => {
    const ntfy = createNtfyAdapter({ url: server.url, topic: "emberflow", token: TOKEN });
    const msg = buildJobFailedNotification({ batchId: "b", jobId: "j", fileName: "a", errorMessage: "e" });
    server.failNext(1, 429, { "retry-after": "7" });
    server.failNext(1, 503);
    await expect(ntfy.publish(msg, "e5")).rejects.toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    await expect(ntfy.publish(msg, "e5")).rejects.toMatchObject({ retryable: true, status: 503 });
    await expect(ntfy.publish(msg, "e5")).resolves.toMatchObject({ duplicate: false });
    expect(server.messages).toHaveLength(1);
  });

  it("classifies an unreachable server as retryable", async () => {
    const url = server.url;
    await server.stop();
    const ntfy = createNtfyAdapter({ url, topic: "emberflow", timeoutMs: 2000 });
    await expect(
      ntfy.publish(buildJobFailedNotification({ batchId: "b", jobId: "j", fileName: "a", errorMessage: "e" }), "e6"),
    ).rejects.toMatchObject({ retryable: true, code: "NETWORK" });
  });

  it("is off unless a url and topic are configured", () => {
    expect(createNtfyAdapterIfConfigured(undefined)).toBeUndefined();
    expect(createNtfyAdapterIfConfigured({ url: "https://ntfy.sh", topic: "" })).toBeUndefined();
    expect(createNtfyAdapterIfConfigured({ url: "https://ntfy.sh", topic: "t" })).toBeDefined();
  });

  it("the fake also speaks header publishing with RFC 2047 titles", async () => {
    const title = `=?UTF-8?B?${Buffer.from("Über 雨").toString("base64")}?=`;
    const res = await fetch(`${server.url}/emberflow`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, title, priority: "urgent", tags: "a,b", click: "http://c" },
      body: "hello",
    });
    expect(res.status).toBe(200);
    expect(server.messages[0]).toMatchObject({ via: "headers", title: "Über 雨", priority: 5, tags: ["a", "b"], message: "hello" });
  });
});
