import { describe, expect, it } from "vitest";
import { jobEtaSeconds } from "./job-eta";

const P1080 = 1920 * 1080;
const P4K = 3840 * 2160;

describe("job ETA", () => {
  it("last format: just that format's own ETA", () => {
    expect(jobEtaSeconds({ formatEtaSeconds: 12, formatElapsedMs: 8_000, currentPixels: P1080, remainingPixels: [] })).toBe(12);
  });

  it("adds this format's projected total for each later format of the same size", () => {
    // 8 s spent + 12 s to go = 20 s for this format; two more like it: 12 + 40
    expect(jobEtaSeconds({ formatEtaSeconds: 12, formatElapsedMs: 8_000, currentPixels: P1080, remainingPixels: [P1080, P1080] })).toBe(52);
  });

  it("scales later formats by their pixel count relative to this one", () => {
    // a 4K format has 4x the pixels of 1080p: 20 s projected -> 80 s; a square 1080 one 0.5625x -> 11.25 s
    expect(jobEtaSeconds({ formatEtaSeconds: 12, formatElapsedMs: 8_000, currentPixels: P1080, remainingPixels: [P4K] })).toBe(92);
    expect(jobEtaSeconds({ formatEtaSeconds: 12, formatElapsedMs: 8_000, currentPixels: P1080, remainingPixels: [1080 * 1080] })).toBe(23.3);
    expect(jobEtaSeconds({ formatEtaSeconds: 40, formatElapsedMs: 40_000, currentPixels: P4K, remainingPixels: [P1080] })).toBe(60);
  });

  it("a finished format (ETA 0) still counts what comes after it", () => {
    expect(jobEtaSeconds({ formatEtaSeconds: 0, formatElapsedMs: 30_000, currentPixels: P1080, remainingPixels: [P1080] })).toBe(30);
  });

  it("no estimate until the current format has one", () => {
    expect(jobEtaSeconds({ formatEtaSeconds: undefined, formatElapsedMs: 100, currentPixels: P1080, remainingPixels: [P1080] })).toBeUndefined();
    expect(jobEtaSeconds({ formatEtaSeconds: Number.NaN, formatElapsedMs: 100, currentPixels: P1080, remainingPixels: [] })).toBeUndefined();
  });

  it("never negative; an unknown size counts each later format as one more of this one", () => {
    expect(jobEtaSeconds({ formatEtaSeconds: -1, formatElapsedMs: -5, currentPixels: P1080, remainingPixels: [] })).toBe(0);
    expect(jobEtaSeconds({ formatEtaSeconds: 5, formatElapsedMs: 5_000, currentPixels: 0, remainingPixels: [P4K] })).toBe(15);
  });
});
