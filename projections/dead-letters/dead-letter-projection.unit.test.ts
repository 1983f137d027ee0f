import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openReadModel, type ReadModel } from "../read-model";
import { EventFactory, withSeqs } from "../testing/event-factory";

describe("dead-letters projection", () => {
  let rm: ReadModel;
  beforeEach(() => (rm = openReadModel(":memory:")));
  afterEach(() => rm.close());

  it("goes OPEN -> RETRYING -> RESOLVED, and a second dead-lettering reopens the same row", () => {
    const f = new EventFactory("d");
    const dl = (id: string, deliveries: number) =>
      f.event("MessageDeadLettered", id, { deadLetterId: id, consumer: "render", streamSeq: 7, eventId: "e7", eventType: "JobQueued", aggregateId: "job1", deliveries, error: "boom" });
    const first = dl("dl1", 5);
    const events = [first, dl("dl2", 5), f.event("DeadLetterRetryRequested", "dl1", { deadLetterId: "dl1", consumer: "render", streamSeq: 7 })];
    rm.applyEvents(withSeqs(events));
    expect(rm.deadLetter("dl1")).toMatchObject({ status: "RETRYING", deliveries: 5, createdAt: first.metadata.occurredAt, updatedAt: events[2]!.metadata.occurredAt });
    expect(rm.deadLetters({ status: "OPEN", first: 10 }).map((d) => d.id)).toEqual(["dl2"]);
    expect(rm.queueStats().openDeadLetters).toBe(1);
    rm.applyEvents(withSeqs([dl("dl1", 6)], 4));
    expect(rm.deadLetter("dl1")).toMatchObject({ status: "OPEN", deliveries: 6, createdAt: first.metadata.occurredAt });
    rm.applyEvents(withSeqs([f.event("DeadLetterResolved", "dl1", { deadLetterId: "dl1", consumer: "render" })], 5));
    expect(rm.deadLetter("dl1")!.status).toBe("RESOLVED");
    expect(rm.deadLetters({ first: 10 }).map((d) => d.id)).toEqual(["dl2", "dl1"]);
    expect(rm.deadLetter("nope")).toBeNull();
  });
});
