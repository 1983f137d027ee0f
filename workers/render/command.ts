/**
 * The FFmpeg argv for one output: audio in, the template's filtergraph, H.264/HEVC + AAC MP4 out,
 * plus the poster PNG as a second output of the same process (no second decode of the video).
 * Pure: builds arrays of arguments, never a shell string, so file names cannot inject anything.
 */
import type { Fps, OutputFormat, Quality, VideoCodec } from "../../domain/formats.js";
import { renderSize } from "../../domain/formats.js";
import type { TemplateId } from "../../domain/templates.js";
import { buildFilterGraph } from "./filters.js";

export interface RenderCommandSpec {
  audioPath: string;
  template: TemplateId;
  format: OutputFormat;
  fps: Fps;
  quality: Quality;
  codec: VideoCodec;
  /** Where FFmpeg writes the MP4 (a temporary path; muxer forced to mp4). */
  videoOut: string;
  /** Where FFmpeg writes the poster PNG; omitted = no poster. */
  posterOut?: string;
  /** Media time of the poster frame. */
  posterAtSeconds?: number;
  /** MP4 `comment` tag (job identity for idempotent publish). */
  comment?: string;
  title?: string;
}

export interface RenderCommand {
  args: string[];
  width: number;
  height: number;
  codec: VideoCodec;
}

/**
 * Longest side of the generative canvas (see filters.ts). Measured on 2 cores, 5 s of audio: the
 * flame graph alone takes ~20 s at 1920x1080 and ~3.5 s at 960x540; after the blur the 2x upscale is
 * not visible, so only `high` pays for the full canvas.
 */
export const CANVAS_MAX: Record<Quality, number> = { draft: 960, balanced: 960, high: 1920 };

/** Longest side of the poster: a thumbnail, not a second 8K master. */
export const POSTER_MAX = 1920;

interface EncoderSettings {
  preset: string;
  crf: number;
  /** Multiplier of the format's balanced bitrate used as VBV max rate; undefined = CRF only. */
  maxrateFactor?: number;
}

// Draft favours speed (previews, tests); balanced matches the seed's CRF ~20 at sane CPU presets;
// high spends CPU for quality. The VBV cap keeps files near the format's bitrate table.
const ENCODERS: Record<VideoCodec, Record<Quality, EncoderSettings>> = {
  h264: {
    draft: { preset: "ultrafast", crf: 28 },
    balanced: { preset: "medium", crf: 20, maxrateFactor: 1 },
    high: { preset: "slow", crf: 17, maxrateFactor: 1.5 },
  },
  hevc: {
    draft: { preset: "ultrafast", crf: 30 },
    balanced: { preset: "fast", crf: 22, maxrateFactor: 1 },
    high: { preset: "medium", crf: 19, maxrateFactor: 1.5 },
  },
};

const AUDIO_BITRATE: Record<Quality, string> = { draft: "128k", balanced: "320k", high: "384k" };

export function encoderArgs(codec: VideoCodec, quality: Quality, format: OutputFormat, fps: Fps): string[] {
  const s = ENCODERS[codec][quality];
  const args =
    codec === "h264"
      ? ["-c:v", "libx264", "-profile:v", "high"]
      : ["-c:v", "libx265", "-tag:v", "hvc1", "-x265-params", "log-level=error"]; // hvc1: plays on Apple devices
  args.push("-preset", s.preset, "-crf", String(s.crf), "-pix_fmt", "yuv420p", "-g", String(fps * 2));
  if (s.maxrateFactor) {
    const max = Math.round(format.bitrateKbps * s.maxrateFactor);
    args.push("-maxrate", `${max}k`, "-bufsize", `${max * 2}k`);
  }
  return args;
}

export function buildRenderCommand(spec: RenderCommandSpec): RenderCommand {
  const { width, height } = renderSize(spec.format, spec.quality);
  const stereo = spec.format.stereo === "top-bottom";
  const fg = buildFilterGraph({ template: spec.template, width, height, fps: spec.fps, stereo, maxCanvas: CANVAS_MAX[spec.quality] });
  let graph = fg.graph;
  const maps: string[] = [];
  if (spec.posterOut) {
    // Poster: the left eye for stereo (what a flat thumbnail should show), capped to POSTER_MAX.
    const eyeH = stereo ? height / 2 : height;
    const k = Math.min(1, POSTER_MAX / Math.max(width, eyeH));
    const pw = Math.max(2, Math.round((width * k) / 2) * 2);
    const ph = Math.max(2, Math.round((eyeH * k) / 2) * 2);
    const at = Math.max(0, spec.posterAtSeconds ?? 0).toFixed(3);
    graph = graph.replace(/\[vout\]$/, "[vfull]");
    // The first frame is let through too (and then overwritten, -update 1): FFmpeg starts the
    // outputs, and so its progress reports, only once every output has had a frame. Without it
    // progress would stay silent until the poster time.
    graph += `;\n[vfull]split=2[vout][vp];\n[vp]select='eq(n\\,0)+gte(t\\,${at})',crop=${width}:${eyeH}:0:0,scale=${pw}:${ph},format=rgb24[poster]`;
  }
  maps.push("-map", "[vout]", "-map", "[aout]");
  const args = [
    "-y",
    "-i", spec.audioPath,
    "-filter_complex", graph,
    ...maps,
    ...encoderArgs(spec.codec, spec.quality, spec.format, spec.fps),
    "-r", String(spec.fps),
    "-c:a", "aac", "-b:a", AUDIO_BITRATE[spec.quality], "-ar", "48000",
    "-map_metadata", "-1",
    ...(spec.title ? ["-metadata", `title=${spec.title}`] : []),
    ...(spec.comment ? ["-metadata", `comment=${spec.comment}`] : []),
    "-f", "mp4", spec.videoOut,
  ];
  if (spec.posterOut) {
    args.push("-map", "[poster]", "-frames:v", "2", "-update", "1", "-c:v", "png", "-f", "image2", spec.posterOut);
  }
  return { args, width, height, codec: spec.codec };
}
