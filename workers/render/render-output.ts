/**
 * The render worker's engine: one audio file x one output format -> a published, versioned MP4
 * and its poster PNG. The event-log wiring calls this and turns the result or the RenderError into
 * events; nothing here knows about NATS.
 *
 * Steps: (reuse an earlier publish of this job+format) -> FFmpeg (or the external renderer) into
 * temporaries in the output directory -> spherical metadata for 360 -> atomic versioned publish.
 * Any failure or cancellation removes the temporaries, so the directory never holds partial files.
 */
import { access, mkdir } from "node:fs/promises";
import { isFormatId, OUTPUT_FORMATS, QUALITIES, renderSize, type FormatId, type Fps, type Quality, type VideoCodec } from "../../domain/formats.js";
import { isTemplateId, type TemplateId } from "../../domain/templates.js";
import { buildRenderCommand } from "./command.js";
import { encoderArgs } from "./command.js";
import { isRenderError, outputFailed, RenderError } from "./errors.js";
import { expandRendererCommand, runExternalRenderer, type RendererCommand } from "./external-renderer.js";
import { runFfmpeg } from "./ffmpeg-process.js";
import { outputPrefix } from "./naming.js";
import { extractPoster, hasContent, posterTime } from "./poster.js";
import { durationIsEstimated, probeAudioDuration, probeMedia } from "./probe.js";
import { throttleProgress, type ProgressCallback, type RenderProgress } from "./progress.js";
import { findPublishedOutput, jobComment, publishVersioned, removeQuietly, tempPath, type Published } from "./publish.js";
import { injectSphericalMetadata } from "./spherical.js";

export type { RenderProgress, ProgressCallback, RendererCommand };
export { RenderError };

export interface RenderOutputOptions {
  audioPath: string;
  /** Known duration (from the upload); probed with ffprobe when omitted. */
  audioDurationSeconds?: number;
  template: TemplateId;
  formatId: FormatId;
  fps: Fps;
  quality: Quality;
  /** Overrides the format's default codec (HEVC for 4K and up, H.264 otherwise). */
  codec?: VideoCodec;
  outputDir: string;
  /** The batch's creation instant (ISO 8601); its UTC date starts the file name. */
  batchCreatedAt: string;
  /** The upload's original file name, e.g. `Méditation du Matin.wav`. */
  displayName: string;
  jobId: string;
  /** Seed for the fallback name when displayName sanitises to nothing (default: jobId). */
  contentHash?: string;
  signal?: AbortSignal;
  /** Time allowed for this render, publish included; also the figure a TIMEOUT message names. */
  timeoutMs?: number;
  /**
   * Absolute deadline (epoch ms), overriding `timeoutMs` for the cut-off: a job rendering several
   * formats passes one deadline for all of them, so the job (not each format) respects the timeout.
   */
  deadline?: number;
  /** Throttled to 4 updates/s; percent never decreases; the last call has done=true, percent=100. */
  onProgress?: ProgressCallback;
  /** External render command with {input} {output} {width} {height} {fps}. */
  renderer?: RendererCommand;
  /** Return an output this job already published instead of rendering again (default true). */
  reuseExisting?: boolean;
  /** Minimum interval between progress callbacks (default 250 ms). */
  progressIntervalMs?: number;
}

export interface RenderOutputResult {
  path: string;
  fileName: string;
  bytes: number;
  posterPath: string;
  width: number;
  height: number;
  codec: VideoCodec;
  durationSeconds: number;
  version: number;
  /** True when an earlier publish of this job+format was returned (redelivered job). */
  reused: boolean;
}

/**
 * Options come from a job in the event log, so a bad value fails the same way on every delivery:
 * INVALID_OPTIONS is not retryable (a TypeError was, and burned every attempt on the same error).
 */
function validate(o: RenderOutputOptions): void {
  const invalid = (message: string) => new RenderError("INVALID_OPTIONS", message);
  if (!isTemplateId(o.template)) throw invalid(`Unknown template: ${o.template}`);
  if (!isFormatId(o.formatId)) throw invalid(`Unknown output format: ${o.formatId}`);
  if (o.fps !== 30 && o.fps !== 60) throw invalid(`fps must be 30 or 60, got ${o.fps}`);
  if (!QUALITIES.includes(o.quality)) throw invalid(`Unknown quality: ${o.quality}`);
  if (o.codec !== undefined && o.codec !== "h264" && o.codec !== "hevc") throw invalid(`Unknown codec: ${o.codec}`);
  if (!o.jobId) throw invalid("jobId is required");
  if (Number.isNaN(new Date(o.batchCreatedAt).getTime())) throw invalid(`Invalid batch creation date: ${o.batchCreatedAt}`);
}

function timedOut(timeoutMs: number | undefined): RenderError {
  const limit = timeoutMs ? ` within ${Math.round(timeoutMs / 1000)} s` : " before its deadline";
  return new RenderError("TIMEOUT", `Render did not finish${limit} and was stopped.`);
}

/** Remaining time until the deadline, or TIMEOUT if it has passed. */
function remaining(deadline: number | undefined, timeoutMs: number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const left = deadline - Date.now();
  if (left <= 0) throw timedOut(timeoutMs);
  return left;
}

/**
 * Shorter than the duration the input declares by more than max(2 s, 5%): more than the rounding
 * of the last frame or an encoder's priming samples. No out_time at all: nothing to compare
 * (FFmpeg always reports one; an odd build might not).
 */
export function decodedTooShort(outSeconds: number | undefined, expectedSeconds: number): boolean {
  if (outSeconds === undefined || !(expectedSeconds > 0)) return false;
  return expectedSeconds - outSeconds > Math.max(2, expectedSeconds * 0.05);
}

/**
 * FFmpeg exits 0 when the audio stops decoding part-way (a cut or corrupted file): the video just
 * ends early, and that must not pass as a success. Unless the declared duration was only ffprobe's
 * guess from the bitrate, where the decode is the truth (probed only in this rare case).
 */
async function checkDecodedLength(outSeconds: number | undefined, expectedSeconds: number, audioPath: string, signal?: AbortSignal): Promise<void> {
  if (!decodedTooShort(outSeconds, expectedSeconds)) return;
  if (await durationIsEstimated(audioPath, { signal })) return;
  const s = (n: number) => (Math.round(n * 10) / 10).toString();
  throw new RenderError(
    "AUDIO_UNDECODABLE",
    `The audio file "${audioPath.split("/").pop()}" decoded to only ${s(outSeconds ?? 0)} s of the ${s(expectedSeconds)} s its header declares; ` +
      "the file is damaged. Upload an intact copy.",
  );
}

async function describeExisting(p: Published, fallbackCodec: VideoCodec): Promise<RenderOutputResult> {
  const probe = await probeMedia(p.path);
  const v = probe.streams.find((s) => s.codecType === "video");
  return {
    path: p.path,
    fileName: p.fileName,
    bytes: p.bytes,
    posterPath: p.posterPath ?? "",
    width: v?.width ?? 0,
    height: v?.height ?? 0,
    codec: v?.codecName === "hevc" ? "hevc" : v?.codecName === "h264" ? "h264" : fallbackCodec,
    durationSeconds: probe.durationSeconds ?? 0,
    version: p.version,
    reused: true,
  };
}

export async function renderOutput(options: RenderOutputOptions): Promise<RenderOutputResult> {
  validate(options);
  const { signal, timeoutMs, jobId, formatId, outputDir } = options;
  if (signal?.aborted) throw new RenderError("CANCELLED", "Render was cancelled before it started.");
  const deadline = options.deadline ?? (timeoutMs ? Date.now() + timeoutMs : undefined);
  remaining(deadline, timeoutMs); // a job whose deadline passed on an earlier format starts nothing
  const format = OUTPUT_FORMATS[formatId];
  const codec = options.codec ?? format.defaultCodec;
  const reuse = options.reuseExisting ?? true;
  const stereo = format.stereo === "top-bottom";
  const prefix = outputPrefix({
    batchCreatedAt: options.batchCreatedAt,
    displayName: options.displayName,
    formatId,
    fallbackSeed: options.contentHash ?? jobId,
  });

  try {
    await mkdir(outputDir, { recursive: true });
  } catch (err) {
    throw outputFailed(`create the output directory ${outputDir}`, err);
  }
  if (reuse) {
    const existing = await findPublishedOutput(outputDir, prefix, jobId, formatId);
    if (existing) {
      options.onProgress?.({ percent: 100, outTimeSeconds: 0, etaSeconds: 0, done: true });
      return describeExisting(existing, codec);
    }
  }

  // FFmpeg's "No such file" is indistinguishable from a missing output dir; check the input here.
  await access(options.audioPath).catch(() => {
    throw new RenderError("AUDIO_UNDECODABLE", `The audio file "${options.audioPath.split("/").pop()}" does not exist or cannot be read.`);
  });
  const duration = options.audioDurationSeconds ?? (await probeAudioDuration(options.audioPath, { signal }));
  const throttled = options.onProgress ? throttleProgress(options.onProgress, options.progressIntervalMs) : undefined;
  // FFmpeg's own "end" is not the end of the job (metadata and publish follow): hold it below 100.
  const onProgress = throttled && ((p: RenderProgress) => throttled({ ...p, done: false, percent: Math.min(p.percent, 99.9) }));
  const videoTmp = tempPath(outputDir, "mp4");
  const posterTmp = tempPath(outputDir, "png");
  const extraTmp = options.renderer ? tempPath(outputDir, "mp4") : undefined;
  const comment = jobComment(jobId, formatId);
  const posterAt = posterTime(duration, options.fps);

  try {
    let width: number;
    let height: number;
    let outCodec: VideoCodec = codec;
    let outTime: number | undefined;
    if (!options.renderer) {
      const cmd = buildRenderCommand({
        audioPath: options.audioPath, template: options.template, format, fps: options.fps, quality: options.quality, codec,
        videoOut: videoTmp, posterOut: posterTmp, posterAtSeconds: posterAt, comment, title: options.displayName,
      });
      ({ width, height } = cmd);
      const res = await runFfmpeg(cmd.args, {
        durationSeconds: duration, onProgress, signal, timeoutMs: remaining(deadline, timeoutMs), inputLabel: options.audioPath,
      });
      outTime = res.outTimeSeconds;
      await checkDecodedLength(outTime, duration, options.audioPath, signal);
    } else {
      const size = renderSize(format, options.quality);
      const values = { input: options.audioPath, output: extraTmp!, width: size.width, height: size.height, fps: options.fps };
      expandRendererCommand(options.renderer, values); // fail fast on a malformed command
      await runExternalRenderer({ command: options.renderer, values, durationSeconds: duration, signal, timeoutMs: remaining(deadline, timeoutMs), onProgress });
      const r = await adoptExternalOutput(extraTmp!, videoTmp, options, { codec, comment, duration, deadline, timeoutMs });
      ({ width, height, codec: outCodec } = r);
      outTime = r.duration;
    }
    if (!(await hasContent(posterTmp))) {
      await extractPoster(videoTmp, posterTmp, { atSeconds: posterAt, stereo, signal, timeoutMs: remaining(deadline, timeoutMs) });
    }
    if (format.projection === "equirect") {
      try {
        await injectSphericalMetadata(videoTmp, format.stereo);
      } catch (err) {
        throw new RenderError("OUTPUT_FAILED", `Could not write 360° metadata: ${(err as Error).message}`, { cause: err });
      }
    }
    remaining(deadline, timeoutMs);
    if (signal?.aborted) throw new RenderError("CANCELLED", "Render was cancelled.");
    // A duplicate delivery of this job may have published while we rendered: keep theirs.
    const raced = reuse ? await findPublishedOutput(outputDir, prefix, jobId, formatId) : undefined;
    if (raced) return await describeExisting(raced, codec);
    const published = await publishVersioned({ dir: outputDir, prefix, videoTmp, posterTmp });
    const durationSeconds = outTime && outTime > 0 ? outTime : duration;
    throttled?.({ percent: 100, outTimeSeconds: durationSeconds, etaSeconds: 0, done: true });
    return {
      path: published.path,
      fileName: published.fileName,
      bytes: published.bytes,
      posterPath: published.posterPath!,
      width,
      height,
      codec: outCodec,
      durationSeconds,
      version: published.version,
      reused: false,
    };
  } catch (err) {
    // a process stopped at the deadline knows only its share of it: name the job's limit instead
    if (isRenderError(err) && err.code === "TIMEOUT") throw timedOut(timeoutMs);
    if (isRenderError(err)) throw err;
    throw outputFailed("finish the render", err);
  } finally {
    await removeQuietly(videoTmp, posterTmp, extraTmp);
  }
}

/**
 * Makes an external renderer's file ours: copies its video (re-encoding only if it is neither H.264
 * nor HEVC), keeps its audio or adds the input's, writes the job comment, and leaves moov at the end
 * (no faststart) so the spherical boxes can be added in place.
 */
async function adoptExternalOutput(
  extTmp: string,
  videoTmp: string,
  o: RenderOutputOptions,
  ctx: { codec: VideoCodec; comment: string; duration: number; deadline?: number; timeoutMs?: number },
): Promise<{ width: number; height: number; codec: VideoCodec; duration?: number }> {
  if (!(await hasContent(extTmp))) {
    throw new RenderError("FFMPEG_FAILED", "External renderer exited successfully but wrote no {output} file.");
  }
  const probe = await probeMedia(extTmp).catch((err: unknown) => {
    throw new RenderError("FFMPEG_FAILED", `External renderer output is not readable media: ${(err as Error).message}`);
  });
  const v = probe.streams.find((s) => s.codecType === "video");
  if (!v) throw new RenderError("FFMPEG_FAILED", "External renderer output has no video stream.");
  const hasAudio = probe.streams.some((s) => s.codecType === "audio");
  const keep = v.codecName === "h264" || v.codecName === "hevc";
  const codec: VideoCodec = keep ? (v.codecName as VideoCodec) : ctx.codec;
  const format = OUTPUT_FORMATS[o.formatId];
  const args = ["-y", "-i", extTmp, ...(hasAudio ? [] : ["-i", o.audioPath]), "-map", "0:v:0", "-map", hasAudio ? "0:a:0" : "1:a:0"];
  args.push(...(keep ? ["-c:v", "copy", ...(codec === "hevc" ? ["-tag:v", "hvc1"] : [])] : encoderArgs(codec, o.quality, format, o.fps)));
  args.push(...(hasAudio ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "320k", "-ar", "48000", "-shortest"]));
  args.push("-map_metadata", "-1", "-metadata", `comment=${ctx.comment}`, "-f", "mp4", videoTmp);
  const res = await runFfmpeg(args, { durationSeconds: ctx.duration, signal: o.signal, timeoutMs: remaining(ctx.deadline, ctx.timeoutMs) });
  return { width: v.width ?? 0, height: v.height ?? 0, codec, duration: res.outTimeSeconds ?? probe.durationSeconds };
}
