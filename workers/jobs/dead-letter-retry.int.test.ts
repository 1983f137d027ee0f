import { describe, expect, it } from "vitest";
import { TEST_METADATA, useTestNats } from "../../test-support/nats";
import { AggregateRepository } from "../../core/eventlog/aggregate-repository";
import { jobDecider } from "../../domain/job/job-decider";
import { jobQueued } from "../../domain/job/fixtures";
import type { RecordedEvent } from "../../domain/shared/envelope";
import { retryDeadLetteredJob } from "./dead-letter-retry";

const meta = TEST_METADATA;
const testNats = useTestNats();

const ctx = { attempt: 1, maxAttempts: 1, isLastAttempt: true, signal: new AbortController().signal, working: () => {} };

describe("retrying a render or transcription dead letter", () => {
  it("retries a job its final failure made FAILED (JobRetried), instead of a handler that would do nothing", async () => {
    const store = await testNats.store();
    const jobs = new AggregateRepository(store, jobDecider, "job");
    const queued = await jobs.handle("j1", { type: "QueueJob", data: jobQueued({ jobId: "j1" }).data }, meta);
    await jobs.handle("j1", { type: "RecordFailure", stage: "render", code: "INTERNAL", message: "nats hiccup", attempt: 5, final: true, retryInSeconds: null }, meta);
    const handled: string[] = [];
    await retryDeadLetteredJob(jobs, async (e) => void handled.push(e.id), "worker:render")(queued.events[0] as RecordedEvent, ctx);
    const types = (await store.load("job", "j1")).events.map((e) => e.type);
    expect(types).toEqual(["JobQueued", "JobFailed", "JobRetried"]);
    expect(handled).toEqual([]);
  });

  it("runs the handler again when the job is not failed (its final failure was never recorded)", async () => {
    const store = await testNats.store();
    const jobs = new AggregateRepository(store, jobDecider, "job");
    const queued = await jobs.handle("j2", { type: "QueueJob", data: jobQueued({ jobId: "j2" }).data }, meta);
    const handled: string[] = [];
    await retryDeadLetteredJob(jobs, async (e) => void handled.push(e.id), "worker:render")(queued.events[0] as RecordedEvent, ctx);
    expect(handled).toEqual([queued.events[0]!.id]);
    expect((await store.load("job", "j2")).events.map((e) => e.type)).toEqual(["JobQueued"]);
  });
});
