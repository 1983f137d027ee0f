import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "../core/eventlog/codec";
import { EVENT_SCHEMA_VERSIONS } from "../domain/shared/all-events";
import type { RecordedEvent } from "../domain/shared/envelope";
import { fold } from "../domain/shared/decider";
import { batchDecider } from "../domain/batch/batch-decider";
import { jobDecider } from "../domain/job/job-decider";
import type { BatchEvent } from "../domain/batch/batch-events";
import type { JobEvent } from "../domain/job/job-events";
import { openReadModel } from "./read-model";

/**
 * Events live forever: this replays a fixture log holding every event type at every schema version
 * ever written (scripts/generate-event-fixture.ts made it once; never regenerate old lines, append).
 */
const raw = readFileSync(join(import.meta.dirname, "fixtures/every-event-version.jsonl"), "utf8").trim().split("\n");
const events: RecordedEvent[] = raw.map((line, i) => decodeEnvelope(new TextEncoder().encode(line), i + 1));
const dir = mkdtempSync(join(tmpdir(), "ef-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("replaying a log of every event version", () => {
  it("covers every event type at every version from 1 to the current one", () => {
    const seen = new Set(raw.map((l) => JSON.parse(l) as { type: string; schemaVersion: number }).map((e) => `${e.type}@${e.schemaVersion}`));
    const expected = Object.entries(EVENT_SCHEMA_VERSIONS).flatMap(([type, v]) => Array.from({ length: v }, (_, i) => `${type}@${i + 1}`));
    expect([...seen].sort()).toEqual(expected.sort());
  });

  it("upcasts v1 batches and jobs to the current shape (defaults the seed ran with)", () => {
    const v1 = events.find((e) => e.type === "BatchCreated" && e.aggregateId === "b-v1")!;
    expect((v1.data as { options: unknown }).options).toEqual({
      transcribe: true, syncToDrive: true, notify: true, exportToSheets: false, fps: 30, quality: "balanced", codec: null,
    });
    const job = events.find((e) => e.type === "JobQueued" && e.aggregateId === "j-v1")!;
    expect((job.data as { options: { fps: number } }).options.fps).toBe(30);
  });

  it("folds through the deciders into the states the events describe", () => {
    const of = (id: string) => events.filter((e) => e.aggregateId === id);
    expect(fold(jobDecider, of("j-v1") as unknown as JobEvent[]).status).toBe("COMPLETED");
    expect(fold(jobDecider, of("j-b") as unknown as JobEvent[])).toMatchObject({ status: "CANCELLED", generation: 1 });
    expect(fold(batchDecider, of("b-v1") as unknown as BatchEvent[]).status).toBe("COMPLETED");
    expect(fold(batchDecider, of("b-v2") as unknown as BatchEvent[]).status).toBe("CANCELLED");
  });

  it("projects into the read model", () => {
    const rm = openReadModel(join(dir, "rm.sqlite"));
    rm.applyEvents(events);
    expect(rm.batch("b-v1")).toMatchObject({ status: "COMPLETED", counts: { total: 1, succeeded: 1 } });
    expect(rm.batch("b-v2")).toMatchObject({ status: "CANCELLED", counts: { total: 2, cancelled: 2 } });
    const j = rm.job("j-v1")!;
    expect(j.status).toBe("COMPLETED");
    expect(j.outputs[0]).toMatchObject({ format: "flat_1080p", driveUrl: "https://drive.google.com/file/d/abc/view" });
    expect(j.transcript?.text).toBe("hello world");
    expect(rm.deadLetter("render-9")?.status).toBe("RESOLVED");
    expect(rm.position()).toBe(events.length);
    rm.close();
  });
});
