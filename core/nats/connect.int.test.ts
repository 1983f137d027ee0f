import { createServer, type Server, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { connectNats } from "./connect";
import { NatsServerTooOldError } from "./server-version";

/**
 * A TCP peer that speaks just enough of the NATS client protocol (INFO, then PONG to PING) to pass
 * for an old nats-server, such as Debian 12's 2.9.10, without needing one.
 */
function fakeNatsServer(version: string): Promise<{ server: Server; url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.write(`INFO ${JSON.stringify({ server_id: "FAKE", server_name: "fake", version, proto: 1, go: "go1.19", host: "127.0.0.1", headers: true, max_payload: 1048576, jetstream: true })}\r\n`);
    s.on("data", (d) => {
      for (const line of d.toString().split("\r\n")) if (line === "PING") s.write("PONG\r\n");
    });
    s.on("error", () => undefined);
  });
  return new Promise((res) => server.listen(0, "127.0.0.1", () => res({ server, url: `nats://127.0.0.1:${(server.address() as { port: number }).port}`, sockets })));
}

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

describe("connectNats", () => {
  it("refuses a server older than the minimum, saying how to get a newer one, and closes the connection", async () => {
    const fake = await fakeNatsServer("2.9.10");
    servers.push(fake.server);
    const err = await connectNats({ url: fake.url, name: "t" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NatsServerTooOldError);
    expect((err as Error).message).toMatch(new RegExp(`nats-server 2\\.9\\.10 at ${fake.url.replace(/\./g, "\\.")} is too old.*Unset NATS_URL`));
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.sockets.every((s) => s.destroyed || s.readableEnded)).toBe(true);
  });

  it("accepts a server at the minimum version", async () => {
    const fake = await fakeNatsServer("2.11.0");
    servers.push(fake.server);
    const nc = await connectNats({ url: fake.url, name: "t" });
    expect(nc.info?.version).toBe("2.11.0");
    await nc.close();
  });
});
