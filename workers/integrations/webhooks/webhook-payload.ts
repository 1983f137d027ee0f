/**
 * Pure webhook payload builders. Job payloads keep every field the seed's n8n workflow reads
 * (inventory §10) and add what it lacked: `eventId` for dedupe, `type`, a top-level `driveUrl`
 * (Blotato reads `$json.driveUrl`), the real audio `duration` and the transcript `description`.
 */
export type JobWebhookType = "job.completed" | "job.failed";
export type BatchWebhookType = "batch.started" | "batch.completed" | "batch.partial" | "batch.failed" | "batch.cancelled";

export interface JobWebhookInput {
  eventId: string;
  type: JobWebhookType;
  jobId: string;
  batchId: string;
  batchName?: string;
  audioFile: string;
  template: string;
  outputs: { format: string; path: string; driveUrl?: string | null }[];
  description?: string | null;
  transcriptLanguage?: string | null;
  /** Audio length in seconds (the seed sent render wall time here: §11.10). */
  durationSeconds?: number | null;
  /** Occurred-at of the triggering event, so a redelivered webhook is byte-identical but for `t`. */
  occurredAt: string;
  errorMessage?: string;
}

export interface PathMapping {
  /** Local prefix (e.g. the render output dir) ... */
  from: string;
  /** ... as the receiver sees it (the seed's n8n container mounts outputs at `/renders`). */
  to: string;
}

export interface JobWebhookPayload {
  eventId: string;
  type: JobWebhookType;
  jobId: string;
  status: "complete" | "failed";
  audioFile: string;
  outputFiles: { format: string; path: string; driveUrl: string | null }[];
  template: string;
  whisperDescription: string | null;
  description: string | null;
  transcriptLanguage: string | null;
  duration: number | null;
  timestamp: string;
  batchId: string;
  batchName: string | null;
  driveUrl: string | null;
  errorMessage?: string;
}

export function buildJobWebhookPayload(input: JobWebhookInput, pathMapping?: PathMapping): JobWebhookPayload {
  const failed = input.type === "job.failed";
  const outputFiles = failed
    ? []
    : input.outputs.map((o) => ({ format: o.format, path: mapPath(o.path, pathMapping), driveUrl: o.driveUrl ?? null }));
  const description = input.description ?? null;
  return {
    eventId: input.eventId,
    type: input.type,
    jobId: input.jobId,
    status: failed ? "failed" : "complete",
    audioFile: input.audioFile,
    outputFiles,
    template: input.template,
    whisperDescription: description,
    description,
    transcriptLanguage: input.transcriptLanguage ?? null,
    duration: input.durationSeconds ?? null,
    timestamp: input.occurredAt,
    batchId: input.batchId,
    batchName: input.batchName ?? null,
    driveUrl: outputFiles.find((o) => o.driveUrl)?.driveUrl ?? null,
    ...(failed ? { errorMessage: (input.errorMessage ?? "unknown error").slice(0, 1000) } : {}),
  };
}

export interface BatchWebhookInput {
  eventId: string;
  type: BatchWebhookType;
  batchId: string;
  batchName: string;
  counts: { total: number; succeeded: number; failed: number; cancelled: number };
  occurredAt: string;
  /** `PUBLIC_URL`, to include a dashboard link. */
  publicUrl?: string;
}

export function buildBatchWebhookPayload(input: BatchWebhookInput) {
  return {
    eventId: input.eventId,
    type: input.type,
    batchId: input.batchId,
    batchName: input.batchName,
    status: input.type.slice("batch.".length),
    counts: { ...input.counts },
    timestamp: input.occurredAt,
    dashboardUrl: input.publicUrl
      ? `${input.publicUrl.replace(/\/+$/, "")}/#/batches/${encodeURIComponent(input.batchId)}`
      : null,
  };
}

function mapPath(path: string, mapping: PathMapping | undefined): string {
  if (!mapping) return path;
  const from = mapping.from.replace(/\/+$/, "");
  if (path !== from && !path.startsWith(`${from}/`)) return path;
  return `${mapping.to.replace(/\/+$/, "")}${path.slice(from.length)}`;
}
