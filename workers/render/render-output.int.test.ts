/**
 * Real draft renders of 2 s generated audio, checked with ffprobe: one per template and one per
 * format family (flat landscape, vertical, square, 360 mono, 360 stereo).
 */
import { readdir, stat } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import type { FormatId } from "../../domain/formats.js";
import type { TemplateId } from "../../domain/templates.js";
import { readMp4Comment } from "./mp4-boxes.js";
import { probeMedia } from "./probe.js";
import { renderOutput, type RenderOutputOptions } from "./render-output.js";
import { makeAudio, tempDir } from "./test-helpers.js";

const SECONDS = 2;
let audio: string;

beforeAll(async () => {
  audio = await makeAudio(await tempDir("render-audio"), SECONDS);
});

async function render(template: TemplateId, formatId: FormatId, extra: Partial<RenderOutputOptions> = {}) {
  const outputDir = extra.outputDir ?? (await tempDir(`render-${formatId}`));
  const result = await renderOutput({
    audioPath: audio, audioDurationSeconds: SECONDS, template, formatId, fps: 30, quality: "draft",
    outputDir, batchCreatedAt: "2026-01-27T23:30:00-05:00", displayName: "Méditation du Matin.wav", jobId: `job-${template}-${formatId}`,
    ...extra,
  });
  const probe = await probeMedia(result.path);
  const video = probe.streams.find((s) => s.codecType === "video")!;
  const audioStream = probe.streams.find((s) => s.codecType === "audio");
  return { result, probe, video, audioStream, outputDir };
}

function expectSound(r: Awaited<ReturnType<typeof render>>, w: number, h: number, codec: "h264" | "hevc") {
  expect(r.video.codecName).toBe(codec);
  expect([r.video.width, r.video.height]).toEqual([w, h]);
  expect([r.result.width, r.result.height]).toEqual([w, h]);
  expect(r.result.codec).toBe(codec);
  expect(r.audioStream?.codecName).toBe("aac");
  expect(Math.abs((r.probe.durationSeconds ?? 0) - SECONDS)).toBeLessThanOrEqual(0.1);
  expect(Math.abs((r.video.durationSeconds ?? 0) - SECONDS)).toBeLessThanOrEqual(0.1);
  expect(Math.abs(r.result.durationSeconds - SECONDS)).toBeLessThanOrEqual(0.1);
}

const spherical = (r: Awaited<ReturnType<typeof render>>) => r.video.sideData;

describe("renderOutput templates", () => {
  it("flame: flat 1080p landscape, H.264, named, poster, job comment", async () => {
    const r = await render("flame", "flat_1080p");
    expectSound(r, 480, 270, "h264");
    expect(r.result.fileName).toBe("20260128_meditation_du_matin_flat_1080p_v1.mp4");
    expect(r.result.version).toBe(1);
    expect(r.result.bytes).toBe((await stat(r.result.path)).size);
    expect(r.result.posterPath).toBe(r.result.path.replace(/\.mp4$/, ".png"));
    const poster = await probeMedia(r.result.posterPath);
    expect(poster.streams[0]).toMatchObject({ codecName: "png", width: 480, height: 270 });
    expect(await readMp4Comment(r.result.path)).toBe("emberflow:job-flame-flat_1080p:flat_1080p");
    expect(spherical(r)).toEqual([]);
    expect((await readdir(r.outputDir)).sort()).toEqual([r.result.fileName, r.result.fileName.replace(".mp4", ".png")]);
  });

  it("mist: flat 1080p landscape, H.264", async () => {
    expectSound(await render("mist", "flat_1080p"), 480, 270, "h264");
  });
});

describe("renderOutput format families", () => {
  it("vertical 1080p", async () => {
    expectSound(await render("mist", "flat_1080p_vertical"), 270, 480, "h264");
  });

  it("square 1080p", async () => {
    expectSound(await render("flame", "flat_1080p_square"), 270, 270, "h264");
  });

  it("360 mono 4K: HEVC, equirectangular metadata", async () => {
    const r = await render("mist", "vr360_mono_4k");
    expectSound(r, 1024, 512, "hevc");
    expect(r.video.codecTag).toBe("hvc1");
    expect(spherical(r)).toContainEqual(expect.objectContaining({ side_data_type: "Spherical Mapping", projection: "equirectangular" }));
  });

  it("360 stereo 4K: HEVC, equirectangular + top-bottom metadata, poster is one eye", async () => {
    const r = await render("flame", "vr360_stereo_4k");
    expectSound(r, 960, 960, "hevc");
    expect(spherical(r)).toContainEqual(expect.objectContaining({ side_data_type: "Spherical Mapping", projection: "equirectangular" }));
    expect(spherical(r)).toContainEqual(expect.objectContaining({ side_data_type: "Stereo 3D", type: "top and bottom" }));
    expect((await probeMedia(r.result.posterPath)).streams[0]).toMatchObject({ width: 960, height: 480 });
  });
});

describe("renderOutput versions and redelivery", () => {
  it("two jobs with the same file name in one batch get v1 and v2; a redelivered job reuses its file", async () => {
    const outputDir = await tempDir("render-versions");
    const [a, b] = await Promise.all([
      render("flame", "flat_1080p_square", { outputDir, jobId: "job-a", displayName: "intro.mp3", codec: "h264" }),
      render("flame", "flat_1080p_square", { outputDir, jobId: "job-b", displayName: "intro.mp3" }),
    ]);
    expect([a.result.version, b.result.version].sort()).toEqual([1, 2]);
    const again = await renderOutput({
      audioPath: audio, template: "flame", formatId: "flat_1080p_square", fps: 30, quality: "draft", outputDir,
      batchCreatedAt: "2026-01-27T23:30:00-05:00", displayName: "intro.mp3", jobId: "job-a",
    });
    expect(again).toMatchObject({ reused: true, path: a.result.path, version: a.result.version, width: 270, height: 270, codec: "h264" });
    expect(await readdir(outputDir)).toHaveLength(4);
  });
});
