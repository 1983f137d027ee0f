import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openReadModel, type ReadModel } from "../read-model";
import { EventFactory, withSeqs } from "../testing/event-factory";

describe("deliveries projection", () => {
  let rm: ReadModel;
  beforeEach(() => (rm = openReadModel(":memory:")));
  afterEach(() => rm.close());

  it("tracks one delivery per id through attempts, failure, retry and success", () => {
    const f = new EventFactory("v");
    const ref = { deliveryId: "dv1", batchId: "b1", jobId: null, integration: "ntfy" as const, target: "topic", sourceEventId: "e1", sourceEventType: "BatchCompleted" };
    let seq = 0;
    const apply = (e: ReturnType<EventFactory["event"]>) => rm.applyEvents(withSeqs([e], ++seq));
    apply(f.event("DeliveryAttemptFailed", "dv1", { ...ref, attempt: 1, error: "503", retryInSeconds: 1 }));
    expect(rm.delivery("dv1")).toMatchObject({ status: "RETRYING", attempts: 1, lastError: "503", detail: {} });
    apply(f.event("DeliveryFailed", "dv1", { ...ref, attempts: 3, error: "timeout" }));
    expect(rm.delivery("dv1")).toMatchObject({ status: "FAILED", attempts: 3, lastError: "timeout" });
    apply(f.event("DeliveryRetryRequested", "dv1", ref));
    expect(rm.delivery("dv1")).toMatchObject({ status: "PENDING", attempts: 3, lastError: "timeout" });
    const ok = f.event("DeliverySucceeded", "dv1", { ...ref, attempts: 4, detail: { messageId: "m1" } });
    apply(ok);
    expect(rm.delivery("dv1")).toEqual({
      id: "dv1", batchId: "b1", jobId: null, integration: "ntfy", target: "topic", status: "SUCCEEDED", attempts: 4, lastError: null,
      detail: { messageId: "m1" }, sourceEventId: "e1", sourceEventType: "BatchCompleted", updatedAt: ok.metadata.occurredAt,
    });
    apply(f.event("DeliverySucceeded", "dv2", { ...ref, deliveryId: "dv2", attempts: 1, detail: {} }));
    expect(rm.deliveriesByBatchIds(["b1", "b2"]).map((l) => l.map((d) => d.id))).toEqual([["dv1", "dv2"], []]);
  });
});
