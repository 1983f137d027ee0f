import { readFile } from "node:fs/promises";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchUpdatedDocument, CatalogDocument, CreateBatchDocument, EventsDocument } from "../schema/generated/graphql";
import { collect, makeWav, startServerHarness, type ServerHarness } from "./testing/server-harness";

const OPERATOR = "operator-token-0123456789";
const VIEWER = "viewer-token-0123456789ab";

let h: ServerHarness;
let wav: Buffer;

beforeAll(async () => {
  h = await startServerHarness({ API_TOKENS: `ops:operator:${OPERATOR}, watcher:viewer:${VIEWER}` });
  wav = await readFile(await makeWav(h.dataDir, 1));
});
afterAll(async () => h?.stop());

describe("with API_TOKENS configured", () => {
  it("uploads need an operator token: none 401, viewer 403, wrong 401, operator 201", async () => {
    const file = [{ name: "a.wav", content: wav }];
    expect(await h.upload(file)).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    expect(await h.upload(file, { token: VIEWER })).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    const wrong = await h.upload(file, { token: "not-a-real-token-at-all" });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    expect(JSON.stringify(wrong.body)).not.toContain("not-a-real-token-at-all");
    expect((await h.upload(file, { token: OPERATOR })).status).toBe(201);
  });

  it("mutations need an operator token; the caller becomes the event's actor", async () => {
    const up = await h.upload([{ name: "a.wav", content: wav }], { token: OPERATOR });
    const input = { name: "secure", items: [{ uploadId: up.body[0].id }], template: "FLAME" as const, formats: ["FLAT_1080P" as const] };
    expect((await h.gql(CreateBatchDocument, { input })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const viewer = await h.gql(CreateBatchDocument, { input }, { token: VIEWER });
    expect(viewer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const wrong = await h.gql(CreateBatchDocument, { input }, { token: "nope-nope-nope-nope-nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const ok = await h.gql(CreateBatchDocument, { input }, { token: OPERATOR });
    expect(ok.errors).toBeUndefined();
    const events = await h.gql(EventsDocument, { aggregateId: ok.data!.createBatch.batch.id, first: 10 }, { token: VIEWER });
    expect(events.data!.events[0]).toMatchObject({ type: "BatchCreated", actor: "user:ops" });
  });

  it("queries work for viewers and without a token", async () => {
    expect((await h.gql(CatalogDocument, {})).data!.templates.map((t) => t.id)).toEqual(["FLAME", "MIST"]);
    expect((await h.gql(CatalogDocument, {}, { token: VIEWER })).errors).toBeUndefined();
  });

  it("subscriptions need a token in connection_init; a viewer may subscribe", async () => {
    const anonymous = collect(h.wsClient(), print(BatchUpdatedDocument), { id: "whatever" }, () => true, 5000);
    await expect(anonymous.done).rejects.toBeTruthy();
    const wrong = collect(h.wsClient({ authorization: "Bearer wrong-token-wrong-token" }), print(BatchUpdatedDocument), { id: "whatever" }, () => true, 5000);
    await expect(wrong.done).rejects.toBeTruthy();
    const viewer = collect(h.wsClient({ authorization: `Bearer ${VIEWER}` }), print(BatchUpdatedDocument), { id: "whatever" }, (all) => all.length >= 1, 5000);
    expect((await viewer.done)[0]).toEqual({ batchUpdated: null });
  });

  it("never echoes a token in metrics or errors", async () => {
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).not.toContain(OPERATOR);
    expect(metrics).not.toContain(VIEWER);
  });
});
