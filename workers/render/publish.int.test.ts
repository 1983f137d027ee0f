import { copyFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanupStaleTemps, findPublishedOutput, jobComment, publishVersioned, tempPath } from "./publish.js";
import { ffmpeg, tempDir } from "./test-helpers.js";

const prefix = "20260127_intro_flat_1080p";
let fixtures: string;
const mp4For = async (jobId: string) => {
  const out = join(fixtures, `${jobId}.mp4`);
  await ffmpeg(["-f", "lavfi", "-i", "color=s=64x64:d=0.2", "-c:v", "libx264", "-preset", "ultrafast", "-metadata", `comment=${jobComment(jobId, "flat_1080p")}`, out]);
  return out;
};
/** A fresh temporary in `dir` holding `content` (as the render would leave it). */
const staged = async (dir: string, src: string, ext: "mp4" | "png" = "mp4") => {
  const t = tempPath(dir, ext);
  await copyFile(src, t);
  return t;
};

beforeAll(async () => {
  fixtures = await tempDir("publish-fixtures");
});

describe("publishVersioned", () => {
  it("gives two concurrent publishes of the same name v1 and v2, overwriting nothing", async () => {
    const dir = await tempDir("publish");
    const a = join(fixtures, "a.bin");
    const b = join(fixtures, "b.bin");
    await writeFile(a, "AAAA");
    await writeFile(b, "BBBB");
    const pa = join(fixtures, "pa.png");
    await writeFile(pa, "PA");
    const [r1, r2] = await Promise.all([
      publishVersioned({ dir, prefix, videoTmp: await staged(dir, a), posterTmp: await staged(dir, pa, "png") }),
      publishVersioned({ dir, prefix, videoTmp: await staged(dir, b), posterTmp: await staged(dir, pa, "png") }),
    ]);
    expect([r1.version, r2.version].sort()).toEqual([1, 2]);
    const contents = [await readFile(r1.path, "utf8"), await readFile(r2.path, "utf8")].sort();
    expect(contents).toEqual(["AAAA", "BBBB"]);
    expect((await readdir(dir)).sort()).toEqual([`${prefix}_v1.mp4`, `${prefix}_v1.png`, `${prefix}_v2.mp4`, `${prefix}_v2.png`]);
    expect(r1.posterPath).toBe(r1.path.replace(/\.mp4$/, ".png"));
  });

  it("continues after the highest existing version and skips a version held by an orphan poster", async () => {
    const dir = await tempDir("publish-gap");
    await writeFile(join(dir, `${prefix}_v3.mp4`), "old");
    await writeFile(join(dir, `${prefix}_v4.png`), "orphan poster");
    const src = join(fixtures, "c.bin");
    await writeFile(src, "new");
    // The poster-only v4 counts as taken: the next version is 5.
    const r = await publishVersioned({ dir, prefix, videoTmp: await staged(dir, src), posterTmp: await staged(dir, src, "png") });
    expect(r.version).toBe(5);
    expect(await readFile(join(dir, `${prefix}_v3.mp4`), "utf8")).toBe("old");
    expect(await readFile(join(dir, `${prefix}_v4.png`), "utf8")).toBe("orphan poster");
    expect(r.bytes).toBe(3);
  });

  it("fails with OUTPUT_FAILED when the directory is unusable", async () => {
    await expect(publishVersioned({ dir: "/nonexistent/dir", prefix, videoTmp: "/nonexistent/dir/x" })).rejects.toMatchObject({ code: "OUTPUT_FAILED", retryable: true });
  });
});

describe("findPublishedOutput", () => {
  it("finds this job's published file by its MP4 comment, not another job's", async () => {
    const dir = await tempDir("publish-find");
    const other = await publishVersioned({ dir, prefix, videoTmp: await staged(dir, await mp4For("job-other")) });
    const mine = await publishVersioned({ dir, prefix, videoTmp: await staged(dir, await mp4For("job-mine")), posterTmp: await staged(dir, await mp4For("p"), "png") });
    expect(other.version).toBe(1);
    const found = await findPublishedOutput(dir, prefix, "job-mine", "flat_1080p");
    expect(found).toMatchObject({ version: 2, fileName: `${prefix}_v2.mp4`, posterPath: mine.posterPath });
    expect(await findPublishedOutput(dir, prefix, "job-mine", "flat_4k")).toBeUndefined();
    expect(await findPublishedOutput(dir, prefix, "job-none", "flat_1080p")).toBeUndefined();
    expect(await findPublishedOutput(join(dir, "missing"), prefix, "job-mine", "flat_1080p")).toBeUndefined();
  });

  it("cleans up stale temporaries only", async () => {
    const dir = await tempDir("publish-clean");
    const t = tempPath(dir, "mp4");
    await writeFile(t, "x");
    expect(await cleanupStaleTemps(dir, 60_000)).toBe(0);
    expect(await cleanupStaleTemps(dir, -1)).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });
});
