import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeadLettersDocument, RetryDeadLetterDocument, RetryDeliveryDocument } from "../schema/generated/graphql";
import { startServerHarness, type ServerHarness } from "./testing/server-harness";

const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "ops", causationId: null, actor: "worker:integrations" };

let h: ServerHarness;
beforeAll(async () => {
  h = await startServerHarness();
});
afterAll(async () => h?.stop());

describe("operator mutations on dead letters and deliveries", () => {
  it("retries an open dead letter once (a second retry is a CONFLICT)", async () => {
    await h.store.append(
      "deadletter",
      "dl1",
      [{ type: "MessageDeadLettered", data: { deadLetterId: "dl1", consumer: "render", streamSeq: 1, eventId: "e1", eventType: "JobQueued", aggregateId: "j1", deliveries: 5, error: "boom" } }],
      { expectedVersion: "any", metadata: meta },
    );
    const open = await h.gql(DeadLettersDocument, { status: "OPEN", first: 10 }, { headers: { "x-emberflow-position": String(await h.store.lastPosition()) } });
    expect(open.data!.deadLetters.map((d) => d.id)).toEqual(["dl1"]);
    const r = await h.gql(RetryDeadLetterDocument, { id: "dl1" });
    expect(r.errors).toBeUndefined();
    expect(r.data!.retryDeadLetter).toMatchObject({ deadLetter: { id: "dl1", status: "RETRYING" } });
    expect((await h.gql(RetryDeadLetterDocument, { id: "dl1" })).errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  it("retries a failed delivery", async () => {
    const ref = { deliveryId: "d1", batchId: "b1", jobId: null, integration: "ntfy" as const, target: "topic", sourceEventId: "e9", sourceEventType: "BatchCompleted" };
    const { position } = await h.store.append("delivery", "d1", [{ type: "DeliveryFailed", data: { ...ref, attempts: 5, error: "503" } }], { expectedVersion: "any", metadata: meta });
    await h.projector.waitFor(position, 5000);
    const r = await h.gql(RetryDeliveryDocument, { id: "d1" });
    expect(r.errors).toBeUndefined();
    expect(r.data!.retryDelivery.delivery).toMatchObject({ id: "d1", status: "PENDING" });
    const events = await h.store.load("delivery", "d1");
    expect(events.events.map((e) => e.type)).toEqual(["DeliveryFailed", "DeliveryRetryRequested"]);
    expect(events.events[1]!.metadata.actor).toBe("anonymous");
  });
});
