import { describe, expect, it } from "vitest";
import { deciderSpec } from "../shared/decider-spec";
import { fold } from "../shared/decider";
import { options, upload } from "../job/fixtures";
import { batchDecider, countsOf } from "./batch-decider";
import type { CreateBatch } from "./batch-commands";
import type { BatchCreated, BatchEvent } from "./batch-events";

const given = deciderSpec(batchDecider);

const create = (o: Partial<CreateBatch> = {}): CreateBatch => ({
  type: "CreateBatch",
  batchId: "b1",
  name: "Night batch",
  template: "flame",
  formats: ["flat_1080p"],
  options: options(),
  items: [1, 2, 3].map((n) => ({ jobId: `j${n}`, uploadId: `u${n}`, upload: upload(n) })),
  idempotencyKey: null,
  maxItems: 100,
  ...o,
});

const created = (n = 3): BatchCreated => ({
  type: "BatchCreated",
  data: {
    batchId: "b1",
    name: "Night batch",
    template: "flame",
    formats: ["flat_1080p"],
    options: options(),
    items: Array.from({ length: n }, (_, i) => ({ jobId: `j${i + 1}`, upload: upload(i + 1) })),
    idempotencyKey: null,
  },
});
const settled = (jobId: string, outcome: "succeeded" | "failed" | "cancelled"): BatchEvent => ({
  type: "BatchJobSettled",
  data: { jobId, outcome, generation: 0 },
});

describe("batch decider: creation", () => {
  it("creates a batch holding everything it needs in one event", () => {
    given([]).when(create()).then([created()]);
  });

  it.each([
    [{ template: "fire" }, /Unknown template "fire": use one of flame, mist/],
    [{ formats: ["8k-imax"] }, /Unknown output format "8k-imax"/],
    [{ formats: [] }, /No output formats/],
    [{ items: [] }, /no items/],
    [{ name: "  " }, /name is empty/],
    [{ name: "x".repeat(101) }, /at most 100/],
    [{ maxItems: 2 }, /at most 2/],
    [{ items: [{ jobId: "j1", uploadId: "missing-1", upload: null }] }, /Upload not found: missing-1/],
  ] as const)("refuses %o with a message that says what to fix", (override, message) => {
    given([]).when(create(override as Partial<CreateBatch>)).thenThrows("BAD_USER_INPUT", message);
  });

  it("refuses to create the same batch twice", () => {
    given([created()]).when(create()).thenThrows("CONFLICT");
  });
});

describe("batch decider: completion (the workflow's fan-in)", () => {
  it("seed §9.1: the first finished job of a 3-job batch does NOT complete the batch", () => {
    // The seed inserted rows only when jobs started, so after job 1 succeeded its row was the only
    // row and the tracker announced "Batch Complete: 1 videos". Here the batch knows its 3 jobs.
    given([created(3)]).when({ type: "SettleJob", jobId: "j1", outcome: "succeeded", generation: 0 }).then([settled("j1", "succeeded")]);
    given([created(3), settled("j1", "succeeded")]).when({ type: "SettleJob", jobId: "j2", outcome: "succeeded", generation: 0 }).then([settled("j2", "succeeded")]);
    given([created(3), settled("j1", "succeeded"), settled("j2", "succeeded")])
      .when({ type: "SettleJob", jobId: "j3", outcome: "succeeded", generation: 0 })
      .then([
        settled("j3", "succeeded"),
        { type: "BatchCompleted", data: { outcome: "COMPLETED", counts: { total: 3, succeeded: 3, failed: 0, cancelled: 0 } } },
      ]);
  });

  it("declares completion exactly once: a redelivered settle after completion adds nothing", () => {
    const completed = { type: "BatchCompleted", data: { outcome: "COMPLETED", counts: { total: 1, succeeded: 1, failed: 0, cancelled: 0 } } } as const;
    given([created(1), settled("j1", "succeeded"), completed]).when({ type: "SettleJob", jobId: "j1", outcome: "succeeded", generation: 0 }).then([]);
  });

  it("declares a completion whose append was cut off after the last BatchJobSettled when that settle is redelivered", () => {
    // multi-event appends are chained, not atomic: a writer slipping in between the two events
    // leaves every job settled on an OPEN batch; the redelivery must not leave it open for ever
    const history = [created(2), settled("j1", "succeeded"), settled("j2", "failed")];
    given(history)
      .when({ type: "SettleJob", jobId: "j2", outcome: "failed", generation: 0 })
      .then([{ type: "BatchCompleted", data: { outcome: "PARTIAL", counts: { total: 2, succeeded: 1, failed: 1, cancelled: 0 } } }]);
  });

  it("names the outcome PARTIAL, FAILED or CANCELLED from the settled jobs", () => {
    given([created(2), settled("j1", "succeeded")])
      .when({ type: "SettleJob", jobId: "j2", outcome: "failed", generation: 0 })
      .thenTypes(["BatchJobSettled", "BatchCompleted"]);
    const s = fold(batchDecider, [created(2), settled("j1", "failed")]);
    const [, done] = batchDecider.decide({ type: "SettleJob", jobId: "j2", outcome: "failed", generation: 0 }, s);
    expect(done).toMatchObject({ data: { outcome: "FAILED" } });
    const c = fold(batchDecider, [created(2), { type: "BatchCancelRequested", data: { reason: "user" } }, settled("j1", "succeeded")]);
    expect(batchDecider.decide({ type: "SettleJob", jobId: "j2", outcome: "cancelled", generation: 0 }, c)[1]).toMatchObject({ data: { outcome: "CANCELLED" } });
    const p = fold(batchDecider, [created(2), settled("j1", "succeeded")]);
    expect(batchDecider.decide({ type: "SettleJob", jobId: "j2", outcome: "failed", generation: 0 }, p)[1]).toMatchObject({ data: { outcome: "PARTIAL" } });
  });

  it("ignores jobs that are not in the batch", () => {
    given([created(1)]).when({ type: "SettleJob", jobId: "elsewhere", outcome: "succeeded", generation: 0 }).then([]);
  });

  it("re-opens for a retried job and completes again when it settles", () => {
    const done = [created(1), settled("j1", "failed"), { type: "BatchCompleted", data: { outcome: "FAILED", counts: { total: 1, succeeded: 0, failed: 1, cancelled: 0 } } } as BatchEvent];
    given(done).when({ type: "ReopenJob", jobId: "j1", generation: 1 }).then([{ type: "BatchJobReopened", data: { jobId: "j1", generation: 1 } }]);
    const reopened = [...done, { type: "BatchJobReopened", data: { jobId: "j1", generation: 1 } } as BatchEvent];
    given(reopened).when({ type: "SettleJob", jobId: "j1", outcome: "succeeded", generation: 1 }).thenTypes(["BatchJobSettled", "BatchCompleted"]);
    expect(countsOf(fold(batchDecider, reopened))).toEqual({ total: 1, succeeded: 0, failed: 0, cancelled: 0 });
  });

  it("ignores a stale outcome that arrives after the job's retry was seen (out-of-order workflow)", () => {
    const reopenedFirst = [created(1), { type: "BatchJobReopened", data: { jobId: "j1", generation: 1 } } as BatchEvent];
    given(reopenedFirst).when({ type: "SettleJob", jobId: "j1", outcome: "failed", generation: 0 }).then([]);
    given(reopenedFirst).when({ type: "SettleJob", jobId: "j1", outcome: "succeeded", generation: 1 }).thenTypes(["BatchJobSettled", "BatchCompleted"]);
  });

  it("settles a retried job whose new outcome arrives before its JobRetried (reopen and settle together; the late reopen adds nothing)", () => {
    const failedDone = { type: "BatchCompleted", data: { outcome: "PARTIAL", counts: { total: 2, succeeded: 1, failed: 1, cancelled: 0 } } } as BatchEvent;
    const history = [created(2), settled("j1", "succeeded"), settled("j2", "failed"), failedDone];
    const reopened = { type: "BatchJobReopened", data: { jobId: "j2", generation: 1 } } as BatchEvent;
    const settledAgain = { type: "BatchJobSettled", data: { jobId: "j2", outcome: "succeeded", generation: 1 } } as BatchEvent;
    const completedAgain = { type: "BatchCompleted", data: { outcome: "COMPLETED", counts: { total: 2, succeeded: 2, failed: 0, cancelled: 0 } } } as BatchEvent;
    given(history).when({ type: "SettleJob", jobId: "j2", outcome: "succeeded", generation: 1 }).then([reopened, settledAgain, completedAgain]);
    const after = [...history, reopened, settledAgain, completedAgain];
    given(after).when({ type: "ReopenJob", jobId: "j2", generation: 1 }).then([]);
    given(after).when({ type: "SettleJob", jobId: "j2", outcome: "succeeded", generation: 1 }).then([]);
    expect(fold(batchDecider, after).status).toBe("COMPLETED");
  });

  it("cancels an open batch once and refuses to cancel a finished one", () => {
    given([created(1)]).when({ type: "CancelBatch", reason: "user" }).then([{ type: "BatchCancelRequested", data: { reason: "user" } }]);
    given([created(1), { type: "BatchCancelRequested", data: { reason: "user" } }]).when({ type: "CancelBatch", reason: "again" }).then([]);
    given([created(1), settled("j1", "succeeded"), { type: "BatchCompleted", data: { outcome: "COMPLETED", counts: { total: 1, succeeded: 1, failed: 0, cancelled: 0 } } }])
      .when({ type: "CancelBatch", reason: "late" })
      .thenThrows("CONFLICT", /already completed/);
  });
});
