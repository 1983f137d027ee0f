import { readdir, truncate } from "node:fs/promises";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSpeech, startE2ESystem, type E2ESystem } from "../test-support/e2e-system";
import { BatchDocument, BatchUpdatedDocument, CreateBatchDocument, JobProgressDocument } from "../schema/generated/graphql";
import { mediaRoots, uploadBlobPath } from "../core/storage/media-paths";

/**
 * The whole pipeline through its public API: real uploads, real FFmpeg, real faster-whisper, the
 * batch workflow and the projector, watched over graphql-ws like any client would.
 */
let sys: E2ESystem;
let ws: Client;
const dir = mkdtempSync(join(tmpdir(), "ef-pipeline-"));
beforeAll(async () => {
  sys = await startE2ESystem({ whisper: true });
  ws = createClient({ url: sys.url.replace(/^http/, "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0 });
}, 180_000);
afterAll(async () => {
  await ws?.dispose();
  await sys?.stop();
});

async function gql<T>(doc: Parameters<typeof print>[0], variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${sys.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe("pipeline end to end", () => {
  it("three uploads (one corrupted after upload), two formats: live progress, PARTIAL, outputs, transcripts, descriptions", { timeout: 300_000 }, async () => {
    const files = [
      await makeSpeech(join(dir, "Morning Calm.wav"), "Breathe in slowly and let the morning light fill the room"),
      await makeSpeech(join(dir, "Méditation du Soir.wav"), "The evening is quiet and the river moves gently"),
      await makeSpeech(join(dir, "broken.wav"), "this file will be damaged on disk"),
    ];
    const form = new FormData();
    for (const f of files) form.append("file", new Blob([readFileSync(f)], { type: "audio/wav" }), f.split("/").pop());
    const up = await fetch(`${sys.url}/uploads`, { method: "POST", body: form });
    expect(up.status).toBe(201);
    const uploads = (await up.json()) as { id: string; sha256: string; fileName: string }[];
    expect(uploads.map((u) => u.fileName)).toEqual(["Morning Calm.wav", "Méditation du Soir.wav", "broken.wav"]);
    // accepted as audio, then damaged in storage: the render and transcription must fail cleanly
    await truncate(uploadBlobPath(mediaRoots(sys.dataDir), uploads[2]!.sha256), 64);

    const created = await gql<{ createBatch: { batch: { id: string }; position: number } }>(CreateBatchDocument, {
      input: {
        name: "e2e partial",
        items: uploads.map((u) => ({ uploadId: u.id })),
        template: "MIST",
        formats: ["FLAT_1080P", "FLAT_1080P_SQUARE"],
        options: { transcribe: true, quality: "DRAFT" },
      },
    });
    const batchId = created.createBatch.batch.id;

    const ticks: { jobId: string; percent: number; source: string }[] = [];
    const statuses: string[] = [];
    const progress = ws.iterate({ query: print(JobProgressDocument), variables: { batchId } });
    const updates = ws.iterate({ query: print(BatchUpdatedDocument), variables: { id: batchId } });
    const collectTicks = (async () => {
      for await (const r of progress) ticks.push((r.data as { jobProgress: { jobId: string; percent: number; source: string } }).jobProgress);
    })();
    for await (const r of updates) {
      const b = (r.data as { batchUpdated: { status: string } | null }).batchUpdated;
      if (!b) continue;
      statuses.push(b.status);
      if (["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(b.status)) break;
    }
    await progress.return?.();
    await collectTicks;

    expect(statuses.at(-1)).toBe("PARTIAL");
    expect(statuses.filter((s) => s === "PARTIAL")).toHaveLength(1);
    expect(ticks.some((t) => t.source === "LIVE" && t.percent > 0 && t.percent < 100)).toBe(true);

    const { batch } = await gql<{
      batch: {
        counts: { total: number; succeeded: number; failed: number };
        jobs: {
          fileName: string;
          status: string;
          outputs: { format: string; fileName: string; bytes: number; url: string; posterUrl: string | null }[];
          transcript: { text: string; language: string; description: string } | null;
          error: { code: string; message: string } | null;
        }[];
      };
    }>(BatchDocument, { id: batchId });
    expect(batch.counts).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
    const [calm, soir, broken] = batch.jobs;
    for (const job of [calm!, soir!]) {
      expect(job.status).toBe("COMPLETED");
      expect(job.outputs.map((o) => o.format).sort()).toEqual(["FLAT_1080P", "FLAT_1080P_SQUARE"]);
      expect(job.transcript?.language).toBe("en");
      expect(job.transcript?.description).toMatch(/Duration: \d+ seconds/);
    }
    expect(calm!.transcript!.text.toLowerCase()).toMatch(/morning/);
    expect(calm!.transcript!.description.split("\n")[0]).toBe("Morning Calm");
    expect(soir!.outputs[0]!.fileName).toMatch(/^\d{8}_meditation_du_soir_flat_1080p(_square)?_v1\.mp4$/);
    expect(broken!.status).toBe("FAILED");
    expect(broken!.error?.code).toMatch(/AUDIO_UNDECODABLE/);
    // outputs are downloadable
    const video = await fetch(`${sys.url}${new URL(calm!.outputs[0]!.url, sys.url).pathname}`);
    expect(video.status).toBe(200);
    expect(video.headers.get("content-type")).toMatch(/video\/mp4/);
    const published = (await readdir(join(sys.dataDir, "outputs"))).filter((f) => f.endsWith(".mp4") && !f.startsWith("."));
    expect(published).toHaveLength(4);
  });
});
