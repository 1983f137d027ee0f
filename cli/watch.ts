import type { ApiClient } from "./api-client";
import { BATCH, BATCH_UPDATED, JOB_PROGRESS, type BatchView, type ProgressTick } from "./operations";
import { PlainReporter, ProgressRatchet, exitCodeFor, isTerminalBatch, renderBlock } from "./render";

export interface WatchOutput {
  readonly isTTY: boolean;
  readonly columns: number;
  write(text: string): void;
}

/**
 * Follows a batch over graphql-ws until it ends: batchUpdated for state, jobProgress for live
 * bars. On a TTY the block is redrawn in place (ANSI); otherwise plain lines are printed on change.
 * After a dropped connection it refetches, so nothing is missed. Resolves with the exit status.
 */
export async function watchBatch(api: ApiClient, batchId: string, out: WatchOutput, atLeast: number | null = null): Promise<number> {
  const ticks = new Map<string, ProgressTick>();
  const plain = new PlainReporter();
  const ratchet = new ProgressRatchet();
  let latest: BatchView | null = null;
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;

  const draw = () => {
    timer = null;
    if (!latest) return;
    if (out.isTTY) {
      const lines = renderBlock(latest, ticks, out.columns, ratchet);
      out.write((drawn ? `\x1b[${drawn}F` : "") + lines.map((l) => `\x1b[2K${l}`).join("\n") + "\n");
      drawn = lines.length;
    } else for (const line of plain.lines(latest, ticks)) out.write(`${line}\n`);
  };
  const schedule = () => {
    if (!out.isTTY) return draw();
    timer ??= setTimeout(draw, 100);
  };

  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (code: number | Error) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      draw();
      unsubBatch();
      unsubTicks();
      if (code instanceof Error) reject(code);
      else resolve(code);
    };
    const onBatch = (b: BatchView | null) => {
      if (!b) return;
      latest = b;
      schedule();
      if (isTerminalBatch(b.status)) finish(exitCodeFor(b.status));
    };
    const unsubBatch = api.subscribe<{ batchUpdated: BatchView | null }>(BATCH_UPDATED, { id: batchId, atLeast }, (d) => onBatch(d.batchUpdated), finish);
    const unsubTicks = api.subscribe<{ jobProgress: ProgressTick }>(JOB_PROGRESS, { batchId }, (d) => {
      ticks.set(d.jobProgress.jobId, d.jobProgress);
      schedule();
    }, () => {});
    api.onReconnect = () => void api.gql<{ batch: BatchView | null }>(BATCH, { id: batchId }).then((d) => onBatch(d.batch), () => {});
  });
}
