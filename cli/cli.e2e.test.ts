import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, makeTone, startE2ESystem, type E2ESystem } from "../test-support/e2e-system";

/**
 * `emberflow` against the whole system (NATS, server, workers), as a child process with piped
 * stdout. `onOutput` sees stdout and stderr as they grow, to act while the CLI is still watching.
 */
function cli(args: string[], env: Record<string, string> = {}, onOutput?: (out: { stdout: string; stderr: string }) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/bin.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      onOutput?.({ stdout, stderr });
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      onOutput?.({ stdout, stderr });
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A GraphQL request to the system, as another client (the dashboard, a script) would send it. */
async function gql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: T; errors?: { message: string }[] };
}

/** Resolves with the first match of `re` in the CLI's output (stderr, then stdout) once it appears. */
function outputMatch(re: RegExp): { onOutput: (out: { stdout: string; stderr: string }) => void; match: Promise<RegExpExecArray> } {
  let found: (m: RegExpExecArray) => void = () => {};
  const match = new Promise<RegExpExecArray>((r) => (found = r));
  let done = false;
  return {
    match,
    onOutput: ({ stdout, stderr }) => {
      const m = done ? null : (re.exec(stderr) ?? re.exec(stdout));
      if (m) {
        done = true;
        found(m);
      }
    },
  };
}

interface JobRow {
  id: string;
  index: number;
  fileName: string;
  status: string;
}

/** Retries `attempt` until it answers without GraphQL errors (a job is cancellable once the workflow has queued it). */
async function until<T>(what: string, attempt: () => Promise<{ data?: T; errors?: { message: string }[] }>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await attempt();
    if (r.data && !r.errors?.length) return r.data;
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(r.errors)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe("emberflow CLI", () => {
  let sys: E2ESystem;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ef-cli-"));
    // one render at a time: while the first file renders, the second one stays queued (cancellable)
    sys = await startE2ESystem({ workerEnv: { RENDER_CONCURRENCY: "1" } });
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

  it("exits 2 when a job is cancelled while it watches and the batch ends PARTIAL", async () => {
    const folder = join(dir, "partial");
    await mkdir(folder);
    await makeTone(join(folder, "a-long.wav"), 16, 330);
    await makeTone(join(folder, "b-short.wav"), 2, 660);
    const seen = outputMatch(/#\/batches\/([^\s]+)/);
    const run = cli(["submit", folder, "--formats", "flat_1080p", "--quality", "draft", "--no-transcribe", "--no-notify", "--name", "cli partial", "--url", sys.url], {}, seen.onOutput);
    const id = (await Promise.race([seen.match, run.then((r) => Promise.reject(new Error(`the CLI ended before creating the batch:\n${r.stdout}\n${r.stderr}`)))]))[1]!;

    // cancel one job through the API while the CLI watches: the one still queued behind the render
    // (RENDER_CONCURRENCY=1), so the other one completes and the batch ends PARTIAL
    const cancelled = await until<JobRow>("cancelJob", async () => {
      const b = await gql<{ batch: { jobs: JobRow[] } | null }>(sys.url, "query($id: ID!) { batch(id: $id) { jobs { id index fileName status } } }", { id });
      const jobs = [...(b.data?.batch?.jobs ?? [])].sort((x, y) => y.index - x.index);
      const victim = jobs.find((j) => j.status === "QUEUED") ?? jobs[0];
      if (!victim) return { errors: [{ message: "no jobs yet" }] };
      const r = await gql<{ cancelJob: { job: { status: string } | null } }>(sys.url, "mutation($id: ID!) { cancelJob(id: $id) { job { status } } }", { id: victim.id });
      return r.errors?.length ? { errors: r.errors } : { data: victim };
    });

    const r = await run;
    const other = cancelled.fileName === "b-short.wav" ? "a-long.wav" : "b-short.wav";
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
    // progress lines while it watched, then both jobs' ends and the batch's
    expect(r.stdout).toMatch(/(a-long|b-short)\.wav: (QUEUED|RENDERING) \d+%/);
    expect(r.stdout).toMatch(/batch cli partial: (QUEUED|RUNNING) \d+%/);
    expect(r.stdout).toContain(`${cancelled.fileName}: CANCELLED`);
    expect(r.stdout).toContain(`${other}: COMPLETED 100%`);
    expect(r.stdout).toMatch(/batch cli partial: PARTIAL \d+% \(1\/2 done, 0 failed, 1 cancelled\)/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(/^batch cli partial: PARTIAL/);
  }, 120_000);

  it("`watch` exits 3 when the batch it follows is cancelled", async () => {
    const folder = join(dir, "cancelled");
    await mkdir(folder);
    await makeTone(join(folder, "first.wav"), 40, 300);
    await makeTone(join(folder, "second.wav"), 2, 600);
    const submitted = await cli(["submit", folder, "--formats", "flat_1080p", "--quality", "draft", "--no-transcribe", "--no-notify", "--name", "cli cancelled", "--no-watch", "--url", sys.url]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();

    const seen = outputMatch(/batch cli cancelled: (QUEUED|RUNNING)/);
    const run = cli(["watch", id], { EMBERFLOW_URL: sys.url }, seen.onOutput);
    await Promise.race([seen.match, run.then((r) => Promise.reject(new Error(`watch ended before the batch did:\n${r.stdout}\n${r.stderr}`)))]);
    await until("cancelBatch", () => gql(sys.url, "mutation($id: ID!) { cancelBatch(id: $id) { batch { id } } }", { id }));

    const r = await run;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
    expect(r.stdout).toMatch(/first\.wav: (QUEUED|RENDERING) \d+%/);
    expect(r.stdout).toMatch(/second\.wav: CANCELLED/);
    expect(r.stdout).toMatch(/batch cli cancelled: CANCELLED \d+% \(\d\/2 done, 0 failed, [12] cancelled\)/);
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
