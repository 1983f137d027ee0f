import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateBatchDocument } from "../schema/generated/graphql";
import { makeWav, startServerHarness, type ServerHarness } from "./testing/server-harness";

let h: ServerHarness;
let wav: Buffer;
let bigWav: Buffer;

beforeAll(async () => {
  h = await startServerHarness({ MAX_UPLOAD_BYTES: "200000", MAX_BATCH_ITEMS: "3", GRAPHQL_MAX_DEPTH: "8", GRAPHQL_MAX_COMPLEXITY: "2000" });
  wav = await readFile(await makeWav(h.dataDir, 1));
  bigWav = await readFile(await makeWav(h.dataDir, 4, 220));
});
afterAll(async () => h?.stop());

const tempFiles = async () => readdir(join(h.dataDir, "uploads", "tmp")).catch(() => [] as string[]);

describe("uploads refuse bad files with clear errors and keep nothing of them", () => {
  it("refuses non-audio by its bytes (415), even when named .wav", async () => {
    const r = await h.upload([{ name: "notes.wav", content: Buffer.from("hello, this is plain text and not audio at all"), type: "audio/wav" }]);
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("refuses a file with an audio header but no readable audio (ffprobe), 415", async () => {
    const fake = Buffer.concat([Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt "), Buffer.alloc(200, 7)]);
    const r = await h.upload([{ name: "fake.wav", content: fake }]);
    expect(r.status).toBe(415);
    expect(r.body.error.message).toMatch(/no readable audio/);
  });

  it("refuses an empty file (400 EMPTY_FILE) and a request without a file field", async () => {
    const r = await h.upload([{ name: "empty.wav", content: Buffer.alloc(0) }]);
    expect(r).toMatchObject({ status: 400, body: { error: { code: "EMPTY_FILE" } } });
    const none = await fetch(`${h.url}/uploads`, { method: "POST", body: new FormData() });
    expect(none.status).toBe(400);
    const notMultipart = await fetch(`${h.url}/uploads`, { method: "POST", body: "x", headers: { "content-type": "text/plain" } });
    expect(await notMultipart.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
  });

  it("refuses an oversized file with 413 and removes the partial temp file", async () => {
    expect(bigWav.length).toBeGreaterThan(200_000);
    const r = await h.upload([{ name: "big.wav", content: bigWav }]);
    expect(r).toMatchObject({ status: 413, body: { error: { code: "FILE_TOO_LARGE" } } });
    expect(await tempFiles()).toEqual([]);
  });

  it("keeps hostile names for display only, cleaned, and stores by content hash", async () => {
    const r = await h.upload([
      { name: "../../etc/passwd.wav", content: wav },
      { name: "evil\u202ename.wav", content: wav },
      { name: "Méditation 🌙.wav", content: wav },
      { name: "..\\..\\windows\\x.wav", content: wav },
    ]);
    expect(r.status).toBe(201);
    expect(r.body.map((u: { fileName: string }) => u.fileName)).toEqual(["passwd.wav", "evilname.wav", "Méditation 🌙.wav", "x.wav"]);
    const blobs = await readdir(join(h.dataDir, "uploads", "blobs", r.body[0].sha256.slice(0, 2)));
    expect(blobs).toEqual([r.body[0].sha256]);
    const metas = await readdir(join(h.dataDir, "uploads", "meta"));
    for (const u of r.body) expect(metas).toContain(`${u.id}.json`);
    expect(await tempFiles()).toEqual([]);
  });

  it("cleans a NUL sent percent-encoded (RFC 5987) and refuses a raw NUL in the part header with a clear 400", async () => {
    const boundary = "----efboundary";
    const part = (disposition: string) =>
      Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: audio/wav\r\n\r\n`), wav, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const send = (body: Buffer) => fetch(`${h.url}/uploads`, { method: "POST", body: new Uint8Array(body), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    const encoded = await send(part(`filename*=UTF-8''a%00b%2F..%2Fc.wav`));
    expect(encoded.status).toBe(201);
    expect((await encoded.json())[0].fileName).toBe("c.wav");
    const raw = await send(part(`filename="a\u0000b.wav"`));
    expect(raw.status).toBe(400);
    expect((await raw.json()).error.message).toMatch(/NUL/);
    expect(await tempFiles()).toEqual([]);
  });
});

describe("createBatch validates at the API with BAD_USER_INPUT", () => {
  let uploadId: string;
  beforeAll(async () => {
    uploadId = (await h.upload([{ name: "ok.wav", content: wav }])).body[0].id;
  });
  const create = (input: Record<string, unknown>) =>
    h.gql(CreateBatchDocument as never, { input: { name: "b", items: [{ uploadId }], template: "FLAME", formats: ["FLAT_1080P"], ...input } } as never);

  it.each([
    ["an unknown template", { template: "SPARKLE" }, /Template/],
    ["an unknown format", { formats: ["FLAT_720P"] }, /OutputFormat/],
    ["no formats", { formats: [] }, /format/],
    ["an empty item list", { items: [] }, /no items/],
    ["a missing upload", { items: [{ uploadId: "0190f0f0-0000-7000-8000-000000000000" }] }, /Upload not found/],
    ["too many items", { items: [1, 2, 3, 4].map(() => ({ uploadId: "x" })) }, /at most 3/],
    ["an empty name", { name: "   " }, /name is empty/],
    ["an unsupported fps", { options: { fps: 25 } }, /fps must be 30 or 60/],
  ])("refuses %s", async (_label, input, message) => {
    const r = await create(input);
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0]?.message).toMatch(message);
  });

  it("refuses an unknown enum literal inline too", async () => {
    const r = await h.gql(`mutation { createBatch(input: { name: "b", items: [{ uploadId: "${uploadId}" }], template: SPARKLE, formats: [FLAT_1080P] }) { position } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("answers NOT_FOUND for unknown or malformed ids", async () => {
    for (const q of [`mutation { cancelBatch(id: "nope") { position } }`, `mutation { cancelJob(id: "../../x") { position } }`, `mutation { retryJob(id: "nope") { position } }`, `mutation { retryDeadLetter(id: "nope") { position } }`]) {
      const r = await h.gql(q);
      expect(r.errors?.[0]?.extensions?.code, q).toBe("NOT_FOUND");
    }
  });

  it("answers BAD_USER_INPUT for a garbage cursor", async () => {
    const r = await h.gql(`{ batches(first: 2, after: "garbage") { totalCount } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("abusive queries are refused before they run", () => {
  it("refuses a query deeper than GRAPHQL_MAX_DEPTH", async () => {
    const deep = `{ batches(first: 1) { edges { node { jobs { batch { jobs { batch { jobs { batch { id } } } } } } } } } }`;
    const r = await h.gql(deep);
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0]?.message).toMatch(/too deep/);
  });

  it("refuses aliases that multiply an expensive field past GRAPHQL_MAX_COMPLEXITY", async () => {
    const one = `{ batches(first: 100) { edges { node { id } } } }`;
    expect((await h.gql(one)).errors).toBeUndefined();
    const aliased = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: batches(first: 100) { edges { node { id name } } }`).join(" ")} }`;
    const r = await h.gql(aliased);
    expect(r.status).toBe(400); // the client's fault, not a server error
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0]?.message).toMatch(/too complex/);
  });

  it("still answers GraphiQL's introspection query", async () => {
    const { getIntrospectionQuery } = await import("graphql");
    const r = await h.gql(getIntrospectionQuery());
    expect(r.errors).toBeUndefined();
  });
});

describe("media", () => {
  it("serves outputs with byte ranges and refuses unsafe names", async () => {
    const dir = join(h.dataDir, "outputs");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "clip_v1.mp4"), Buffer.from("0123456789"));
    const all = await fetch(`${h.url}/media/clip_v1.mp4`);
    expect(all.headers.get("content-type")).toBe("video/mp4");
    expect(await all.text()).toBe("0123456789");
    const part = await fetch(`${h.url}/media/clip_v1.mp4`, { headers: { range: "bytes=2-4" } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe("234");
    for (const bad of ["..%2Fread-model.sqlite", "%2E%2E%2Fread-model.sqlite", ".hidden", "nope.mp4"]) expect((await fetch(`${h.url}/media/${bad}`)).status, bad).toBe(404);
  });
});
