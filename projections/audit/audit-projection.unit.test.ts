import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openReadModel, type ReadModel } from "../read-model";
import { EventFactory, withSeqs } from "../testing/event-factory";

describe("audit projection", () => {
  let rm: ReadModel;
  beforeEach(() => (rm = openReadModel(":memory:")));
  afterEach(() => rm.close());

  it("keeps every event; a batch's trail includes its jobs' events, in log order", () => {
    const f = new EventFactory("a");
    const events = withSeqs([...f.batchLifecycle(2, { transcribe: false, formats: ["flat_1080p"] }), ...f.batchLifecycle(1)]);
    rm.applyEvents(events);
    const batchId = events[0]!.aggregateId;
    const trail = rm.events({ aggregateId: batchId, first: 1000 });
    const expected = events.filter((e) => e.aggregateId === batchId || (e.aggregateType === "job" && (events[0]!.data as { items: { jobId: string }[] }).items.some((i) => i.jobId === e.aggregateId)));
    expect(trail.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    expect(trail.filter((e) => e.aggregateType === "job").every((e) => e.batchId === batchId)).toBe(true);
    expect(trail[0]).toMatchObject({ type: "BatchCreated", schemaVersion: 2, batchId: null, actor: "system", causationId: null, data: events[0]!.data });
    const page = rm.events({ aggregateId: batchId, after: trail[2]!.seq, first: 2 });
    expect(page.map((e) => e.seq)).toEqual([trail[3]!.seq, trail[4]!.seq]);
    const jobId = trail.find((e) => e.aggregateType === "job")!.aggregateId;
    expect(rm.events({ aggregateId: jobId, first: 100 }).every((e) => e.aggregateId === jobId)).toBe(true);
  });
});
