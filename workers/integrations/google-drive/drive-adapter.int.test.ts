import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriveAdapterIfConfigured, createRcloneDriveAdapter } from "./drive-adapter.js";

let dir: string;
let configPath: string;
let source: string;
let davPort: number;
const davRoot = () => join(dir, "dav-root");
const localRoot = () => join(dir, "local-root");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "emberflow-drive-"));
  await mkdir(localRoot());
  await mkdir(davRoot());
  davPort = await freePort();
  configPath = join(dir, "rclone.conf");
  await writeFile(
    configPath,
    [
      "[testdrive]",
      "type = local",
      "",
      "[aliased]",
      "type = alias",
      `remote = ${localRoot()}`,
      "",
      "[davtest]",
      "type = webdav",
      `url = http://127.0.0.1:${davPort}`,
      "vendor = other",
      "",
    ].join("\n"),
  );
  source = join(dir, "20250301_rain_flat-1080p_v1.mp4");
  await writeFile(source, Buffer.alloc(300_000, 7));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const batch = { batchId: "0193b0c2-7f00-7000-8000-00000000abcd", batchName: "Rain 雨", batchCreatedAt: "2025-03-01T10:00:00Z" };

describe("rclone drive adapter", () => {
  it("copies to <folder>/<YYYY>/<MM>/<batch>/<file> on a local remote, verifies by hash, links by file://", async () => {
    const drive = createRcloneDriveAdapter({ remote: "testdrive", folder: localRoot() + "/Renders", configPath });
    const result = await drive.upload({ localPath: source, ...batch, idempotencyId: "evt-1" });
    const expectedPath = `${localRoot()}/Renders/2025/03/Rain 雨 (0000abcd)/20250301_rain_flat-1080p_v1.mp4`;
    expect(result.remotePath).toBe(`testdrive:${expectedPath}`);
    expect(result.verifiedBy).toBe("md5");
    expect(result.bytes).toBe(300_000);
    expect(result.url).toBe(new URL(`file://${expectedPath}`).href);
    expect(await readFile(expectedPath)).toEqual(await readFile(source));
    // Same upload again: same object, no second copy.
    await drive.upload({ localPath: source, ...batch, idempotencyId: "evt-1" });
    expect(await readdir(`${localRoot()}/Renders/2025/03/Rain 雨 (0000abcd)`)).toEqual(["20250301_rain_flat-1080p_v1.mp4"]);
  });

  it("uses the link template on an alias remote", async () => {
    const drive = createRcloneDriveAdapter({
      remote: "aliased:",
      folder: "Out",
      configPath,
      linkTemplate: "https://files.example/{remote}/{encodedPath}",
      flags: ["--transfers", "2"],
    });
    const result = await drive.upload({ localPath: source, fileName: "b.mp4", ...batch });
    expect(result.url).toBe("https://files.example/aliased/Out/2025/03/Rain%20%E9%9B%A8%20(0000abcd)/b.mp4");
  });

  it("rejects an unknown remote and a missing local file as permanent; is off without a remote", async () => {
    const missingRemote = createRcloneDriveAdapter({ remote: "nope", configPath });
    await expect(missingRemote.upload({ localPath: source, ...batch })).rejects.toMatchObject({ retryable: false, code: "REMOTE_MISSING" });
    const drive = createRcloneDriveAdapter({ remote: "testdrive", folder: localRoot(), configPath });
    await expect(drive.upload({ localPath: join(dir, "gone.mp4"), ...batch })).rejects.toMatchObject({ retryable: false, code: "LOCAL_FILE" });
    expect(createDriveAdapterIfConfigured({ remote: "" })).toBeUndefined();
  });

  it("remote unavailable then back: retryable failure, then success with exactly one file", async () => {
    const drive = createRcloneDriveAdapter({ remote: "davtest", folder: "Renders", configPath, timeoutMs: 60_000 });
    await expect(drive.upload({ localPath: source, ...batch })).rejects.toMatchObject({ retryable: true });

    const server = await startWebdav(davRoot(), davPort);
    try {
      const result = await drive.upload({ localPath: source, ...batch });
      expect(result.url).toBe("rclone://davtest/Renders/2025/03/Rain%20%E9%9B%A8%20(0000abcd)/20250301_rain_flat-1080p_v1.mp4");
      await stopProcess(server);
      await expect(drive.upload({ localPath: source, ...batch })).rejects.toMatchObject({ retryable: true });
      const again = await startWebdav(davRoot(), davPort);
      try {
        await drive.upload({ localPath: source, ...batch });
      } finally {
        await stopProcess(again);
      }
    } finally {
      await stopProcess(server);
    }
    const files = await listFiles(davRoot());
    expect(files).toEqual([join(davRoot(), "Renders/2025/03/Rain 雨 (0000abcd)/20250301_rain_flat-1080p_v1.mp4")]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startWebdav(root: string, port: number): Promise<ChildProcess> {
  const child = spawn("rclone", ["serve", "webdav", root, "--addr", `127.0.0.1:${port}`, "--config", configPath], { stdio: "ignore" });
  for (let i = 0; i < 100; i += 1) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { method: "OPTIONS" });
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error("rclone serve webdav did not start");
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
