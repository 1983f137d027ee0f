import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import busboy from "busboy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermanentError, RetryableError } from "../../core/consumers/handler-errors";
import { createWhisperClient, parseRetryAfter } from "./whisper-client";
import { freePort } from "../../core/nats/local-server";

/** What the fake received, parsed by busboy (an independent multipart parser). */
interface Received {
  headers: IncomingMessage["headers"];
  fields: Record<string, string>;
  file: { name: string; bytes: Buffer } | null;
}
let reply: (res: ServerResponse) => void = () => undefined;
let last: Received | null = null;
let server: Server;
let url: string;
let audio: string;
const payload = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(200_000, 7)]); // spans several stream chunks

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "ef-whisper-client-"));
  audio = join(dir, "clip.wav");
  await writeFile(audio, payload);
  server = createServer((req, res) => {
    const got: Received = { headers: req.headers, fields: {}, file: null };
    const bb = busboy({ headers: req.headers });
    bb.on("field", (k, v) => (got.fields[k] = v));
    bb.on("file", (_k, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => (got.file = { name: info.filename ?? "", bytes: Buffer.concat(chunks) }));
    });
    bb.on("close", () => {
      last = got;
      reply(res);
    });
    bb.on("error", () => res.writeHead(400).end("broken multipart"));
    req.pipe(bb);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (res: ServerResponse) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
const ok = json(200, {
  text: " Hello there. ", language: "en", language_probability: 0.98, duration_seconds: 2.5,
  segments: [{ id: 0, start: 0, end: 2.5, text: " Hello there. ", avg_logprob: -0.2, words: null }],
});

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

describe("whisper client", () => {
  it("streams a well-formed multipart body with an exact Content-Length", async () => {
    reply = ok;
    const c = createWhisperClient({ baseUrl: `${url}/`, timeoutMs: 5_000 });
    const r = await c.transcribe(audio, { fileName: 'Morning "talk".wav', language: "en" });
    expect(r).toEqual({
      text: "Hello there.", language: "en", languageProbability: 0.98, durationSeconds: 2.5,
      segments: [{ id: 0, start: 0, end: 2.5, text: "Hello there.", avgLogprob: -0.2 }],
    });
    expect(last!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(last!.headers["transfer-encoding"]).toBeUndefined(); // a real length, not chunked
    expect(Number(last!.headers["content-length"])).toBeGreaterThan(payload.length);
    expect(last!.fields).toEqual({ language: "en" });
    expect(last!.file!.name).toBe("Morning _talk_.wav");
    expect(last!.file!.bytes.equals(payload)).toBe(true);
  });

  it("503 is retryable and honours Retry-After (seconds or a date)", async () => {
    reply = json(503, { error: { code: "overloaded", message: "too many transcriptions" } }, { "retry-after": "7" });
    const err = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 5_000 }).transcribe(audio, { fileName: "a.wav" }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toMatchObject({ code: "WHISPER_UNAVAILABLE", retryAfterMs: 7_000 });
    expect(err.message).toContain("too many transcriptions");
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("500 is retryable", async () => {
    reply = (res) => res.writeHead(500).end("Internal Server Error");
    const err = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 5_000 }).transcribe(audio, { fileName: "a.wav" }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toMatchObject({ code: "WHISPER_SERVER_ERROR" });
  });

  it.each([
    [415, "unsupported_media", "AUDIO_UNDECODABLE", "could not decode"],
    [400, "empty_file", "TRANSCRIBE_BAD_REQUEST", "refused"],
    [413, "file_too_large", "AUDIO_TOO_LARGE", "too large"],
  ])("%i is permanent, with the service's message", async (status, code, ours, words) => {
    reply = json(status, { error: { code, message: `service says ${code}` } });
    const err = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 5_000 }).transcribe(audio, { fileName: "a.wav" }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err).toMatchObject({ code: ours });
    expect(err.message).toContain(words);
    expect(err.message).toContain(`service says ${code}`);
  });

  it("connection refused is retryable", async () => {
    const port = await freePort();
    const err = await failure(createWhisperClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5_000 }).transcribe(audio, { fileName: "a.wav" }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toMatchObject({ code: "WHISPER_DOWN" });
    expect(err.message).toContain("ECONNREFUSED");
    expect(await createWhisperClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1_000 }).ready()).toBe(false);
  });

  it("a reset connection and a timeout are retryable; the caller's abort is passed through", async () => {
    reply = (res) => res.socket?.destroy();
    const reset = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 5_000 }).transcribe(audio, { fileName: "a.wav" }));
    expect(reset).toBeInstanceOf(RetryableError);
    expect(reset).toMatchObject({ code: "WHISPER_CONNECTION" });

    reply = () => undefined; // never answers
    const slow = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 300 }).transcribe(audio, { fileName: "a.wav" }));
    expect(slow).toMatchObject({ code: "WHISPER_TIMEOUT" });

    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error("job cancelled")), 100);
    const aborted = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 5_000 }).transcribe(audio, { fileName: "a.wav", signal: stop.signal }));
    expect(aborted.message).toBe("job cancelled");
  });

  it("a missing file is permanent; an unreadable 200 is retryable", async () => {
    const missing = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 5_000 }).transcribe("/nonexistent/x.wav", { fileName: "x.wav" }));
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing).toMatchObject({ code: "AUDIO_MISSING" });
    reply = (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>proxy</html>");
    const odd = await failure(createWhisperClient({ baseUrl: url, timeoutMs: 5_000 }).transcribe(audio, { fileName: "a.wav" }));
    expect(odd).toBeInstanceOf(RetryableError);
    expect(odd).toMatchObject({ code: "WHISPER_BAD_RESPONSE" });
  });
});
