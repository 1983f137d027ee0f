import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestNats, openTestStore, type TestNats } from "../test-support/nats";
import { quietLogger } from "../core/log/logger";
import type { EventStore } from "../core/eventlog/event-store";
import { openDatabase } from "./sqlite/open-database";
import { openReadModel } from "./read-model";
import { startProjector } from "./projector";
import { rebuildReadModel } from "./rebuild";
import { dumpReadModel } from "./sqlite/dump";
import { EventFactory, publishPipelined } from "./testing/event-factory";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a projector killed mid catch-up", () => {
  let nats: TestNats;
  let store: EventStore;
  let child: ChildProcess | null = null;
  const dir = mkdtempSync(join(tmpdir(), "ef-crash-"));

  beforeAll(async () => {
    nats = await startTestNats();
    store = await openTestStore(await nats.connect());
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("restarts from its checkpoint and ends identical to a rebuild", async () => {
    const f = new EventFactory("c");
    const events = [];
    while (events.length < 10_000) events.push(...f.batchLifecycle(50, { failEvery: 5, failHard: 9 }));

    const last = await publishPipelined(store, events);

    expect(last).toBe(events.length);

    const path = join(dir, "live.sqlite");
    openReadModel(path).close(); // migrate first, so the poller below can read the checkpoint table
    const db = openDatabase(path, { readonly: true });
    const checkpoint = db.prepare<[], { position: number }>("SELECT position FROM projection_checkpoint");
    // three kills, each just after a commit was seen: with no pause between runs of 1,000 events,
    // the next transaction is then almost always in progress when SIGKILL lands
    let killedAt = 0;
    for (let round = 0; round < 3; round++) {
      child = spawn(process.execPath, ["--import", "tsx", "projections/testing/projector-child.ts",
        nats.server.url, store.names.stream, store.names.prefix, path, "0", "1000"], { stdio: ["ignore", "pipe", "inherit"] });
      const exited = new Promise<NodeJS.Signals | null>((r) => child!.on("exit", (_code, signal) => r(signal)));
      for (let i = 0; i < 20_000 && checkpoint.get()!.position <= killedAt; i++) await sleep(1);
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      child = null;
      const at = checkpoint.get()!.position;
      expect(at).toBeGreaterThan(killedAt); // it made progress, restarting from its checkpoint
      killedAt = at;
    }
    db.close();
    expect(killedAt).toBeLessThan(last); // it really died mid catch-up, every time

    const rm = openReadModel(path);
    expect(rm.position()).toBe(killedAt);
    const projector = await startProjector({ store, readModel: rm, logger: quietLogger() });
    expect(await projector.waitFor(last, 20_000)).toBe(true);
    await projector.stop();

    const rebuilt = await rebuildReadModel({ store, path });
    const fresh = openReadModel(rebuilt.file);
    expect(dumpReadModel(rm.db)).toEqual(dumpReadModel(fresh.db));
    expect(rm.queueStats().jobs.COMPLETED + rm.queueStats().jobs.FAILED).toBe(rm.queueStats().batches.PARTIAL * 50);
    fresh.close();
    rm.close();
  });
});
