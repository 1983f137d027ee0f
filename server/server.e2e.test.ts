import { AckPolicy } from "@nats-io/jetstream";
import { readFile } from "node:fs/promises";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AggregateRepository } from "../core/eventlog/aggregate-repository";
import { publishProgress } from "../core/progress/progress-channel";
import { batchDecider } from "../domain/batch/batch-decider";
import { jobDecider } from "../domain/job/job-decider";
import type { FormatId } from "../domain/formats";
import {
  BatchDocument,
  BatchUpdatedDocument,
  CreateBatchDocument,
  EventsDocument,
  JobProgressDocument,
  type BatchUpdatedSubscription,
  type JobProgressSubscription,
} from "../schema/generated/graphql";
import { openReadModel } from "../projections/read-model";
import { rebuildReadModel, removeDatabaseFiles } from "../projections/rebuild";
import { dumpReadModel } from "../projections/sqlite/dump";
import { collect, makeWav, startServerHarness, type ServerHarness } from "./testing/server-harness";

const meta = (actor: string) => ({ occurredAt: new Date().toISOString(), correlationId: "e2e", causationId: null, actor });

let h: ServerHarness;
let wav: Buffer;

beforeAll(async () => {
  h = await startServerHarness();
  wav = await readFile(await makeWav(h.dataDir, 1));
});
afterAll(async () => h?.stop());

/** What the batch workflow (another package) does after BatchCreated: queue one job per item. */
async function queueJobsLikeTheWorkflow(batchId: string) {
  const batches = new AggregateRepository(h.store, batchDecider, "batch");
  const jobs = new AggregateRepository(h.store, jobDecider, "job");
  const created = (await batches.load(batchId)).state.created!;
  for (const [index, item] of created.items.entries())
    await jobs.handle(
      item.jobId,
      {
        type: "QueueJob",
        data: { jobId: item.jobId, batchId, index, batchName: created.name, batchCreatedAt: new Date().toISOString(), upload: item.upload, template: created.template, formats: created.formats, options: created.options },
      },
      meta("worker:workflow"),
    );
  return { batches, jobs, jobIds: created.items.map((i) => i.jobId) };
}

describe("server end to end (HTTP + graphql-ws + NATS + SQLite)", () => {
  it("uploads audio, creates a batch, streams updates, completes exactly once as PARTIAL, and survives a restart", async () => {
    const up = await h.upload([
      { name: "Méditation.wav", content: wav, type: "audio/wav" },
      { name: "second.wav", content: wav, type: "audio/wav" },
    ]);
    expect(up.status).toBe(201);
    expect(up.body).toHaveLength(2);
    expect(up.body[0]).toMatchObject({ fileName: "Méditation.wav", size: wav.length, contentType: "audio/wav" });
    expect(up.body[0].durationSeconds).toBeCloseTo(1, 1);
    expect(up.body[0].sha256).toBe(up.body[1].sha256); // same content, stored once

    const created = await h.gql(CreateBatchDocument, {
      input: {
        name: "Night session",
        items: up.body.map((u: { id: string }) => ({ uploadId: u.id })),
        template: "FLAME",
        formats: ["FLAT_1080P"],
        options: { transcribe: true, notify: false },
      },
    });
    expect(created.errors).toBeUndefined();
    const batch = created.data!.createBatch.batch;
    expect(batch).toMatchObject({ name: "Night session", status: "QUEUED", template: "FLAME", formats: ["FLAT_1080P"] });
    expect(created.data!.createBatch.position).toBeGreaterThan(0);

    const ws = h.wsClient();
    const updates = collect<BatchUpdatedSubscription>(ws, print(BatchUpdatedDocument), { id: batch.id }, (all) => all.at(-1)?.batchUpdated?.status === "PARTIAL");
    const progress = collect<JobProgressSubscription>(ws, print(JobProgressDocument), { batchId: batch.id }, (all) => all.some((p) => p.jobProgress.source === "LIVE") && all.some((p) => p.jobProgress.status === "FAILED"));
    await new Promise((r) => setTimeout(r, 300)); // let both subscriptions start

    const { batches, jobs, jobIds } = await queueJobsLikeTheWorkflow(batch.id);
    const [ok, bad] = jobIds as [string, string];
    await jobs.handle(ok, { type: "StartRender", attempt: 1, worker: "w1" }, meta("worker:render"));
    publishProgress(h.nc, h.names, { batchId: batch.id, jobId: ok, stage: "render", format: "flat_1080p", percent: 42, etaSeconds: 3, at: new Date().toISOString() });
    await jobs.handle(
      ok,
      { type: "RecordOutput", output: { format: "flat_1080p" as FormatId, fileName: "night-session_flame_1080p_v1.mp4", bytes: 1234, width: 1920, height: 1080, codec: "h264", durationSeconds: 1, posterFileName: "night-session_flame_1080p_v1.jpg" } },
      meta("worker:render"),
    );
    const done = await jobs.handle(ok, { type: "RecordTranscript", transcript: { text: "om", language: "en", languageProbability: 0.9, durationSeconds: 1, segments: [], description: "A calm tone." } }, meta("worker:transcribe"));
    expect(done.events.map((e) => e.type)).toEqual(["TranscriptCompleted", "JobCompleted"]);
    await jobs.handle(bad, { type: "RecordFailure", stage: "render", code: "FFMPEG_FAILED", message: "ffmpeg exited with code 1", attempt: 3, final: true, retryInSeconds: null }, meta("worker:render"));
    await batches.handle(batch.id, { type: "SettleJob", jobId: ok, outcome: "succeeded", generation: 0 }, meta("worker:workflow"));
    const last = await batches.handle(batch.id, { type: "SettleJob", jobId: bad, outcome: "failed", generation: 0 }, meta("worker:workflow"));
    // a redelivered settle is not a new fact: completion stays exactly once
    await batches.handle(batch.id, { type: "SettleJob", jobId: bad, outcome: "failed", generation: 0 }, meta("worker:workflow"));

    const pushed = await updates.done;
    expect(pushed.at(-1)!.batchUpdated).toMatchObject({ status: "PARTIAL", counts: { total: 2, succeeded: 1, failed: 1 } });
    expect(pushed[0]!.batchUpdated!.status).toBe("QUEUED");
    const ticks = await progress.done;
    expect(ticks.find((t) => t.jobProgress.source === "LIVE")!.jobProgress).toMatchObject({ jobId: ok, percent: 42, stage: "render", format: "FLAT_1080P" });

    const q = await h.gql(BatchDocument, { id: batch.id, atLeast: last.position });
    expect(q.errors).toBeUndefined();
    const b = q.data!.batch!;
    expect(b.status).toBe("PARTIAL");
    expect(b.completedAt).not.toBeNull();
    const jobOk = b.jobs.find((j) => j.id === ok)!;
    expect(jobOk).toMatchObject({ fileName: "Méditation.wav", status: "COMPLETED", transcript: { text: "om", language: "en", description: "A calm tone." } });
    expect(jobOk.outputs[0]).toMatchObject({ format: "FLAT_1080P", url: "/media/night-session_flame_1080p_v1.mp4", posterUrl: "/media/night-session_flame_1080p_v1.jpg" });
    expect(b.jobs.find((j) => j.id === bad)).toMatchObject({ status: "FAILED", error: { code: "FFMPEG_FAILED" } });

    const ev = await h.gql(EventsDocument, { aggregateId: batch.id, first: 500 });
    const types = ev.data!.events.map((e) => e.type);
    expect(types.filter((t) => t === "BatchCompleted")).toHaveLength(1);
    expect(ev.data!.events.find((e) => e.type === "BatchCreated")!.actor).toBe("anonymous");

    await h.restart();
    const again = await h.gql(BatchDocument, { id: batch.id, atLeast: last.position });
    expect(again.data!.batch).toEqual(b);

    // a rebuild from sequence 1 gives exactly the file the live projector built
    const target = await h.store.lastPosition();
    await h.projector.waitFor(target, 5000);
    const rebuilt = await rebuildReadModel({ store: h.store, path: h.readModel.path });
    const copy = openReadModel(rebuilt.file);
    try {
      expect(rebuilt.position).toBe(target);
      expect(dumpReadModel(copy.db)).toEqual(dumpReadModel(h.readModel.db));
    } finally {
      copy.close();
      removeDatabaseFiles(rebuilt.file);
    }
  });

  it("returns the same batch for the same idempotencyKey, also after a restart", async () => {
    const up = await h.upload([{ name: "a.wav", content: wav }]);
    const input = { name: "Idem", items: [{ uploadId: up.body[0].id }], template: "MIST" as const, formats: ["VR360_MONO_4K" as const], idempotencyKey: `key-${Date.now()}` };
    const first = await h.gql(CreateBatchDocument, { input });
    const second = await h.gql(CreateBatchDocument, { input });
    expect(first.data!.createBatch.replayed).toBe(false);
    expect(second.data!.createBatch).toMatchObject({ replayed: true, batch: { id: first.data!.createBatch.batch.id } });
    // read-your-writes by header, for clients that cannot add an argument
    const byHeader = await h.gql(BatchDocument, { id: first.data!.createBatch.batch.id }, { headers: { "x-emberflow-position": String(first.data!.createBatch.position) } });
    expect(byHeader.data!.batch!.name).toBe("Idem");
    await h.restart();
    const third = await h.gql(CreateBatchDocument, { input });
    expect(third.data!.createBatch.batch.id).toBe(first.data!.createBatch.batch.id);
  });

  it("releases the idempotency key when creation fails, so a corrected retry works", async () => {
    const key = `fail-${Date.now()}`;
    const bad = await h.gql(CreateBatchDocument, { input: { name: "x", items: [{ uploadId: "0190f0f0-0000-7000-8000-00000000dead" }], template: "FLAME", formats: ["FLAT_4K"], idempotencyKey: key } });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const up = await h.upload([{ name: "b.wav", content: wav }]);
    const good = await h.gql(CreateBatchDocument, { input: { name: "x", items: [{ uploadId: up.body[0].id }], template: "FLAME", formats: ["FLAT_4K"], idempotencyKey: key } });
    expect(good.errors).toBeUndefined();
    expect(good.data!.createBatch.replayed).toBe(false);
  });

  it("serves health, readiness, metrics, GraphiQL from local assets and the dashboard placeholder", async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    // a durable consumer as a worker would create it, so per-consumer figures have something to show
    await h.store.jsm.consumers.add(h.store.names.stream, { durable_name: "metrics-probe", ack_policy: AckPolicy.Explicit });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/emberflow_projector_position \d+/);
    expect(metrics).toMatch(/emberflow_projector_lag \d+/);
    expect(metrics).toMatch(/emberflow_events_appended_total \d+/);
    expect(Number(/emberflow_event_log_position (\d+)/.exec(metrics)?.[1])).toBe(await h.store.lastPosition());
    expect(metrics).toMatch(/emberflow_consumer_redelivered\{consumer="metrics-probe"\} 0/);
    expect(metrics).toMatch(/emberflow_consumer_pending\{consumer="metrics-probe"\} \d+/);
    expect(metrics).toMatch(/emberflow_http_requests_total\{method="POST",route="graphql",status="200"\} \d+/);
    const page = await (await fetch(`${h.url}/graphql`, { headers: { accept: "text/html" } })).text();
    expect(page).toContain("/graphiql/assets/graphiql.min.js");
    expect(page).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
    for (const asset of ["graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "graphql-ws.min.js", "graphiql-setup.js"])
      expect((await fetch(`${h.url}/graphiql/assets/${asset}`)).status, asset).toBe(200);
    expect(await (await fetch(`${h.url}/`)).text()).toContain("emberflow");
    expect((await fetch(`${h.url}/media/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });
});
