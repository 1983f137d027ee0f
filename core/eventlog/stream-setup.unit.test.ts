import { describe, expect, it } from "vitest";
import { RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import { ensureEventStream } from "./stream-setup";

const names = { stream: "EF_EVENTS", prefix: "ef.events" };

/** A JetStreamManager holding one stream, as a cluster would report it (an R3 stream cannot exist on the single test server). */
function managerWith(config: Partial<StreamConfig>) {
  const updates: StreamConfig[] = [];
  const jsm = {
    streams: {
      info: async () => ({ config }),
      update: async (_name: string, c: StreamConfig) => void updates.push(c),
      add: async () => {
        throw new Error("must not create");
      },
    },
  } as unknown as JetStreamManager;
  return { jsm, updates };
}

describe("event stream set-up on an existing stream", () => {
  it("never lowers the replicas: a node started without EVENT_STREAM_REPLICAS keeps the cluster's R3 log", async () => {
    const { jsm, updates } = managerWith({
      name: "EF_EVENTS", subjects: ["ef.events.>"], storage: StorageType.File, retention: RetentionPolicy.Limits, num_replicas: 3, duplicate_window: 1,
    });
    expect(await ensureEventStream(jsm, { names, replicas: 1 })).toBe("updated"); // the other settings differ in this fake
    expect(updates[0]!.num_replicas).toBe(3);
  });

  it("raises the replicas when asked for more", async () => {
    const { jsm, updates } = managerWith({
      name: "EF_EVENTS", subjects: ["ef.events.>"], storage: StorageType.File, retention: RetentionPolicy.Limits, num_replicas: 1,
    });
    await ensureEventStream(jsm, { names, replicas: 3 });
    expect(updates[0]!.num_replicas).toBe(3);
  });
});
