/** Shared fixtures for the render tests: generated audio, temp dirs, ffprobe of outputs. */
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `emberflow-render-${label}-`));
}

export function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (c) => (err += c));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${code}: ${err}`))));
  });
}

/** Stereo audio with tone and noise (something for the visualisers to react to). */
export async function makeAudio(dir: string, seconds: number, name = `audio-${seconds}s.wav`): Promise<string> {
  const out = join(dir, name);
  await ffmpeg([
    "-f", "lavfi", "-i", `sine=frequency=220:beep_factor=4:duration=${seconds}`,
    "-f", "lavfi", "-i", `anoisesrc=d=${seconds}:c=pink:a=0.2`,
    "-filter_complex", "[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.5*c1|c1=0.5*c0+c1",
    "-ar", "44100", out,
  ]);
  return out;
}
