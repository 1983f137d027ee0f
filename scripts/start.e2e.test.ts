import { spawn, execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../core/nats/local-server";
import { ROOT, waitForHttp } from "../test-support/e2e-system";

const run = promisify(execFile);

/** The environment without NATS_URL: the launcher and the rebuild CLI then use the embedded event log. */
function withoutNatsUrl(): NodeJS.ProcessEnv {
  const { NATS_URL: _, ...rest } = process.env;
  return rest;
}

/** Whether something accepts TCP connections on a loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), res(true)));
    s.once("error", () => res(false));
  });
}

/**
 * `npm start` as a user runs it: the launcher with its embedded nats-server, then Ctrl-C (SIGINT to
 * the terminal's whole process group). The whisper-service is pointed at a closed port to keep the
 * test short: the launcher only starts its own one when none is configured.
 */
describe("npm start (scripts/start.ts)", () => {
  let dataDir = "";
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("runs everything on an embedded nats-server, the rebuild CLI finds it, and Ctrl-C stops it all in order", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "ef-start-"));
    const [port, closed] = [await freePort(), await freePort()];
    const env = { ...withoutNatsUrl(), DATA_DIR: dataDir, PORT: String(port), WHISPER_SERVICE_URL: `http://127.0.0.1:${closed}` };
    // a process group of its own, like a shell's foreground job: the signal below goes to the group
    const launcher = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    launcher.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    launcher.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => launcher.once("exit", (code) => r(code)));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000, "npm start", () => (launcher.exitCode !== null ? out : null));
      const natsUrl = /embedded nats-server on (nats:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      expect(natsUrl, out).not.toBeNull();
      const natsPort = Number(natsUrl![2]);
      expect(natsPort).not.toBe(4222);
      expect(out).toContain(`store ${join(dataDir, "nats")}`);

      // the rebuild CLI, with no NATS_URL, reads the running embedded server's log
      const rebuilt = await run(process.execPath, ["--import", "tsx", "projections/rebuild-cli.ts", "--no-swap"], { cwd: ROOT, env });
      expect(rebuilt.stdout).toContain(`at ${natsUrl![1]}`);
      expect(rebuilt.stdout).toContain("not swapped");
      // swapping under the running server is refused, and the live file stays as it was
      const refused = await run(process.execPath, ["--import", "tsx", "projections/rebuild-cli.ts"], { cwd: ROOT, env }).catch((e: { code: number; stderr: string }) => e);
      expect((refused as { code: number }).code).toBe(1);
      expect((refused as { stderr: string }).stderr).toMatch(/is open in another process \(a running server\?\): stop it/);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

      process.kill(-launcher.pid!, "SIGINT");
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 45_000))])).toBe(0);
      // server and workers stopped before the nats-server they drain into
      const stopping = out.indexOf("stopping (server and workers first)");
      expect(stopping, out).toBeGreaterThan(0);
      expect(out.slice(stopping)).toMatch(/server\s+\|.*(shut|stop)/i);
      expect(out).toContain("stopped");
      expect(await listening(port)).toBe(false);
      expect(await listening(natsPort)).toBe(false);
      expect(existsSync(join(dataDir, "nats", "embedded-url"))).toBe(false);
    } finally {
      if (launcher.exitCode === null) process.kill(-launcher.pid!, "SIGKILL");
    }

    // with everything stopped, the rebuild CLI starts a nats-server on the same store and swaps the file in
    const after = await run(process.execPath, ["--import", "tsx", "projections/rebuild-cli.ts"], { cwd: ROOT, env });
    expect(after.stdout).toContain("started nats-server");
    expect(after.stdout).toMatch(/now at seq \d+/);
  }, 150_000);

  it("the rebuild CLI says what to set when there is no event log to read", async () => {
    const empty = await mkdtemp(join(tmpdir(), "ef-start-empty-"));
    try {
      const env = { ...withoutNatsUrl(), DATA_DIR: empty };
      const err = await run(process.execPath, ["--import", "tsx", "projections/rebuild-cli.ts"], { cwd: ROOT, env }).catch((e: { code: number; stderr: string }) => e);
      expect(err).toMatchObject({ code: 1 });
      expect((err as { stderr: string }).stderr).toMatch(/No event log in .*Set NATS_URL/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  }, 30_000);
});
