import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, makeTone, startE2ESystem, type E2ESystem } from "../test-support/e2e-system";

/** `emberflow` against the whole system (NATS, server, workers), as a child process with piped stdout. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/bin.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("emberflow CLI", () => {
  let sys: E2ESystem;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ef-cli-"));
    sys = await startE2ESystem();
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("submits a folder, prints progress, and exits 0 when the batch completes", async () => {
    const folder = join(dir, "good");
    await mkdir(folder);
    await makeTone(join(folder, "one.wav"), 3, 440);
    await makeTone(join(folder, "two.wav"), 3, 550);
    await writeFile(join(folder, "README.txt"), "not audio: skipped because folders contribute audio files only");
    const r = await cli(["submit", folder, "--template", "flame", "--formats", "1080p", "--quality", "draft", "--no-transcribe", "--no-notify", "--name", "cli ok", "--idempotency-key", "cli-ok-1"], { EMBERFLOW_URL: sys.url });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stderr).toMatch(/uploaded one\.wav .*3\.0 s/);
    expect(r.stderr).toMatch(/#\/batches\//);
    expect(r.stdout).toMatch(/one\.wav: (QUEUED|RENDERING)/);
    expect(r.stdout).toMatch(/one\.wav: COMPLETED 100%/);
    expect(r.stdout).toMatch(/batch cli ok: COMPLETED 100% \(2\/2 done/);
    expect(r.stdout.includes("\u001b[")).toBe(false); // no ANSI when stdout is not a TTY

    const id = /#\/batches\/([^\s]+)/.exec(r.stderr)![1]!;
    const show = await cli(["show", id, "--url", sys.url]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/status COMPLETED, 100%/);
    expect(show.stdout).toMatch(/flat_1080p: http:\/\/127\.0\.0\.1:\d+\/media\/.+\.mp4/);

    // the same idempotency key returns the same batch instead of a second one
    const again = await cli(["submit", folder, "--formats", "flat_1080p", "--quality", "draft", "--no-transcribe", "--idempotency-key", "cli-ok-1", "--no-watch", "--url", sys.url]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(id);
    expect(again.stderr).toMatch(/already created/);

    const dl = await cli(["dead-letters", "--url", sys.url]);
    expect(dl.code).toBe(0);
    expect(dl.stdout).toMatch(/no dead letters|OPEN|RESOLVED/);
  }, 120_000);

  it("exits non-zero with the server's message when a file cannot be decoded", async () => {
    const folder = join(dir, "bad");
    await mkdir(folder);
    await makeTone(join(folder, "fine.wav"), 2);
    await writeFile(join(folder, "broken.mp3"), Buffer.from("ID3 this is not an mp3 at all ".repeat(100)));
    const r = await cli(["submit", folder, "--formats", "flat_1080p", "--quality", "draft", "--no-transcribe", "--url", sys.url]);
    expect(r.code).not.toBe(0);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/rejected broken\.mp3: .+/);
    expect(r.stderr).toMatch(/no batch was created/);
  }, 60_000);

  it("refuses unknown formats before uploading anything", async () => {
    const r = await cli(["submit", dir, "--formats", "flat_1080p,imax", "--url", sys.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown format "imax"/);
  });
});
