/**
 * ffprobe as JSON: duration, streams and side data. Used when the caller does not know the audio's
 * duration, by the external renderer to check what it produced, and by tests to check outputs.
 */
import { RenderError } from "./errors.js";
import { runProcess } from "./ffmpeg-process.js";

export interface ProbeSideData {
  side_data_type: string;
  [key: string]: unknown;
}

export interface ProbeStream {
  index: number;
  codecType: "video" | "audio" | "subtitle" | "data" | string;
  codecName?: string;
  codecTag?: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  sideData: ProbeSideData[];
  tags: Record<string, string>;
}

export interface ProbeResult {
  formatName?: string;
  durationSeconds?: number;
  streams: ProbeStream[];
  tags: Record<string, string>;
}

const num = (v: unknown) => {
  const n = typeof v === "number" ? v : Number.parseFloat(String(v));
  return Number.isFinite(n) ? n : undefined;
};

export async function probeMedia(path: string, options: { signal?: AbortSignal; timeoutMs?: number; ffprobePath?: string } = {}): Promise<ProbeResult> {
  let out = "";
  const res = await runProcess(
    options.ffprobePath ?? "ffprobe",
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
    { signal: options.signal, timeoutMs: options.timeoutMs ?? 30_000, onStdout: (c) => (out += c) },
  );
  if (res.exitCode !== 0) {
    throw new RenderError("AUDIO_UNDECODABLE", `ffprobe cannot read "${path.split("/").pop()}": ${res.stderrTail.slice(-3).join(" ") || `exit ${res.exitCode}`}`, {
      stderrTail: res.stderrTail.slice(-10).join("\n"),
    });
  }
  const json = JSON.parse(out || "{}") as { format?: Record<string, unknown>; streams?: Record<string, unknown>[] };
  const streams = (json.streams ?? []).map(
    (s): ProbeStream => ({
      index: Number(s.index),
      codecType: String(s.codec_type),
      codecName: s.codec_name as string | undefined,
      codecTag: s.codec_tag_string as string | undefined,
      width: num(s.width),
      height: num(s.height),
      durationSeconds: num(s.duration),
      sideData: (s.side_data_list as ProbeSideData[] | undefined) ?? [],
      tags: (s.tags as Record<string, string> | undefined) ?? {},
    }),
  );
  return {
    formatName: json.format?.format_name as string | undefined,
    durationSeconds: num(json.format?.duration),
    streams,
    tags: (json.format?.tags as Record<string, string> | undefined) ?? {},
  };
}

/** Duration of the first audio stream (or the container), or AUDIO_UNDECODABLE when there is none. */
export async function probeAudioDuration(path: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  const p = await probeMedia(path, options);
  const audio = p.streams.find((s) => s.codecType === "audio");
  const d = audio?.durationSeconds ?? p.durationSeconds;
  if (!audio || !d || d <= 0) throw new RenderError("AUDIO_UNDECODABLE", `"${path.split("/").pop()}" has no decodable audio stream.`);
  return d;
}

/**
 * True when ffprobe guesses the duration from the bitrate instead of reading it from a header (an
 * MP3 without a Xing/VBRI header, e.g. VBR or two files joined with `cat`; raw AAC). Such a guess
 * can be far off for a perfectly sound file, so a shorter decode is then no sign of damage.
 */
export async function durationIsEstimated(path: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<boolean> {
  const res = await runProcess("ffprobe", ["-v", "warning", "-show_entries", "format=duration", "-of", "csv=p=0", path], {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  return res.stderrTail.some((line) => /Estimating duration from bitrate/i.test(line));
}
