import { describe, expect, it } from "vitest";
import { ConfigError, configSecrets, loadServerConfig } from "./config";

describe("loadServerConfig", () => {
  it("has defaults that keep an unauthenticated server on loopback", () => {
    const c = loadServerConfig({});
    expect(c).toMatchObject({ port: 4000, host: "127.0.0.1", dataDir: "./data", apiTokens: [], maxUploadBytes: 2 * 1024 ** 3, maxBatchItems: 100, graphqlMaxDepth: 12, readYourWritesTimeoutMs: 5000, names: { stream: "EF_EVENTS", prefix: "ef.events" } });
  });

  it("listens on all interfaces by default once tokens are configured", () => {
    const c = loadServerConfig({ API_TOKENS: "ops:operator:0123456789abcdef,view:viewer:fedcba9876543210" });
    expect(c.host).toBe("0.0.0.0");
    expect(c.apiTokens).toEqual([
      { name: "ops", role: "operator", token: "0123456789abcdef" },
      { name: "view", role: "viewer", token: "fedcba9876543210" },
    ]);
    expect(configSecrets(c)).toEqual(["0123456789abcdef", "fedcba9876543210"]);
  });

  it("lists every problem, says how to fix it, and never echoes a token", () => {
    let err: unknown;
    try {
      loadServerConfig({ PORT: "eighty", MAX_BATCH_ITEMS: "0", API_TOKENS: "ops:admin:supersecretvalue123,short:viewer:abc", PUBLIC_URL: "not a url", LOG_LEVEL: "loud" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/PORT must be a whole number between 0 and 65535 \(got "eighty"\)/);
    expect(msg).toMatch(/MAX_BATCH_ITEMS must be a whole number between 1/);
    expect(msg).toMatch(/role must be viewer or operator/);
    expect(msg).toMatch(/at least 16 characters/);
    expect(msg).toMatch(/PUBLIC_URL must be a URL/);
    expect(msg).toMatch(/LOG_LEVEL must be/);
    expect(msg).not.toContain("supersecretvalue123");
  });

  it("refuses duplicate token names (they become event actors)", () => {
    expect(() => loadServerConfig({ API_TOKENS: "a:operator:0123456789abcdef,a:viewer:0123456789abcdeg" })).toThrow(/used twice/);
  });

  it("refuses to listen beyond loopback without tokens unless told a proxy authenticates", () => {
    expect(() => loadServerConfig({ HOST: "0.0.0.0" })).toThrow(/HOST=0\.0\.0\.0 would let anyone.*set API_TOKENS.*ALLOW_UNAUTHENTICATED_NETWORK=1/);
    expect(loadServerConfig({ HOST: "127.0.0.2" }).host).toBe("127.0.0.2");
    expect(loadServerConfig({ HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED_NETWORK: "1" }).host).toBe("0.0.0.0");
    expect(loadServerConfig({ HOST: "0.0.0.0", API_TOKENS: "ops:operator:0123456789abcdef" }).host).toBe("0.0.0.0");
  });
});
