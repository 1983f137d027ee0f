/**
 * FFmpeg `-progress pipe:1` parsing, percent/ETA, and a per-job throttle.
 *
 * FFmpeg writes blocks of `key=value` lines, each block ending with `progress=continue` or
 * `progress=end`. `out_time_us` is the encoded media time; against the audio's duration it gives
 * the fraction done. (`out_time_ms` is also microseconds in FFmpeg 5.x, a known misnomer: ignored.)
 */
export interface RenderProgress {
  /** 0..100, one decimal. */
  percent: number;
  /** Media seconds rendered so far. */
  outTimeSeconds: number;
  /** Seconds of wall time left, estimated from the rate so far; undefined until it is meaningful. */
  etaSeconds?: number;
  /** Render speed relative to realtime (2 = twice as fast as playback), when known. */
  speed?: number;
  /** Frames encoded so far, when known. */
  frame?: number;
  done: boolean;
}

export type ProgressCallback = (progress: RenderProgress) => void;

export interface ProgressBlock {
  outTimeUs?: number;
  frame?: number;
  speed?: number;
  end: boolean;
}

/** Incremental line parser: feed stdout chunks, get complete blocks. */
export class ProgressParser {
  private buffer = "";
  private current: Record<string, string> = {};

  push(chunk: string): ProgressBlock[] {
    this.buffer += chunk;
    const blocks: ProgressBlock[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      const eq = line.indexOf("=");
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === "progress") {
        blocks.push(toBlock(this.current, value === "end"));
        this.current = {};
      } else {
        this.current[key] = value;
      }
    }
    return blocks;
  }
}

function toBlock(kv: Record<string, string>, end: boolean): ProgressBlock {
  const num = (v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number.parseFloat(v); // speed is written as "1.5x"; N/A gives NaN
    return Number.isFinite(n) ? n : undefined;
  };
  const outTimeUs = num(kv.out_time_us);
  return {
    outTimeUs: outTimeUs !== undefined && outTimeUs >= 0 ? outTimeUs : undefined,
    frame: num(kv.frame),
    speed: num(kv.speed),
    end,
  };
}

/** Turns blocks into percent + ETA for a known total duration, using wall time since `startedAt`. */
export function toRenderProgress(block: ProgressBlock, totalSeconds: number, elapsedMs: number): RenderProgress {
  const out = (block.outTimeUs ?? 0) / 1e6;
  const fraction = block.end ? 1 : totalSeconds > 0 ? Math.min(1, Math.max(0, out / totalSeconds)) : 0;
  const percent = Math.round(fraction * 1000) / 10;
  let etaSeconds: number | undefined;
  if (block.end) etaSeconds = 0;
  else if (fraction >= 0.01 && elapsedMs > 200) etaSeconds = Math.round(((elapsedMs / 1000) * (1 - fraction)) / fraction * 10) / 10;
  return { percent, outTimeSeconds: out, etaSeconds, speed: block.speed, frame: block.frame, done: block.end };
}

/**
 * Forwards at most one update per `intervalMs` (default 250 ms: 4/s per job), never lets the
 * percent go backwards, always forwards the final (`done`) update, and drops repeats.
 */
export function throttleProgress(callback: ProgressCallback, intervalMs = 250, now: () => number = Date.now): ProgressCallback {
  let lastAt = -Infinity;
  let lastPercent = -1;
  let finished = false;
  return (p) => {
    if (finished) return;
    if (p.done) {
      finished = true;
      callback({ ...p, percent: 100 });
      return;
    }
    const t = now();
    if (t - lastAt < intervalMs || p.percent <= lastPercent) return;
    lastAt = t;
    lastPercent = p.percent;
    callback(p);
  };
}
