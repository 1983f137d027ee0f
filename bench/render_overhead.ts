/**
 * Render overhead: renderOutput() against the same FFmpeg argv run directly (best of N each,
 * interleaved in one run so both see the same machine state), printed as a ratio; target < 5 %.
 * Then render speed (x realtime) per format family at draft and balanced quality, or of every
 * format with --all-formats.
 *
 *   node --import tsx bench/render_overhead.ts [--runs=5] [--seconds=5] [--no-speed] [--no-balanced] [--all-formats]
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FORMAT_IDS, OUTPUT_FORMATS, renderSize, type FormatId, type Quality } from "../domain/formats.js";
import { buildRenderCommand } from "../workers/render/command.js";
import { jobComment, tempPath } from "../workers/render/publish.js";
import { renderOutput } from "../workers/render/render-output.js";

const arg = (name: string, def: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def;
const RUNS = Number(arg("runs", "5"));
const SECONDS = Number(arg("seconds", "5"));
const FAMILIES: [string, FormatId][] = [
  ["flat landscape", "flat_1080p"],
  ["flat vertical", "flat_1080p_vertical"],
  ["flat square", "flat_1080p_square"],
  ["360 mono", "vr360_mono_4k"],
  ["360 stereo", "vr360_stereo_4k"],
];

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (c) => (err = (err + c).slice(-2000)));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

async function clean(dir: string) {
  for (const n of await readdir(dir)) await rm(join(dir, n), { force: true });
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), "emberflow-bench-"));
  const audio = join(work, "clip.wav");
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `sine=f=220:beep_factor=4:d=${SECONDS}`,
    "-f", "lavfi", "-i", `anoisesrc=d=${SECONDS}:c=pink:a=0.2`, "-filter_complex", "[0][1]amerge,pan=stereo|c0=c0+0.5*c1|c1=0.5*c0+c1", audio]);
  const out = join(work, "out");
  await run("mkdir", ["-p", out]);

  const timeWrapped = async (formatId: FormatId, quality: Quality, i: number) => {
    const t = performance.now();
    await renderOutput({
      audioPath: audio, audioDurationSeconds: SECONDS, template: "flame", formatId, fps: 30, quality, outputDir: out,
      batchCreatedAt: "2026-01-27T10:00:00Z", displayName: "bench.wav", jobId: `bench-${i}`, onProgress: () => undefined,
    });
    return performance.now() - t;
  };
  const timeDirect = async (formatId: FormatId, quality: Quality, i: number) => {
    const format = OUTPUT_FORMATS[formatId];
    const cmd = buildRenderCommand({
      audioPath: audio, template: "flame", format, fps: 30, quality, codec: format.defaultCodec,
      videoOut: tempPath(out, "mp4"), posterOut: tempPath(out, "png"), posterAtSeconds: SECONDS / 3,
      comment: jobComment(`bench-${i}`, formatId), title: "bench.wav",
    });
    const t = performance.now();
    await run("ffmpeg", ["-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", ...cmd.args]);
    return performance.now() - t;
  };

  // Overhead: flat 1080p draft and 360 mono draft (the 360 path adds metadata injection).
  console.log(`render overhead, ${SECONDS} s clip, best of ${RUNS} each, interleaved`);
  console.log("format            quality   direct ms  renderOutput ms  ratio");
  for (const [formatId, quality] of [["flat_1080p", "draft"], ["vr360_mono_4k", "draft"]] as [FormatId, Quality][]) {
    const direct: number[] = [];
    const wrapped: number[] = [];
    await timeDirect(formatId, quality, -1); // warm caches
    for (let i = 0; i < RUNS; i++) {
      direct.push(await timeDirect(formatId, quality, i));
      await clean(out);
      wrapped.push(await timeWrapped(formatId, quality, i));
      await clean(out);
    }
    const d = Math.min(...direct);
    const w = Math.min(...wrapped);
    console.log(`${formatId.padEnd(17)} ${quality.padEnd(9)} ${d.toFixed(0).padStart(9)}  ${w.toFixed(0).padStart(15)}  ${(w / d).toFixed(3)} (${(((w - d) / d) * 100).toFixed(1)} %)`);
  }

  if (!process.argv.includes("--no-speed")) {
    const qualities: Quality[] = process.argv.includes("--no-balanced") ? ["draft"] : ["draft", "balanced"];
    console.log(`\nrender speed (x realtime, ${SECONDS} s clip, flame, 30 fps, one run each)`);
    console.log("family                   format              quality   size        wall s   x realtime");
    const formats: [string, FormatId][] = process.argv.includes("--all-formats") ? FORMAT_IDS.map((id) => [OUTPUT_FORMATS[id].label, id]) : FAMILIES;
    for (const [family, formatId] of formats) {
      for (const q of qualities) {
        const ms = await timeWrapped(formatId, q, 1000);
        await clean(out);
        const r = renderSize(OUTPUT_FORMATS[formatId], q);
        const size = `${r.width}x${r.height}`;
        console.log(`${family.padEnd(24)} ${formatId.padEnd(19)} ${q.padEnd(9)} ${size.padEnd(11)} ${(ms / 1000).toFixed(2).padStart(6)}   ${(SECONDS / (ms / 1000)).toFixed(2)}x`);
      }
    }
  }
  await rm(work, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
