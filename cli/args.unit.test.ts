import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError, invocationDir, parseCommand, parseFormats, resolvePathOptions } from "./args";
import { collectFiles } from "./submit";
import { PlainReporter, ProgressRatchet, bar, describeBatch, exitCodeFor, renderBlock } from "./render";
import type { BatchView } from "./operations";

describe("emberflow command line", () => {
  it("parses submit with aliases, negations and defaults", () => {
    const c = parseCommand(["submit", "in/", "--template", "mist", "--formats", "1080p,vr360_mono_4k,360mono", "--no-transcribe", "--drive", "--sheets", "--quality", "draft", "--name", "N", "--idempotency-key", "K"], {});
    expect(c).toMatchObject({
      kind: "submit",
      global: { url: "http://localhost:4000", token: null },
      submit: { paths: ["in/"], template: "MIST", formats: ["FLAT_1080P", "VR360_MONO_4K"], transcribe: false, syncToDrive: true, notify: true, exportToSheets: true, quality: "DRAFT", name: "N", idempotencyKey: "K" },
    });
  });

  it("takes --url and --token, falling back to EMBERFLOW_URL and EMBERFLOW_TOKEN", () => {
    expect(parseCommand(["show", "b1"], { EMBERFLOW_URL: "http://x:1/", EMBERFLOW_TOKEN: "t" })).toEqual({ kind: "show", global: { url: "http://x:1", token: "t" }, batchId: "b1", json: false });
    expect(parseCommand(["dead-letters", "--retry", "d1", "--url", "http://y:2", "--token", "s"], { EMBERFLOW_URL: "http://x:1" })).toEqual({ kind: "dead-letters", global: { url: "http://y:2", token: "s" }, retry: "d1" });
    expect(parseCommand(["rebuild", "--", "--data-dir", "d", "--stream", "s"], {}, "/repo")).toEqual({ kind: "rebuild", passThrough: ["--data-dir", "/repo/d", "--stream", "s"] });
  });

  it("refuses unknown formats, templates, options and commands with a usage error", () => {
    expect(() => parseFormats("flat_1080p,bogus")).toThrow(/Unknown format "bogus"/);
    expect(() => parseCommand(["submit", "x", "--template", "fire"], {})).toThrow(UsageError);
    expect(() => parseCommand(["submit", "x", "--bogus"], {})).toThrow(UsageError);
    expect(() => parseCommand(["submit"], {})).toThrow(/at least one folder/);
    expect(() => parseCommand(["frobnicate"], {})).toThrow(/Unknown command/);
  });

  it("maps end states to exit statuses", () => {
    expect(exitCodeFor("COMPLETED")).toBe(0);
    expect(exitCodeFor("PARTIAL")).toBe(2);
    expect(exitCodeFor("FAILED")).toBe(3);
    expect(exitCodeFor("CANCELLED")).toBe(3);
  });

  it("renders bars for a TTY and change-only lines otherwise", () => {
    const b: BatchView = {
      id: "b",
      name: "night",
      status: "RUNNING",
      progress: 50,
      createdAt: "2026-01-01T00:00:00Z",
      completedAt: null,
      template: "FLAME",
      formats: ["FLAT_1080P"],
      counts: { total: 2, queued: 0, running: 1, succeeded: 1, failed: 0, cancelled: 0 },
      jobs: [
        { id: "j1", index: 0, fileName: "a.wav", status: "COMPLETED", progress: 100, attempts: 0, outputs: [{ format: "FLAT_1080P", fileName: "a.mp4", bytes: 10, url: "/media/a.mp4", driveUrl: null, posterUrl: null }], transcript: null, error: null },
        { id: "j2", index: 1, fileName: "b.wav", status: "RENDERING", progress: 0, attempts: 0, outputs: [], transcript: null, error: null },
      ],
      deliveries: [],
    };
    expect(bar(50, 10)).toBe("█████░░░░░");
    const ticks = new Map([["j2", { jobId: "j2", stage: "render", format: "FLAT_1080P", percent: 40, etaSeconds: 7, status: null, source: "LIVE" }]]);
    const block = renderBlock(b, ticks, 100);
    expect(block).toHaveLength(3);
    expect(block[2]).toMatch(/b\.wav.* 40% .*RENDERING.*flat_1080p eta 0:07/);
    const r = new PlainReporter();
    expect(r.lines(b, ticks)).toEqual(["a.wav: COMPLETED 100%", "b.wav: RENDERING 40%", "batch night: RUNNING 50% (1/2 done, 0 failed, 0 cancelled)"]);
    expect(r.lines(b, ticks)).toEqual([]);
    expect(describeBatch(b, "http://h").join("\n")).toContain("flat_1080p: http://h/media/a.mp4");
  });

  it("never shows a running job's percent going back, but starts a retried job over", () => {
    const job = (status: string, progress: number) => ({ id: "j", index: 0, fileName: "a.wav", status, progress, attempts: 0, outputs: [], transcript: null, error: null });
    const tick = (percent: number) => ({ jobId: "j", stage: "render", format: "FLAT_1080P", percent, etaSeconds: null, status: null, source: "LIVE" });
    const r = new ProgressRatchet();
    expect(r.percent(job("RENDERING", 0), tick(50))).toBe(50); // the transcript tick said half the job is done
    expect(r.percent(job("RENDERING", 0), tick(0))).toBe(50); // a render tick from its first format, then the batch state that lags
    expect(r.percent(job("RENDERING", 50), tick(60))).toBe(60);
    expect(r.percent(job("FAILED", 30), undefined)).toBe(30); // a finished job shows what was recorded
    expect(r.percent(job("QUEUED", 0), undefined)).toBe(0); // retried: it starts over
    expect(r.percent(job("RENDERING", 0), tick(10))).toBe(10);
  });

  describe("relative paths", () => {
    // what `npm run cli -- submit ./takes` typed in /home/me/music looks like: npm moved the process to the repo root
    const npmRun = { INIT_CWD: "/home/me/music", npm_package_json: "/repo/package.json" };

    it("are relative to where the command was typed, which npm run keeps in INIT_CWD", () => {
      expect(invocationDir(npmRun, "/repo")).toBe("/home/me/music");
      expect(invocationDir({}, "/home/me/music")).toBe("/home/me/music"); // plain node, the bin, or npx in that folder
      expect(invocationDir({ INIT_CWD: "/home/me/music" }, "/repo")).toBe("/home/me/music"); // a runner that sets only INIT_CWD
      // started elsewhere by something that runs under npm: INIT_CWD is inherited and stale
      expect(invocationDir(npmRun, "/srv/jobs")).toBe("/srv/jobs");
      expect(invocationDir({ INIT_CWD: "music", npm_package_json: "/repo/package.json" }, "/repo")).toBe("/repo/music");
    });

    it("are kept as typed by submit, with the directory to resolve them against", () => {
      const c = parseCommand(["submit", "takes", "../other/b.wav"], npmRun, "/repo");
      expect(c).toMatchObject({ kind: "submit", submit: { paths: ["takes", "../other/b.wav"], baseDir: "/home/me/music" } });
      expect(parseCommand(["submit", "takes"], {}, "/srv")).toMatchObject({ submit: { baseDir: "/srv" } });
    });

    it("make rebuild's --data-dir and --file absolute, in both spellings", () => {
      expect(resolvePathOptions(["--data-dir", "d", "--file=x/log.jsonl", "--prefix", "p", "--file"], ["--data-dir", "--file"], "/b")).toEqual(["--data-dir", "/b/d", "--file=/b/x/log.jsonl", "--prefix", "p", "--file"]);
      expect(parseCommand(["rebuild", "--", "--data-dir", "/abs", "--nats-url", "nats://h"], npmRun, "/repo")).toEqual({ kind: "rebuild", passThrough: ["--data-dir", "/abs", "--nats-url", "nats://h"] });
      expect(parseCommand(["rebuild", "--data-dir", "data"], npmRun, "/repo")).toEqual({ kind: "rebuild", passThrough: ["--data-dir", "/home/me/music/data"] });
    });

    it("find the files relative to the base directory, not the process's", async () => {
      const base = await mkdtemp(join(tmpdir(), "ef-cli-paths-"));
      try {
        await mkdir(join(base, "takes"));
        await writeFile(join(base, "takes", "b.wav"), "x");
        await writeFile(join(base, "takes", "a.mp3"), "x");
        await writeFile(join(base, "takes", "notes.txt"), "x");
        await writeFile(join(base, "single.flac"), "x");
        expect(await collectFiles(["takes", "./single.flac"], base)).toEqual([join(base, "takes", "a.mp3"), join(base, "takes", "b.wav"), join(base, "single.flac")]);
        await expect(collectFiles(["takes"], tmpdir())).rejects.toThrow(/takes: no such file or folder/);
      } finally {
        await rm(base, { recursive: true, force: true });
      }
    });
  });
});
