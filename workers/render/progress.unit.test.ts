import { describe, expect, it } from "vitest";
import { ProgressParser, throttleProgress, toRenderProgress, type RenderProgress } from "./progress.js";

describe("ProgressParser", () => {
  it("parses blocks split across chunks", () => {
    const p = new ProgressParser();
    expect(p.push("frame=10\nfps=0.0\nout_time_us=1000")).toEqual([]);
    const blocks = p.push("000\nspeed=1.5x\nprogress=continue\nframe=20\nout_time_us=N/A\nprogress=end\n");
    expect(blocks).toEqual([
      { outTimeUs: 1_000_000, frame: 10, speed: 1.5, end: false },
      { outTimeUs: undefined, frame: 20, speed: undefined, end: true },
    ]);
  });

  it("ignores negative out_time (FFmpeg prints it before the first frame)", () => {
    expect(new ProgressParser().push("out_time_us=-9223372036854775807\nprogress=continue\n")[0].outTimeUs).toBeUndefined();
  });
});

describe("toRenderProgress", () => {
  it("computes percent and ETA from out_time vs duration", () => {
    const r = toRenderProgress({ outTimeUs: 2_500_000, end: false }, 10, 1000);
    expect(r.percent).toBe(25);
    expect(r.etaSeconds).toBe(3); // 1 s for 25 % -> 3 s for the rest
    expect(toRenderProgress({ outTimeUs: 20_000_000, end: false }, 10, 1000).percent).toBe(100);
    expect(toRenderProgress({ end: true }, 10, 1000)).toMatchObject({ percent: 100, etaSeconds: 0, done: true });
    expect(toRenderProgress({ outTimeUs: 10, end: false }, 10, 1000).etaSeconds).toBeUndefined();
  });
});

describe("throttleProgress", () => {
  const p = (percent: number, done = false): RenderProgress => ({ percent, outTimeSeconds: 0, done });

  it("forwards at most one update per interval, never backwards, always the final one", () => {
    let now = 0;
    const seen: number[] = [];
    const t = throttleProgress((x) => seen.push(x.percent), 250, () => now);
    t(p(1));
    now = 100;
    t(p(2)); // too soon
    now = 260;
    t(p(3));
    now = 600;
    t(p(2)); // backwards
    now = 700;
    t(p(3)); // repeat
    now = 710;
    t(p(99, true)); // final: always, as 100
    t(p(100, true)); // after final: dropped
    expect(seen).toEqual([1, 3, 100]);
  });
});
