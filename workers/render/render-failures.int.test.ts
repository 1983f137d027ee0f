/** Cancellation, timeout, undecodable input, progress, and the external renderer. */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { probeAudioDuration, probeMedia } from "./probe.js";
import { decodedTooShort, renderOutput, type RenderOutputOptions, type RenderProgress } from "./render-output.js";
import { ffmpeg, makeAudio, tempDir } from "./test-helpers.js";

let fixtures: string;
let short: string;
let long: string;
let medium: string;

beforeAll(async () => {
  fixtures = await tempDir("failures");
  [short, medium, long] = await Promise.all([makeAudio(fixtures, 2), makeAudio(fixtures, 8), makeAudio(fixtures, 60)]);
});

const base = async (extra: Partial<RenderOutputOptions>): Promise<RenderOutputOptions> => ({
  audioPath: short, template: "flame", formatId: "flat_1080p", fps: 30, quality: "draft",
  outputDir: await tempDir("failures-out"), batchCreatedAt: "2026-01-27T10:00:00Z", displayName: "song.mp3", jobId: "job-1",
  ...extra,
});

describe("stopping a render", () => {
  it("cancels within 2 s through the AbortSignal and leaves no file", async () => {
    const ac = new AbortController();
    const opts = await base({ audioPath: long, audioDurationSeconds: 60, quality: "balanced", signal: ac.signal });
    let abortedAt = 0;
    opts.onProgress = (p) => {
      if (!abortedAt && p.percent > 0) {
        abortedAt = Date.now();
        ac.abort();
      }
    };
    const err = await renderOutput(opts).catch((e: unknown) => e);
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(err).toMatchObject({ code: "CANCELLED", retryable: false });
    expect(await readdir(opts.outputDir)).toEqual([]);
  });

  it("an already-aborted signal never starts FFmpeg", async () => {
    const opts = await base({ signal: AbortSignal.abort() });
    await expect(renderOutput(opts)).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("a deadline already passed (an earlier format of the job used the time up) starts nothing: TIMEOUT naming the job's limit", async () => {
    const opts = await base({ timeoutMs: 60_000, deadline: Date.now() - 1 });
    await expect(renderOutput(opts)).rejects.toMatchObject({ code: "TIMEOUT", retryable: true, message: expect.stringContaining("within 60 s") });
    expect(await readdir(opts.outputDir)).toEqual([]);
  });

  it("the absolute deadline, not timeoutMs, cuts the render off; the message names the job's limit", async () => {
    const opts = await base({ audioPath: long, audioDurationSeconds: 60, quality: "balanced", timeoutMs: 3_600_000, deadline: Date.now() + 800 });
    const started = Date.now();
    await expect(renderOutput(opts)).rejects.toMatchObject({ code: "TIMEOUT", message: expect.stringContaining("within 3600 s") });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await readdir(opts.outputDir)).toEqual([]);
  });

  it("gives TIMEOUT (retryable) past the per-job deadline and leaves no file", async () => {
    const opts = await base({ audioPath: long, audioDurationSeconds: 60, quality: "balanced", timeoutMs: 800 });
    const started = Date.now();
    await expect(renderOutput(opts)).rejects.toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await readdir(opts.outputDir)).toEqual([]);
  });
});

describe("bad input", () => {
  it("garbage bytes give AUDIO_UNDECODABLE (not retryable), with and without a known duration", async () => {
    const garbage = join(fixtures, "garbage.mp3");
    await writeFile(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const withDuration = await base({ audioPath: garbage, audioDurationSeconds: 3 });
    await expect(renderOutput(withDuration)).rejects.toMatchObject({ code: "AUDIO_UNDECODABLE", retryable: false });
    expect(await readdir(withDuration.outputDir)).toEqual([]);
    await expect(renderOutput(await base({ audioPath: garbage }))).rejects.toMatchObject({ code: "AUDIO_UNDECODABLE" });
  });

  it("a truncated file (header only) gives AUDIO_UNDECODABLE", async () => {
    const truncated = join(fixtures, "truncated.wav");
    await writeFile(truncated, Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1"));
    await expect(renderOutput(await base({ audioPath: truncated, audioDurationSeconds: 2 }))).rejects.toMatchObject({ code: "AUDIO_UNDECODABLE" });
  });

  it("audio that decodes only in part (FFmpeg exits 0, the video comes out short) is AUDIO_UNDECODABLE, not a success", async () => {
    // FLAC's header (STREAMINFO) declares 10 s; the frames stop after about 4 s: ffprobe says 10,
    // FFmpeg decodes what there is and exits 0
    const wav = await makeAudio(fixtures, 10, "ten.wav");
    const flac = join(fixtures, "ten.flac");
    await ffmpeg(["-i", wav, flac]);
    const bytes = await readFile(flac);
    const cut = join(fixtures, "cut-in-the-middle.flac");
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.4)));
    const opts = await base({ audioPath: cut }); // duration from ffprobe, as for an upload without one
    const err = await renderOutput(opts).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "AUDIO_UNDECODABLE", retryable: false });
    expect((err as Error).message).toMatch(/decoded to only [3-5](\.\d)? s of the 10 s its header declares; the file is damaged/);
    expect(await readdir(opts.outputDir)).toEqual([]);
  });

  it("a sound MP3 whose duration ffprobe only estimates (two files joined with cat, no Xing header) renders what decodes", async () => {
    // ffprobe guesses ~10.7 s from the first part's 32 kbit/s; the file holds 4 s of good audio
    const part = async (name: string, seconds: number, rate: string) => {
      const out = join(fixtures, name);
      await ffmpeg(["-f", "lavfi", "-i", `sine=frequency=220:duration=${seconds}`, "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", rate, "-write_xing", "0", "-id3v2_version", "0", out]);
      return readFile(out);
    };
    const joined = join(fixtures, "joined.mp3");
    await writeFile(joined, Buffer.concat([await part("a32.mp3", 1, "32k"), await part("b320.mp3", 3, "320k")]));
    expect(await probeAudioDuration(joined)).toBeGreaterThan(8);
    const r = await renderOutput(await base({ audioPath: joined }));
    expect(r.durationSeconds).toBeGreaterThan(3.5);
    expect(r.durationSeconds).toBeLessThan(4.5);
  });

  it("the short-decode tolerance is max(2 s, 5%) of the declared duration", () => {
    expect(decodedTooShort(8.1, 10)).toBe(false);
    expect(decodedTooShort(7.9, 10)).toBe(true);
    expect(decodedTooShort(95.1, 100)).toBe(false);
    expect(decodedTooShort(94.9, 100)).toBe(true);
    expect(decodedTooShort(undefined, 100)).toBe(false);
    expect(decodedTooShort(1.96, 2)).toBe(false);
  });

  it("unknown options are INVALID_OPTIONS (not retryable): the job would fail the same way every time", async () => {
    const bad: Partial<RenderOutputOptions>[] = [
      { template: "nope" as never }, { formatId: "flat_720p" as never }, { fps: 25 as never }, { quality: "ultra" as never },
      { codec: "vp9" as never }, { jobId: "" }, { batchCreatedAt: "yesterday" },
    ];
    for (const extra of bad) {
      await expect(renderOutput(await base(extra))).rejects.toMatchObject({ name: "RenderError", code: "INVALID_OPTIONS", retryable: false });
    }
  });

  it("a missing input is AUDIO_UNDECODABLE, with the file named in the message", async () => {
    const err = await renderOutput(await base({ audioPath: join(fixtures, "nope.wav"), audioDurationSeconds: 2 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "AUDIO_UNDECODABLE" });
    expect((err as Error).message).toContain("nope.wav");
  });
});

describe("progress", () => {
  it("reports increasing percents with ETA, at most 4 per second, ending at 100", async () => {
    const seen: (RenderProgress & { at: number })[] = [];
    await renderOutput(await base({ audioPath: medium, audioDurationSeconds: 8, formatId: "flat_1080p_square", onProgress: (p) => seen.push({ ...p, at: Date.now() }) }));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ percent: 100, done: true });
    for (let i = 1; i < seen.length; i++) expect(seen[i].percent).toBeGreaterThan(seen[i - 1].percent);
    for (let i = 1; i < seen.length - 1; i++) expect(seen[i].at - seen[i - 1].at).toBeGreaterThanOrEqual(245);
    expect(seen.slice(0, -1).some((p) => p.etaSeconds !== undefined && p.etaSeconds > 0)).toBe(true);
  });
});

describe("external renderer", () => {
  it("runs a command with placeholders (here: FFmpeg itself) and publishes its output", async () => {
    const opts = await base({
      formatId: "vr360_mono_4k",
      renderer:
        "ffmpeg -hide_banner -loglevel error -nostdin -y -i {input} -f lavfi -i color=c=purple:s={width}x{height}:r={fps} " +
        "-map 1:v -map 0:a -shortest -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -progress pipe:1 {output}",
    });
    const seen: number[] = [];
    opts.onProgress = (p) => seen.push(p.percent);
    const r = await renderOutput(opts);
    expect(r).toMatchObject({ width: 1024, height: 512, codec: "h264", version: 1, fileName: "20260127_song_vr360_mono_4k_v1.mp4" });
    const probe = await probeMedia(r.path);
    const v = probe.streams.find((s) => s.codecType === "video")!;
    expect(v.sideData).toContainEqual(expect.objectContaining({ side_data_type: "Spherical Mapping", projection: "equirectangular" }));
    expect(probe.streams.some((s) => s.codecType === "audio")).toBe(true);
    expect(probe.tags.comment).toBe("emberflow:job-1:vr360_mono_4k");
    expect((await probeMedia(r.posterPath)).streams[0].codecName).toBe("png");
    expect(seen.at(-1)).toBe(100);
    expect((await readdir(opts.outputDir)).sort()).toEqual([r.fileName, r.fileName.replace(".mp4", ".png")]);
  });

  it("cancelling stops the external renderer's whole process group within 2 s", async () => {
    const ac = new AbortController();
    // sh forks sleep, which holds the output pipe: only a group kill ends this quickly.
    const opts = await base({ renderer: ["sh", "-c", "sleep 30; true"], signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    const started = Date.now();
    await expect(renderOutput(opts)).rejects.toMatchObject({ code: "CANCELLED" });
    expect(Date.now() - started).toBeLessThan(2300);
    expect(await readdir(opts.outputDir)).toEqual([]);
  });

  it("a failing external command gives FFMPEG_FAILED with its stderr, and leaves no file", async () => {
    const opts = await base({ renderer: ["sh", "-c", "echo 'engine exploded' >&2; exit 3"] });
    const err = await renderOutput(opts).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "FFMPEG_FAILED", retryable: true });
    expect((err as Error).message).toMatch(/code 3[\s\S]*engine exploded/);
    expect(await readdir(opts.outputDir)).toEqual([]);
  });
});
