/**
 * The poster frame (PNG) of an output. Built-in renders get their poster as a second output of the
 * render's own FFmpeg process (see command.ts); this standalone extraction serves external
 * renderers and the rare case where the in-process poster came out empty (audio shorter than the
 * poster time). Stereo outputs show the left (top) eye, and the poster is capped to POSTER_MAX.
 */
import { stat } from "node:fs/promises";
import { POSTER_MAX } from "./command.js";
import { runFfmpeg } from "./ffmpeg-process.js";

/** Where in the media the poster is taken: a third in, clear of fade-ins, before the end. */
export function posterTime(durationSeconds: number, fps: number): number {
  return Math.max(0, Math.min(durationSeconds / 3, durationSeconds - 2 / fps));
}

export async function hasContent(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  return !!s && s.size > 0;
}

export interface ExtractPosterOptions {
  atSeconds: number;
  stereo: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function extractPoster(videoPath: string, posterOut: string, options: ExtractPosterOptions): Promise<void> {
  const eye = options.stereo ? "crop=iw:ih/2:0:0," : "";
  // Scale so the longest side is at most POSTER_MAX, keeping even dimensions, never upscaling.
  const fit = `scale='2*trunc(iw*min(1,${POSTER_MAX}/max(iw,ih))/2)':'2*trunc(ih*min(1,${POSTER_MAX}/max(iw,ih))/2)'`;
  const args = ["-y", "-ss", options.atSeconds.toFixed(3), "-i", videoPath, "-map", "0:v:0", "-vf", `${eye}${fit},format=rgb24`, "-frames:v", "1", "-update", "1", "-c:v", "png", "-f", "image2", posterOut];
  await runFfmpeg(args, { durationSeconds: 0, signal: options.signal, timeoutMs: options.timeoutMs });
  if (!(await hasContent(posterOut))) {
    // Seeking past the last keyframe can yield nothing: take the first frame instead.
    args.splice(1, 2);
    await runFfmpeg(args, { durationSeconds: 0, signal: options.signal, timeoutMs: options.timeoutMs });
  }
}
