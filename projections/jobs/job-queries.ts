import type { Db } from "../sqlite/open-database";
import type { JobView, OutputView, TranscriptView } from "../read-model-types";
import type { JobStatus } from "../../domain/job/job-decider";
import type { Transcript } from "../../domain/job/job-events";

interface JobRowFull {
  id: string;
  batch_id: string;
  idx: number;
  upload_id: string;
  file_name: string;
  status: JobStatus;
  progress: number;
  attempts: number;
  transcript: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  version: number;
}

interface OutputRow {
  job_id: string;
  format: string;
  file_name: string;
  bytes: number;
  width: number;
  height: number;
  codec: string;
  duration_seconds: number;
  poster_file_name: string | null;
  drive_url: string | null;
}

const JOB_COLUMNS = "id, batch_id, idx, upload_id, file_name, status, progress, attempts, transcript, error, created_at, started_at, completed_at, version";

/** Reads jobs with their outputs in a fixed number of queries whatever the number of ids (DataLoader-shaped). */
export class JobQueries {
  private readonly byIds;
  private readonly byBatchIds;
  private readonly outputs;

  constructor(db: Db) {
    // id lists travel as one JSON parameter so each statement is prepared once
    this.byIds = db.prepare<[string], JobRowFull>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id IN (SELECT value FROM json_each(?))`);
    this.byBatchIds = db.prepare<[string], JobRowFull>(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE batch_id IN (SELECT value FROM json_each(?)) ORDER BY batch_id, idx`,
    );
    this.outputs = db.prepare<[string], OutputRow>(`SELECT o.job_id, o.format, o.file_name, o.bytes, o.width, o.height, o.codec,
        o.duration_seconds, o.poster_file_name, d.drive_url
      FROM job_outputs o LEFT JOIN job_drive_urls d ON d.job_id = o.job_id AND d.format = o.format
      WHERE o.job_id IN (SELECT value FROM json_each(?)) ORDER BY o.job_id, o.seq`);
  }

  job(id: string): JobView | null {
    return this.jobsByIds([id])[0] ?? null;
  }

  jobsByIds(ids: readonly string[]): (JobView | null)[] {
    if (ids.length === 0) return [];
    const views = new Map(this.toViews(this.byIds.all(JSON.stringify(ids))).map((v) => [v.id, v]));
    return ids.map((id) => views.get(id) ?? null);
  }

  jobsByBatchIds(batchIds: readonly string[]): JobView[][] {
    if (batchIds.length === 0) return [];
    const groups = new Map<string, JobView[]>(batchIds.map((id) => [id, []]));
    for (const v of this.toViews(this.byBatchIds.all(JSON.stringify(batchIds)))) groups.get(v.batchId)?.push(v);
    return batchIds.map((id) => groups.get(id) ?? []);
  }

  private toViews(rows: JobRowFull[]): JobView[] {
    if (rows.length === 0) return [];
    const outputs = new Map<string, OutputView[]>();
    for (const o of this.outputs.all(JSON.stringify(rows.map((r) => r.id)))) {
      const list = outputs.get(o.job_id) ?? [];
      list.push({
        format: o.format,
        fileName: o.file_name,
        bytes: o.bytes,
        width: o.width,
        height: o.height,
        codec: o.codec,
        durationSeconds: o.duration_seconds,
        posterFileName: o.poster_file_name,
        driveUrl: o.drive_url,
      });
      outputs.set(o.job_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      index: r.idx,
      uploadId: r.upload_id,
      fileName: r.file_name,
      status: r.status,
      progress: r.progress,
      attempts: r.attempts,
      outputs: outputs.get(r.id) ?? [],
      transcript: r.transcript ? toTranscriptView(JSON.parse(r.transcript) as Transcript) : null,
      error: r.error ? (JSON.parse(r.error) as JobView["error"]) : null,
      createdAt: r.created_at,
      startedAt: r.started_at,
      completedAt: r.completed_at,
      version: r.version,
    }));
  }
}

const toTranscriptView = (t: Transcript): TranscriptView => ({
  text: t.text,
  language: t.language,
  durationSeconds: t.durationSeconds,
  description: t.description,
  segments: t.segments,
});
