/**
 * ETA of a whole render job (every format still to render), from the progress of the current one.
 * FFmpeg's rate only tells how long THIS format takes; a creator watching a batch wants to know
 * when the job is done, so the formats after it are estimated from it: this format's projected
 * wall time (elapsed + its own ETA) per pixel, times the pixels of each format still to come.
 *
 * Rough by nature (filter cost is partly fixed, HEVC encodes slower than H.264), but it is
 * re-estimated on every tick and from each new format's own rate as it starts, so it converges.
 */
export interface JobEtaInput {
  /** The current format's ETA in seconds (from FFmpeg's rate); undefined until meaningful. */
  readonly formatEtaSeconds: number | undefined;
  /** Wall time spent on the current format so far. */
  readonly formatElapsedMs: number;
  /** Pixels per frame of the current format as rendered (its size at the job's quality). */
  readonly currentPixels: number;
  /** Pixels per frame of each format still to render after the current one. */
  readonly remainingPixels: readonly number[];
}

/** Seconds until the job's last format is rendered, one decimal; undefined while the current format has no ETA. */
export function jobEtaSeconds(i: JobEtaInput): number | undefined {
  if (i.formatEtaSeconds === undefined || !Number.isFinite(i.formatEtaSeconds)) return undefined;
  const current = Math.max(0, i.formatEtaSeconds);
  const projected = Math.max(0, i.formatElapsedMs) / 1000 + current;
  // a zero-size current format cannot scale anything: count each later format as one more of it
  const scale = (px: number) => (i.currentPixels > 0 ? px / i.currentPixels : 1);
  const rest = i.remainingPixels.reduce((sum, px) => sum + projected * scale(px), 0);
  return Math.round((current + rest) * 10) / 10;
}
