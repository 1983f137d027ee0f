import "reflect-metadata";
import { execute, parse } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { quietLogger } from "../../core/log/logger";
import type { BatchView, JobView, ReadModelQueries } from "../../projections/read-model-types";
import { ANONYMOUS_OPERATOR } from "../auth/principal";
import { loadServerConfig } from "../config";
import type { ServerServices } from "../services";
import { createContext } from "./context";
import { buildAppSchema } from "./schema";

const batchView = (id: string): BatchView => ({
  id,
  name: `batch ${id}`,
  status: "RUNNING",
  template: "flame",
  formats: ["flat_1080p"],
  options: { transcribe: true, syncToDrive: false, notify: true, exportToSheets: false, fps: 30, quality: "balanced", codec: null },
  createdAt: "2026-12-01T00:00:00.000Z",
  completedAt: null,
  counts: { total: 100, queued: 100, running: 0, succeeded: 0, failed: 0, cancelled: 0 },
  progress: 0,
  idempotencyKey: null,
  version: 1,
});
const jobView = (batchId: string, i: number): JobView => ({
  id: `${batchId}-j${i}`,
  batchId,
  index: i,
  uploadId: "u",
  fileName: `f${i}.wav`,
  status: "QUEUED",
  progress: 0,
  attempts: 0,
  outputs: [{ format: "flat_1080p", fileName: `f${i}.mp4`, bytes: 1, width: 1920, height: 1080, codec: "h264", durationSeconds: 1, posterFileName: null, driveUrl: null }],
  transcript: null,
  error: null,
  createdAt: "2026-12-01T00:00:00.000Z",
  startedAt: null,
  completedAt: null,
  version: 1,
});

/** A read model with 3 batches of 100 jobs each, counting every call. */
function fakeReadModel() {
  const batches = ["b1", "b2", "b3"].map(batchView);
  const jobs = new Map(batches.map((b) => [b.id, Array.from({ length: 100 }, (_, i) => jobView(b.id, i))]));
  const rm = {
    batch: vi.fn((id: string) => batches.find((b) => b.id === id) ?? null),
    batchesByIds: vi.fn((ids: readonly string[]) => ids.map((id) => batches.find((b) => b.id === id) ?? null)),
    listBatches: vi.fn(() => ({ items: batches, hasNextPage: false, endCursor: "c", totalCount: 3 })),
    jobsByBatchIds: vi.fn((ids: readonly string[]) => ids.map((id) => jobs.get(id) ?? [])),
    jobsByIds: vi.fn((ids: readonly string[]) => ids.map(() => null)),
    deliveriesByBatchIds: vi.fn((ids: readonly string[]) => ids.map(() => [])),
  };
  return rm as typeof rm & ReadModelQueries;
}

async function run(query: string, rm: ReadModelQueries) {
  const services = {
    config: loadServerConfig({}),
    readModel: rm,
    projector: { position: () => 0, waitFor: async () => true, lag: async () => 0, onApplied: () => () => {} },
    logger: quietLogger(),
  } as unknown as ServerServices;
  return execute({ schema: await buildAppSchema(), document: parse(query), contextValue: createContext(services, ANONYMOUS_OPERATOR) });
}

describe("DataLoaders (no N+1)", () => {
  it("resolves a batch with 100 jobs, each asking for its batch, with one read per loader", async () => {
    const rm = fakeReadModel();
    const res = await run(`{ batch(id: "b1") { id jobs { id fileName outputs { url } batch { id name } } deliveries { id } } }`, rm);
    expect(res.errors).toBeUndefined();
    expect((res.data as { batch: { jobs: unknown[] } }).batch.jobs).toHaveLength(100);
    expect(rm.batchesByIds).toHaveBeenCalledTimes(1); // the 100 job.batch lookups hit the loader's cache
    expect(rm.jobsByBatchIds).toHaveBeenCalledTimes(1);
    expect(rm.deliveriesByBatchIds).toHaveBeenCalledTimes(1);
  });

  it("resolves the jobs of every batch in a page with a single jobsByBatchIds call", async () => {
    const rm = fakeReadModel();
    const res = await run(`{ batches(first: 3) { edges { node { id jobs { id batch { id } } deliveries { id } } } totalCount } }`, rm);
    expect(res.errors).toBeUndefined();
    expect(rm.jobsByBatchIds).toHaveBeenCalledTimes(1);
    expect(rm.jobsByBatchIds.mock.calls[0]![0]).toEqual(["b1", "b2", "b3"]);
    expect(rm.deliveriesByBatchIds).toHaveBeenCalledTimes(1);
    expect(rm.batchesByIds).not.toHaveBeenCalled(); // the page primed the batch loader
  });

  it("does not share loaders between operations", async () => {
    const rm = fakeReadModel();
    await run(`{ batch(id: "b1") { id } }`, rm);
    await run(`{ batch(id: "b1") { id } }`, rm);
    expect(rm.batchesByIds).toHaveBeenCalledTimes(2);
  });
});
