/**
 * `rclone serve webdav` on loopback as a stand-in for Drive that can be "down" (a webdav remote
 * pointing at a port nobody listens on yet) and come up later on that port, so tests can show
 * uploads catching up after an outage.
 */
import { spawn } from "node:child_process";

/** An rclone.conf section for a webdav remote at 127.0.0.1:<port>. */
export function webdavRemoteSection(name: string, port: number): string {
  return [`[${name}]`, "type = webdav", `url = http://127.0.0.1:${port}`, "vendor = other", ""].join("\n");
}

export interface WebdavServer {
  stop(): Promise<void>;
}

/** Serves `root` on the port and resolves once it answers HTTP. */
export async function startWebdav(root: string, port: number, configPath: string): Promise<WebdavServer> {
  const child = spawn("rclone", ["serve", "webdav", root, "--addr", `127.0.0.1:${port}`, "--config", configPath], { stdio: "ignore" });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
  };
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`http://127.0.0.1:${port}/`, { method: "OPTIONS" });
      return { stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`rclone serve webdav did not start on port ${port}`);
}
