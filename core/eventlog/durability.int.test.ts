import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectNats } from "../nats/connect";
import { startLocalNatsServer } from "../nats/local-server";
import { EventStore } from "./event-store";
import { ensureEventStream } from "./stream-setup";

const meta = { occurredAt: "2026-12-01T00:00:00.000Z", correlationId: "c", causationId: null, actor: "test" };

/**
 * The fsync interval only matters for kernel crashes and power loss: acknowledged events are in the
 * OS page cache, so a nats-server killed with SIGKILL loses none of them (docs/durability.md).
 */
describe("event stream durability", () => {
  it("keeps every acknowledged event when nats-server is killed with SIGKILL (sync_interval 1s)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ef-durable-"));
    const names = { stream: "DURABLE", prefix: "durable.events" };
    try {
      const first = await startLocalNatsServer({ storeDir: dir, syncInterval: "1s" });
      const nc = await connectNats({ url: first.url, name: "t" });
      const store = await EventStore.open(nc, names);
      await ensureEventStream(store.jsm, { names, replicas: 1 });
      let acked = 0;
      await Promise.all(
        Array.from({ length: 20 }, async (_, lane) => {
          let v = 0;
          for (let i = 0; i < 50; i++) {
            v = (await store.append("job", `lane${lane}`, [{ type: "RenderStarted", data: { attempt: i + 1, worker: "w" } }], { expectedVersion: v, metadata: meta })).position;
            acked++;
          }
        }),
      );
      first.process.kill("SIGKILL");
      await new Promise((r) => first.process.once("exit", r));
      await nc.close().catch(() => {});

      const second = await startLocalNatsServer({ storeDir: dir, port: first.port, syncInterval: "1s" });
      const nc2 = await connectNats({ url: second.url, name: "t2" });
      const again = await EventStore.open(nc2, names);
      expect(acked).toBe(1000);
      expect(await again.lastPosition()).toBe(1000);
      expect((await again.load("job", "lane7")).events).toHaveLength(50);
      await nc2.close();
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
