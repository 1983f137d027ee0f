import { describe, expect, it } from "vitest";
import { batchFolderName, buildFileLink, buildRemoteTarget, sanitizeSegment, yearMonth } from "./drive-paths.js";
import { classifyExit, parseRcloneFlags, runRclone } from "./rclone-runner.js";

describe("drive paths", () => {
  it("builds <folder>/<YYYY>/<MM>/<batch>/<file> from the batch's UTC creation date", () => {
    const target = buildRemoteTarget({
      remote: "gdrive:",
      folder: "/Emberflow/Renders/",
      batchId: "0193b0c2-7f00-7000-8000-00000000abcd",
      batchName: "Night / Rain: vol. 2",
      batchCreatedAt: "2025-01-31T23:30:00-02:00",
      fileName: "20250131_rain_flat-1080p_v1.mp4",
    });
    expect(target).toEqual({
      remote: "gdrive",
      path: "/Emberflow/Renders/2025/02/Night _ Rain_ vol. 2 (0000abcd)/20250131_rain_flat-1080p_v1.mp4",
    });
  });

  it("sanitises without losing unicode and never yields dot segments", () => {
    expect(sanitizeSegment("  Méditation\u0000 雨  ")).toBe("Méditation 雨");
    expect(sanitizeSegment("../..")).toBe("_");
    expect(sanitizeSegment("...hidden...")).toBe("hidden");
    expect(sanitizeSegment("a<b>c|d?e*f\"g\\h")).toBe("a_b_c_d_e_f_g_h");
    expect(Array.from(sanitizeSegment("雨".repeat(300))).length).toBe(100);
  });

  it("names the batch folder by name and id, name, or id", () => {
    expect(batchFolderName("Rain", "abc-12345678")).toBe("Rain (12345678)");
    expect(batchFolderName("Rain", "abc-12345678", "name")).toBe("Rain");
    expect(batchFolderName("Rain", "abc-12345678", "id")).toBe("abc-12345678");
    expect(batchFolderName("...", "abc-12345678")).toBe("abc-12345678");
    expect(() => yearMonth("not a date")).toThrow(RangeError);
  });

  it("builds Drive file links, file:// links, templates and rclone:// fallbacks", () => {
    const target = { remote: "gdrive", path: "R/2025/01/B/a b.mp4" };
    expect(buildFileLink({ target, backend: "drive", id: "1AbC" })).toBe("https://drive.google.com/file/d/1AbC/view");
    expect(buildFileLink({ target: { remote: "l", path: "/srv/x y.mp4" }, backend: "local" })).toBe("file:///srv/x%20y.mp4");
    expect(buildFileLink({ target, backend: "webdav" })).toBe("rclone://gdrive/R/2025/01/B/a%20b.mp4");
    expect(buildFileLink({ target, backend: "s3", linkTemplate: "https://cdn.example/{encodedPath}" })).toBe(
      "https://cdn.example/R/2025/01/B/a%20b.mp4",
    );
  });
});

describe("rclone runner", () => {
  it("classifies exit codes", () => {
    expect(classifyExit("copyto", 5, null, "")).toMatchObject({ retryable: true, code: "RCLONE_EXIT_5" });
    expect(classifyExit("copyto", 1, null, "didn't find section in config file")).toMatchObject({ retryable: false });
    expect(classifyExit("copyto", 1, null, "dial tcp: connection refused")).toMatchObject({ retryable: true });
    expect(classifyExit("copyto", 2, null, "something odd")).toMatchObject({ retryable: true });
    expect(classifyExit("copyto", 2, null, "permission denied")).toMatchObject({ retryable: false });
    expect(classifyExit("copyto", 3, null, "directory not found")).toMatchObject({ retryable: false });
    expect(classifyExit("copyto", 7, null, "fatal")).toMatchObject({ retryable: false });
    expect(classifyExit("copyto", null, "SIGKILL", "")).toMatchObject({ retryable: true });
  });

  it("refuses rclone sync and other subcommands", async () => {
    await expect(runRclone(["sync", "a", "b"])).rejects.toMatchObject({ retryable: false, code: "FORBIDDEN_SUBCOMMAND" });
    await expect(runRclone(["delete", "x:"])).rejects.toMatchObject({ code: "FORBIDDEN_SUBCOMMAND" });
  });

  it("reports a missing binary as permanent", async () => {
    await expect(runRclone(["version"], { binary: "/nonexistent/rclone" })).rejects.toMatchObject({ retryable: false, code: "RCLONE_MISSING" });
  });

  it("splits RCLONE_FLAGS with quotes", () => {
    expect(parseRcloneFlags(`--drive-chunk-size 256M --bwlimit "08:00,512k 23:00,off" --exclude '*.tmp'`)).toEqual([
      "--drive-chunk-size",
      "256M",
      "--bwlimit",
      "08:00,512k 23:00,off",
      "--exclude",
      "*.tmp",
    ]);
    expect(parseRcloneFlags(undefined)).toEqual([]);
  });
});
