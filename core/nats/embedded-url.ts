import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `npm start` runs its nats-server on a free port (4222 may belong to another NATS) and writes the
 * URL to this file in the server's store dir (DATA_DIR/nats) while it runs, so tools started beside
 * it (the rebuild CLI) find that server instead of guessing a port.
 */
export const EMBEDDED_NATS_URL_FILE = "embedded-url";

/** The URL of the embedded nats-server of `storeDir`, if `npm start` is running one. */
export function readEmbeddedNatsUrl(storeDir: string): string | null {
  const file = join(storeDir, EMBEDDED_NATS_URL_FILE);
  if (!existsSync(file)) return null;
  const url = readFileSync(file, "utf8").trim();
  return url.startsWith("nats://") ? url : null;
}
