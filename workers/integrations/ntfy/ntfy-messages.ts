/**
 * Pure builders for ntfy messages. Titles, priorities and tags follow the seed's table (seed
 * inventory §6) so existing phone subscriptions look the same; bodies carry the full batch id
 * (the seed's 8-char prefix is not unique for UUIDv7 ids created in the same minute).
 */
export type NtfyPriority = "min" | "low" | "default" | "high" | "urgent";

export interface NtfyMessage {
  title: string;
  message: string;
  priority: NtfyPriority;
  tags: string[];
  /** Opened when the notification is tapped. */
  click?: string;
}

export type BatchOutcomeStatus = "COMPLETED" | "PARTIAL" | "FAILED" | "CANCELLED" | "STARTED";

export interface BatchOutcome {
  batchId: string;
  batchName: string;
  status: BatchOutcomeStatus;
  counts: { total: number; succeeded: number; failed: number; cancelled: number };
  /** ISO timestamp from the completing event (never the clock, so rebuilt messages are identical). */
  completedAt?: string;
  /** Number of output formats per file; only used by the STARTED body, as the seed did. */
  formatCount?: number;
}

export interface JobFailure {
  batchId: string;
  batchName?: string;
  jobId: string;
  fileName: string;
  errorMessage: string;
  attempts?: number;
}

export interface MessageContext {
  /** `PUBLIC_URL`; when set, tapping the notification opens the batch in the dashboard. */
  publicUrl?: string;
}

/** `${PUBLIC_URL}/#/batches/<id>`: the dashboard's hash route for one batch. */
export function batchDashboardUrl(publicUrl: string | undefined, batchId: string): string | undefined {
  if (!publicUrl) return undefined;
  return `${publicUrl.replace(/\/+$/, "")}/#/batches/${encodeURIComponent(batchId)}`;
}

export function buildBatchNotification(outcome: BatchOutcome, context: MessageContext = {}): NtfyMessage {
  const { counts } = outcome;
  const click = batchDashboardUrl(context.publicUrl, outcome.batchId);
  const lines = [
    `Batch: ${outcome.batchName}`,
    `Completed: ${counts.succeeded}`,
    `Failed: ${counts.failed}`,
    ...(counts.cancelled > 0 ? [`Cancelled: ${counts.cancelled}`] : []),
    ...(outcome.completedAt ? [`Finished: ${outcome.completedAt}`] : []),
    `Batch ID: ${outcome.batchId}`,
  ];
  switch (outcome.status) {
    case "STARTED": {
      const formats = outcome.formatCount ?? 1;
      const first =
        outcome.formatCount === undefined
          ? `Rendering ${counts.total} files`
          : `Rendering ${counts.total * formats} videos (${formats} formats each)`;
      return withClick(
        {
          title: `Batch Started: ${counts.total} files`,
          message: [first, `Batch: ${outcome.batchName}`, `Batch ID: ${outcome.batchId}`].join("\n"),
          priority: "low",
          tags: ["hourglass_flowing_sand", "movie_camera"],
        },
        click,
      );
    }
    case "COMPLETED":
      return withClick(
        {
          title: `Batch Complete: ${counts.succeeded} videos`,
          message: lines.join("\n"),
          priority: "default",
          tags: ["white_check_mark", "movie_camera"],
        },
        click,
      );
    case "FAILED":
      return withClick(
        { title: `Batch Failed: ${counts.total} videos`, message: lines.join("\n"), priority: "high", tags: ["x", "warning"] },
        click,
      );
    case "CANCELLED":
      // not in the seed (it had no cancel); low key, the user asked for it
      return withClick(
        { title: `Batch Cancelled: ${counts.succeeded}/${counts.total} finished`, message: lines.join("\n"), priority: "default", tags: ["no_entry_sign", "movie_camera"] },
        click,
      );
    case "PARTIAL":
      return withClick(
        {
          title: `Batch Partial: ${counts.succeeded}/${counts.total} succeeded`,
          message: lines.join("\n"),
          priority: "high",
          tags: ["warning", "movie_camera"],
        },
        click,
      );
  }
}

/** Sent once, when a job has failed for good (the seed sent one per attempt: inventory §11.3). */
export function buildJobFailedNotification(failure: JobFailure, context: MessageContext = {}): NtfyMessage {
  const lines = [
    `Error: ${failure.errorMessage.slice(0, 200)}`,
    ...(failure.attempts !== undefined ? [`Attempts: ${failure.attempts}`] : []),
    ...(failure.batchName ? [`Batch: ${failure.batchName}`] : []),
    `Batch ID: ${failure.batchId}`,
    `Job ID: ${failure.jobId}`,
  ];
  return withClick(
    {
      title: `Render Failed: ${failure.fileName}`,
      message: lines.join("\n"),
      priority: "high",
      tags: ["x", "movie_camera"],
    },
    batchDashboardUrl(context.publicUrl, failure.batchId),
  );
}

function withClick(message: NtfyMessage, click: string | undefined): NtfyMessage {
  return click ? { ...message, click } : message;
}
