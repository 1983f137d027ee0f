import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { PermanentError, RetryableError, errorMessage } from "../../core/consumers/handler-errors";

/** One transcription as the worker uses it (camelCase; `avg_logprob` kept for callers that want it). */
export interface WhisperSegment {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly avgLogprob: number | null;
}
export interface WhisperResult {
  readonly text: string;
  readonly language: string;
  readonly languageProbability: number | null;
  readonly durationSeconds: number;
  readonly segments: readonly WhisperSegment[];
}

export interface TranscribeOptions {
  /** Original file name: the service keeps its extension as a decoding hint. */
  readonly fileName: string;
  /** ISO-639-1 code; omitted = auto-detect. */
  readonly language?: string;
  readonly signal?: AbortSignal;
}

export interface WhisperClient {
  readonly baseUrl: string;
  transcribe(filePath: string, o: TranscribeOptions): Promise<WhisperResult>;
  /** GET /ready is 200: the model is loaded. Never throws. */
  ready(signal?: AbortSignal): Promise<boolean>;
}

const responseSchema = z.object({
  text: z.string(),
  language: z.string(),
  language_probability: z.number().nullable().optional(),
  duration_seconds: z.number(),
  segments: z.array(z.object({
    id: z.number(),
    start: z.number(),
    end: z.number(),
    text: z.string(),
    avg_logprob: z.number().nullable().optional(),
  })),
});

/** Codes for 4xx answers: the same request would fail again, so the job fails with a readable reason. */
const PERMANENT: Record<number, [code: string, what: string]> = {
  400: ["TRANSCRIBE_BAD_REQUEST", "The transcription service refused the upload"],
  413: ["AUDIO_TOO_LARGE", "The audio file is too large for the transcription service"],
  415: ["AUDIO_UNDECODABLE", "The transcription service could not decode the audio"],
  422: ["TRANSCRIBE_BAD_REQUEST", "The transcription service refused a request field"],
};
/** Statuses that mean "not now" rather than "never". */
const TRANSIENT_4XX = new Set([408, 425, 429]);

export function createWhisperClient(o: { baseUrl: string; timeoutMs: number }): WhisperClient {
  const baseUrl = o.baseUrl.replace(/\/+$/, "");
  return {
    baseUrl,
    async ready(signal) {
      try {
        const r = await fetch(`${baseUrl}/ready`, { signal: signal ?? AbortSignal.timeout(2_000) });
        await r.body?.cancel();
        return r.ok;
      } catch {
        return false;
      }
    },
    async transcribe(filePath, t) {
      let size: number;
      try {
        size = (await stat(filePath)).size;
      } catch (err) {
        throw new PermanentError("AUDIO_MISSING", `The audio file cannot be read: ${errorMessage(err)}`);
      }
      const fields: Record<string, string> = t.language ? { language: t.language } : {};
      const body = multipartBody(filePath, size, t.fileName, fields);
      const timeout = AbortSignal.timeout(o.timeoutMs);
      const signal = t.signal ? AbortSignal.any([t.signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/transcribe`, {
          method: "POST",
          headers: { "content-type": `multipart/form-data; boundary=${body.boundary}`, "content-length": String(body.length) },
          body: body.stream,
          duplex: "half", // a streamed request body needs it (undici), and the seed omitted it
          signal,
        } as RequestInit);
      } catch (err) {
        throw classifyNetworkError(err, t.signal, timeout, baseUrl, o.timeoutMs);
      }
      let raw: string;
      try {
        raw = await res.text();
      } catch (err) {
        throw classifyNetworkError(err, t.signal, timeout, baseUrl, o.timeoutMs);
      }
      if (!res.ok) throw httpError(res.status, raw, res.headers.get("retry-after"));
      const parsed = responseSchema.safeParse(safeJson(raw));
      // a 200 we cannot read is a deployment mismatch (proxy page, old service): retry, then fail visibly
      if (!parsed.success) throw new RetryableError("WHISPER_BAD_RESPONSE", `The transcription service sent an unreadable answer: ${raw.slice(0, 200)}`);
      const d = parsed.data;
      return {
        text: d.text.trim(),
        language: d.language,
        languageProbability: d.language_probability ?? null,
        durationSeconds: d.duration_seconds,
        segments: d.segments.map((s) => ({ id: s.id, start: s.start, end: s.end, text: s.text.trim(), avgLogprob: s.avg_logprob ?? null })),
      };
    },
  };
}

/**
 * The multipart body as a stream (fields, file part preamble, the file itself, closing boundary),
 * with its exact length: the audio never sits in memory, and the service can refuse an oversized
 * upload (413) from Content-Length before reading it.
 */
export function multipartBody(filePath: string, size: number, fileName: string, fields: Record<string, string> = {}) {
  const boundary = `----emberflow${randomBytes(12).toString("hex")}`;
  const head = Object.entries(fields)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join("");
  const preamble = Buffer.from(
    `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${headerSafe(fileName)}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield preamble;
    let sent = 0;
    // `end` pins the read to the stat'd size, so a file growing meanwhile cannot break Content-Length
    if (size > 0)
      for await (const chunk of createReadStream(filePath, { end: size - 1 })) {
        sent += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    if (sent !== size) throw new Error(`audio file changed while uploading (${sent} of ${size} bytes)`);
    yield epilogue;
  }
  const stream = Readable.toWeb(Readable.from(parts())) as unknown as ReadableStream<Uint8Array>;
  return { boundary, length: preamble.length + size + epilogue.length, stream };
}

/** Quotes, CR/LF and backslashes would end the header value early; non-ASCII is sent as UTF-8. */
const headerSafe = (name: string) => name.replace(/["\\\r\n]/g, "_") || "audio";

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

function serviceMessage(raw: string): string {
  const j = safeJson(raw) as { error?: { message?: unknown; code?: unknown }; detail?: unknown } | null;
  const m = j?.error?.message ?? j?.detail;
  return typeof m === "string" ? m : raw.slice(0, 300) || "(no message)";
}

/** Retry-After is seconds or an HTTP date; anything else is ignored (the runtime's backoff applies). */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function httpError(status: number, raw: string, retryAfter: string | null): Error {
  const msg = serviceMessage(raw);
  if (status === 503) return new RetryableError("WHISPER_UNAVAILABLE", `Transcription service busy or loading (503): ${msg}`, parseRetryAfter(retryAfter));
  if (status >= 500 || TRANSIENT_4XX.has(status))
    return new RetryableError("WHISPER_SERVER_ERROR", `Transcription service error (${status}): ${msg}`, parseRetryAfter(retryAfter));
  const [code, what] = PERMANENT[status] ?? ["TRANSCRIBE_REJECTED", "The transcription service rejected the request"];
  return new PermanentError(code, `${what} (${status}): ${msg}`);
}

function classifyNetworkError(err: unknown, caller: AbortSignal | undefined, timeout: AbortSignal, baseUrl: string, timeoutMs: number): unknown {
  if (caller?.aborted) return caller.reason ?? err; // the caller stopped us: not the service's fault
  if (timeout.aborted) return new RetryableError("WHISPER_TIMEOUT", `Transcription service did not answer within ${Math.round(timeoutMs / 1000)} s`);
  // undici reports "fetch failed" with the socket error as cause (ECONNREFUSED, ECONNRESET, ...)
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? errorMessage(err);
  const code = cause?.code === "ECONNREFUSED" ? "WHISPER_DOWN" : "WHISPER_CONNECTION";
  return new RetryableError(code, `Transcription service unreachable at ${baseUrl}: ${detail}`, undefined, { cause: err });
}
