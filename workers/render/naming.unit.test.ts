import { describe, expect, it } from "vitest";
import { fallbackName, MAX_NAME_LENGTH, nextVersion, outputPrefix, parseFileName, sanitizeName, utcDateStamp, versionedFileName, versionOf } from "./naming.js";

const s = (name: string) => sanitizeName(name, { fallbackSeed: "job-1" });

describe("sanitizeName", () => {
  it("keeps the seed's examples", () => {
    expect(s("Morning Meditation")).toBe("morning_meditation");
    expect(s("My File.Name.mp3")).toBe("my_file_name");
    expect(s("___test___")).toBe("test");
    expect(s("a   b   c")).toBe("a_b_c");
    expect(s("Deep Space!! Ambient.wav")).toBe("deep_space_ambient");
  });

  it("strips the extension once (seed bug: Mr. Smith Talk.mp3 -> mr)", () => {
    expect(s("Mr. Smith Talk.mp3")).toBe("mr_smith_talk");
    // Already stripped upstream: dotted words are not mistaken for an extension.
    expect(s("Mr. Smith Talk")).toBe("mr_smith_talk");
    expect(s("Talk.v2.FLAC")).toBe("talk_v2");
  });

  it("transliterates non-ASCII letters", () => {
    expect(s("Méditation du Matin.wav")).toBe("meditation_du_matin");
    expect(s("Ünïcödé Straße.ogg")).toBe("unicode_strasse");
    expect(s("Привет мир.mp3")).toBe("privet_mir");
  });

  it("falls back to a stable id derived from the seed when nothing is left", () => {
    const a = sanitizeName("!!!.mp3", { fallbackSeed: "job-42" });
    expect(a).toMatch(/^audio_[0-9a-f]{10}$/);
    expect(sanitizeName("???.wav", { fallbackSeed: "job-42" })).toBe(a);
    expect(sanitizeName("!!!.mp3", { fallbackSeed: "job-43" })).not.toBe(a);
    expect(fallbackName("job-42")).toBe(a);
    expect(sanitizeName(".mp3", { fallbackSeed: "x" })).toMatch(/^audio_/);
  });

  it("caps the length without leaving a trailing underscore", () => {
    const long = s(`${"word ".repeat(40)}.mp3`);
    expect(long.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(long).not.toMatch(/_$/);
    expect(s("a".repeat(200))).toHaveLength(MAX_NAME_LENGTH);
  });

  it("ignores directories in the name", () => {
    expect(s("../../etc/passwd.mp3")).toBe("passwd");
  });
});

describe("utcDateStamp", () => {
  it("uses the UTC date of the instant", () => {
    expect(utcDateStamp("2026-01-27T23:30:00-05:00")).toBe("20260128");
    expect(utcDateStamp("2026-01-27T00:30:00+02:00")).toBe("20260126");
    expect(utcDateStamp("2026-01-27T12:00:00Z")).toBe("20260127");
  });
  it("rejects garbage", () => {
    expect(() => utcDateStamp("not a date")).toThrow(/Invalid batch creation date/);
  });
});

describe("file names", () => {
  it("builds YYYYMMDD_<name>_<format>_v<N>.mp4 and the poster name", () => {
    const prefix = outputPrefix({ batchCreatedAt: "2026-01-27T10:00:00Z", displayName: "Morning Meditation.mp3", formatId: "flat_1080p", fallbackSeed: "j" });
    expect(versionedFileName(prefix, 1)).toBe("20260127_morning_meditation_flat_1080p_v1.mp4");
    expect(versionedFileName(prefix, 2, "png")).toBe("20260127_morning_meditation_flat_1080p_v2.png");
    expect(() => versionedFileName(prefix, 0)).toThrow();
  });

  it("parses names back, longest format id first", () => {
    expect(parseFileName("20260127_a_flat_1080p_flat_1080p_vertical_v12.mp4")).toEqual({
      date: "20260127", name: "a_flat_1080p", formatId: "flat_1080p_vertical", version: 12, ext: "mp4",
    });
    expect(parseFileName("20260127_test_unknown_v1.mp4")).toBeNull();
    expect(parseFileName("20260127_x_vr360_stereo_8k_v3.png")?.formatId).toBe("vr360_stereo_8k");
  });

  it("computes the next version from existing names", () => {
    const p = "20260127_test_flat_1080p";
    const names = [`${p}_v1.mp4`, `${p}_v2.mp4`, `${p}_v7.png`, "20260127_test_flat_4k_v5.mp4", "20260127_other_flat_1080p_v9.mp4", `${p}_v3.mp4.tmp`];
    expect(nextVersion(p, names)).toBe(8);
    expect(nextVersion("20260127_test_flat_4k", names)).toBe(6);
    expect(nextVersion("20260127_new_flat_4k", names)).toBe(1);
    expect(versionOf(p, `${p}_v01.mp4`)).toBeUndefined();
  });
});
