import { execFile } from "node:child_process";

export interface AudioProbe {
  readonly hasAudio: boolean;
  readonly durationSeconds: number | null;
}

/** Asks ffprobe whether the file has an audio stream and how long it is; null when ffprobe cannot read it. */
export function probeAudio(path: string, ffprobe = "ffprobe", timeoutMs = 20_000): Promise<AudioProbe | null> {
  return new Promise((resolve) => {
    execFile(
      ffprobe,
      ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return resolve(null);
        try {
          const info = JSON.parse(stdout) as { streams?: { codec_type?: string; duration?: string }[]; format?: { duration?: string } };
          const audio = (info.streams ?? []).find((s) => s.codec_type === "audio");
          const d = Number(info.format?.duration ?? audio?.duration);
          resolve({ hasAudio: Boolean(audio), durationSeconds: Number.isFinite(d) && d > 0 ? Math.round(d * 1000) / 1000 : null });
        } catch {
          resolve(null);
        }
      },
    );
  });
}
