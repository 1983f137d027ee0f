import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readMp4Comment } from "./mp4-boxes.js";
import { probeMedia } from "./probe.js";
import { injectSphericalMetadata } from "./spherical.js";
import { ffmpeg, tempDir } from "./test-helpers.js";

let dir: string;
const clip = async (name: string, extra: string[]) => {
  const out = join(dir, name);
  await ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=256x128:r=30:d=1", "-f", "lavfi", "-i", "sine=d=1", "-shortest", ...extra, "-metadata", "comment=emberflow:j:vr360_mono_4k", out]);
  return out;
};
const sideData = async (file: string) => (await probeMedia(file)).streams.find((s) => s.codecType === "video")!.sideData;

beforeAll(async () => {
  dir = await tempDir("spherical");
});

describe("injectSphericalMetadata", () => {
  it("marks an H.264 (avc1) file equirectangular mono, keeping it decodable", async () => {
    const f = await clip("mono.mp4", ["-c:v", "libx264", "-preset", "ultrafast"]);
    await injectSphericalMetadata(f, "mono");
    const sd = await sideData(f);
    expect(sd).toContainEqual(expect.objectContaining({ side_data_type: "Spherical Mapping", projection: "equirectangular" }));
    expect(sd).toContainEqual(expect.objectContaining({ side_data_type: "Stereo 3D", type: "2D" }));
    await ffmpeg(["-v", "error", "-xerror", "-i", f, "-f", "null", "-"]); // every sample still where stco says
    expect(await readMp4Comment(f)).toBe("emberflow:j:vr360_mono_4k");
  });

  it("marks an HEVC (hvc1) file top-bottom stereo, and is idempotent", async () => {
    const f = await clip("stereo.mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1", "-x265-params", "log-level=error"]);
    await injectSphericalMetadata(f, "top-bottom");
    const once = await readFile(f);
    await injectSphericalMetadata(f, "top-bottom");
    expect((await readFile(f)).equals(once)).toBe(true);
    const sd = await sideData(f);
    expect(sd).toContainEqual(expect.objectContaining({ side_data_type: "Stereo 3D", type: "top and bottom" }));
    expect(sd).toContainEqual(expect.objectContaining({ side_data_type: "Spherical Mapping", projection: "equirectangular" }));
    await ffmpeg(["-v", "error", "-xerror", "-i", f, "-f", "null", "-"]);
  });

  it("refuses a faststart file, whose chunk offsets would move", async () => {
    const f = await clip("fast.mp4", ["-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart"]);
    await expect(injectSphericalMetadata(f, "mono")).rejects.toThrow(/faststart|last box/);
  });
});
